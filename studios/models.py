import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Stage


class SchoolYear(models.Model):
    """A school year labelled like 2024-2025; 1 September to 31 August unless the office says otherwise."""

    start_year = models.PositiveSmallIntegerField(_("start year"), unique=True)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    semester2_start = models.DateField(_("first day of semester 2"))

    class Meta:
        ordering = ["start_year"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("semester2_start")) & Q(semester2_start__lte=models.F("end")),
                name="school_year_semesters_in_order",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @staticmethod
    def default_dates(start_year: int) -> dict:
        return {
            "start": datetime.date(start_year, 9, 1),
            "end": datetime.date(start_year + 1, 8, 31),
            "semester2_start": datetime.date(start_year + 1, 2, 1),
        }

    @classmethod
    def get_or_create_for(cls, start_year: int) -> "SchoolYear":
        year, _created = cls.objects.get_or_create(start_year=start_year, defaults=cls.default_dates(start_year))
        return year

    @staticmethod
    def parse_label(label: str) -> int:
        """'2024-2025' → 2024; raises ValueError on anything else."""
        first, _sep, second = (label or "").strip().partition("-")
        if not (first.isdigit() and second.isdigit() and len(first) == 4 and int(second) == int(first) + 1):
            raise ValueError(label)
        return int(first)

    def semester_of(self, day: datetime.date) -> int:
        return 1 if day < self.semester2_start else 2

    def semester_bounds(self, number: int) -> tuple[datetime.date, datetime.date]:
        if number == 1:
            return self.start, self.semester2_start - datetime.timedelta(days=1)
        return self.semester2_start, self.end


class Studio(models.Model):
    code = models.CharField(_("studio code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=30, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("studio")
        verbose_name_plural = _("studios")

    def __str__(self):
        return self.name


class Cycle(models.Model):
    """A three-school-year work cycle (三); renewed or dissolved by the office after the cycle assessment."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RENEWED = "renewed", _("Renewed")
        DISSOLVED = "dissolved", _("Dissolved")

    YEARS = 3

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("studio"))
    start_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("first school year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["studio", "-start_year__start_year"]
        constraints = [models.UniqueConstraint(fields=["studio", "start_year"], name="cycle_unique_start")]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self):
        return self.label

    @property
    def first_start_year(self) -> int:
        return self.start_year.start_year

    @property
    def label(self) -> str:
        first = self.first_start_year
        return f"{first}-{first + 1} → {first + self.YEARS - 1}-{first + self.YEARS}"

    def start_years(self) -> list[int]:
        return [self.first_start_year + offset for offset in range(self.YEARS)]

    def contains_year(self, start_year: int) -> bool:
        return start_year in self.start_years()


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))


class Membership(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("Host")
        MEMBER = "member", _("Member")

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("studio"))
    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="memberships",
                                verbose_name=_("teacher"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.TextField(_("reason for leaving"), blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["studio", "role", "joined_on"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "teacher", "joined_on"], name="membership_unique_span"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="membership_left_after_joined"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.teacher} @ {self.studio} ({self.get_role_display()})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)

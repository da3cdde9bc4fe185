from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A login. Office roles live here; host and member follow from the teacher's memberships."""

    class Role(models.TextChoices):
        # 三员分立 (等保 访问控制): three administrators, none of whom can do another's work or the office's.
        ADMIN = "admin", _("System administrator")  # accounts, schools, school-year calendar, rule settings
        SECURITY = "security", _("Security administrator")  # roles, login lockouts, second-factor resets
        AUDITOR = "auditor", _("Audit administrator")  # reads and exports the audit log, nothing else
        OFFICER = "officer", _("Research centre office")
        TEACHER = "teacher", _("Teacher")

    ADMINISTRATORS = (Role.ADMIN, Role.SECURITY, Role.AUDITOR)

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.TEACHER)
    # Set when someone other than the person chose the password (an initial or a reset one): the next login
    # must choose a new one before anything else (等保 身份鉴别).
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_changed_at = models.DateTimeField(_("password last changed"), null=True, blank=True)
    # SINGLE_SESSION_PER_ACCOUNT: the mark of the account's latest login; a session holding another mark was
    # opened before it and ends at its next request (security.middleware).
    session_token = models.CharField(_("latest login"), max_length=32, blank=True, default="", editable=False)

    @property
    def is_office(self) -> bool:
        """Officers see and review every studio. The administrators do not: their work is the system, not the
        studios; the superuser is for installation only (docs/deploy.md)."""
        return self.is_active and self.role == self.Role.OFFICER

    @property
    def is_admin(self) -> bool:
        """The system administrator (系统管理员)."""
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_security_admin(self) -> bool:
        """The security administrator (安全管理员)."""
        return self.is_active and self.role == self.Role.SECURITY

    @property
    def is_audit_admin(self) -> bool:
        """The audit administrator (审计管理员)."""
        return self.is_active and self.role == self.Role.AUDITOR

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role in self.ADMINISTRATORS

    @property
    def display_name(self) -> str:
        teacher = getattr(self, "teacher", None)
        return teacher.name if teacher else (self.get_full_name() or self.username)


class Stage(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior high school")


class Level(models.IntegerChoices):
    """旗级 < 市级 < 自治区级 < 国家级; "旗级以上" means BANNER or higher."""

    BANNER = 1, _("Banner level")
    CITY = 2, _("City level")
    REGION = 3, _("Autonomous region level")
    NATIONAL = 4, _("National level")


class School(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    is_rural = models.BooleanField(_("rural school"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.name


class Teacher(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="teacher"
    )
    code = models.CharField(_("teacher code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"))
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="teachers",
                               verbose_name=_("school"))
    subject = models.CharField(_("subject"), max_length=30, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    is_rural = models.BooleanField(_("rural teacher"), default=False)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class Title(models.Model):
    """An honour (荣誉): 教学能手, 骨干教师, … at a level, awarded on a date."""

    class Kind(models.TextChoices):
        TEACHING_EXPERT = "teaching_expert", _("Teaching expert")
        BACKBONE = "backbone", _("Backbone teacher")
        SUBJECT_LEADER = "subject_leader", _("Subject leader")
        MASTER = "master", _("Master teacher")
        SPECIAL_GRADE = "special_grade", _("Special-grade teacher")
        SKILLS_FIRST_PRIZE = "skills_first_prize", _("Basic-skills contest first prize")
        MORAL_FIRST_PRIZE = "moral_first_prize", _("Moral-education contest first prize")

    BACKBONE_OR_ABOVE = (Kind.BACKBONE, Kind.SUBJECT_LEADER, Kind.MASTER, Kind.SPECIAL_GRADE)

    class Check(models.TextChoices):
        """The office's verification of the certificate (clarification 10): only a verified title counts."""

        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        DECLINED = "declined", pgettext_lazy("verification", "Declined")

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="titles", verbose_name=_("teacher"))
    kind = models.CharField(pgettext_lazy("honour", "title"), max_length=30, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    awarded_on = models.DateField(_("date awarded"))
    certificate = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("certificate scan"))
    check_status = models.CharField(_("verification"), max_length=10, choices=Check.choices, default=Check.PENDING)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("verified by"))
    checked_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    check_comment = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["-awarded_on"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "kind", "level", "awarded_on"], name="title_unique_award")
        ]
        # The office's verification queue reads only the titles waiting for it.
        indexes = [models.Index(fields=["awarded_on"], name="title_check_pending",
                                condition=models.Q(check_status="pending"))]
        verbose_name = pgettext_lazy("honour", "title")
        verbose_name_plural = _("titles")

    def __str__(self):
        return f"{self.get_level_display()}{self.get_kind_display()}"


class Application(models.Model):
    """Selection (七): self-application, school recommendation, office decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
        RECOMMENDED = "recommended", _("Recommended by school")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="applications",
                                verbose_name=_("teacher"))
    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="applications",
                               verbose_name=_("studio"))
    statement = models.TextField(_("application statement"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    recommendation = models.TextField(_("school recommendation"), blank=True)
    recommended_by = models.CharField(_("recommended by (school contact)"), max_length=50, blank=True)
    recommended_on = models.DateField(_("recommended on"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    membership = models.OneToOneField("studios.Membership", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="application")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.teacher} → {self.studio}"

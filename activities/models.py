from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import CodedRecord


class Activity(CodedRecord):
    REF_PREFIX = "A"

    class Kind(models.TextChoices):
        DEPLOYMENT_MEETING = "deployment_meeting", _("Work deployment meeting")
        SUMMARY_MEETING = "summary_meeting", _("Stage summary meeting")
        WORK_SEMINAR = "work_seminar", _("Work seminar")
        REPORT_MEETING = "report_meeting", _("Report meeting")
        STUDY_TRIP = "study_trip", _("Study trip")
        LECTURE = "lecture", _("Lecture")
        REPORT = "report", _("Report session")
        SEMINAR = "seminar", _("Thematic seminar")
        OPEN_CLASS = "open_class", _("Open class")
        OBSERVATION = "observation", _("Lesson observation and polishing")
        OUTREACH = "outreach", _("Teaching delivered to the countryside")
        TEACHING_SUPPORT = "teaching_support", _("Teaching support")
        READING = "reading", _("Reading exchange")
        OTHER = "other", _("Other")

    PRESENTER_KINDS = (Kind.LECTURE, Kind.OPEN_CLASS)

    class Scope(models.TextChoices):
        STUDIO = "studio", _("Studio")
        SCHOOL = "school", _("School")
        BANNER = "banner", _("Whole banner")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="activities",
                               verbose_name=_("studio"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.STUDIO)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey("members.Teacher", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="organised_activities", verbose_name=_("organiser / presenter"))
    attendance_required = models.BooleanField(_("attendance required"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_without_filing = models.BooleanField(_("held without an approved filing"), default=False)
    plan = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("activity plan"))
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("minutes"))
    signin_sheet = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("sign-in sheet scan"))
    # 扫码签到: the host opens a window; the QR code holds a secret of the activity, so only someone who saw the
    # code (in the room) can open its sign-in page.
    signin_opens_at = models.DateTimeField(_("sign-in opens"), null=True, blank=True)
    signin_closes_at = models.DateTimeField(_("sign-in closes"), null=True, blank=True)
    signin_token = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["studio", "date"])]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title

    @property
    def needs_filing(self) -> bool:
        return self.scope == self.Scope.BANNER

    @property
    def has_presenter(self) -> bool:
        return self.kind in self.PRESENTER_KINDS

    def current_filing(self):
        """The filing, or None (without a query error when there is none)."""
        try:
            return self.filing
        except Filing.DoesNotExist:
            return None

    @property
    def filing_counts(self) -> bool:
        """Whether the regulation counts this activity: no filing needed, or approved on or before its date (十五)."""
        if not self.needs_filing:
            return True
        filing = self.current_filing()
        return filing is not None and filing.counts_for

    @property
    def unfiled(self) -> bool:
        """Held as a 全旗 activity without a filing approved in time: shown everywhere as 未经备案."""
        return self.status == self.Status.HELD and self.needs_filing and not self.filing_counts


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")


class Filing(models.Model):
    """活动备案 (十五): a 全旗 activity's plan, approved by the office with a document number before it is held."""

    class Status(models.TextChoices):
        # A context of their own: a filing is 已批准 where a studio document is 已通过.
        DRAFT = "draft", pgettext_lazy("filing status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("filing status", "Awaiting review")
        APPROVED = "approved", pgettext_lazy("filing status", "Approved")
        RETURNED = "returned", pgettext_lazy("filing status", "Returned")
        WITHDRAWN = "withdrawn", pgettext_lazy("filing status", "Withdrawn")

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="filing")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    doc_year = models.PositiveSmallIntegerField(null=True, blank=True)
    doc_seq = models.PositiveIntegerField(null=True, blank=True)
    doc_number = models.CharField(_("document number"), max_length=50, unique=True, null=True, blank=True)
    return_comment = models.TextField(_("return comment"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_year", "doc_seq"], name="filing_doc_number_sequence")]
        # The review queue and the home panels count the filings waiting, a small share of a region's filings.
        indexes = [models.Index(fields=["status"], name="filing_by_status")]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")

    def __str__(self):
        return self.doc_number or str(self.activity)

    @property
    def counts_for(self) -> bool:
        """Approved on or before the activity's date: only then does the activity count (十五)."""
        return (
            self.status == self.Status.APPROVED
            and self.approved_on is not None
            and self.approved_on <= self.activity.date
        )


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, default=Status.PRESENT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "teacher"], name="attendance_unique")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")


class SignIn(models.Model):
    """A teacher's own sign-in by the activity's QR code: a member (the host confirms it as attendance) or, for a
    全旗 activity, any teacher of the banner (counted in its reach, 参加人数)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signins")
    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="signins")
    signed_at = models.DateTimeField(_("signed in at"))

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "teacher"], name="signin_unique")]
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")

    def __str__(self):
        return f"{self.teacher.name} · {self.activity.title}"


class DocumentNumberCounter(models.Model):
    """The last 备案 document number issued in a calendar year; its row is locked while the next one is issued."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_seq = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")

    def __str__(self):
        return f"{self.year}: {self.last_seq}"

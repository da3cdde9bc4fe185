from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import CodedRecord
from members.models import Level


class Work(CodedRecord):
    """成果: a member's paper, reflection, teaching design or case, stage summary or development plan."""

    REF_PREFIX = "W"

    class Kind(models.TextChoices):
        PAPER = "paper", _("Research paper")
        REFLECTION = "reflection", _("Reflective summary")
        DESIGN = "design", _("Teaching design")
        CASE = "case", _("Teaching case")
        STAGE_SUMMARY = "stage_summary", _("Stage summary")
        DEV_PLAN = "dev_plan", _("Personal development plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("records", "Submitted")

    class CountSource(models.TextChoices):
        FILE = "file", _("Counted from the file")
        MANUAL = "manual", _("Entered by hand (unverified)")
        LEDGER = "ledger", _("From the ledger")

    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="works",
                                verbose_name=_("author"))
    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="works",
                               verbose_name=_("studio"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("records", "title"), max_length=200)
    date = models.DateField(_("date"))
    upload = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("file"))
    class Check(models.TextChoices):
        """The office's verification (clarification 10) of a count typed by hand, or of a near-copy."""

        NONE = "", _("Nothing to verify")
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        DECLINED = "declined", pgettext_lazy("verification", "Declined")

    char_count = models.PositiveIntegerField(_("character count"), null=True, blank=True)
    char_count_source = models.CharField(max_length=10, choices=CountSource.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    # One file, one count (clarification 10): the SHA-256 of the work's file, unique across all works.
    content_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    count_check = models.CharField(_("typed count verification"), max_length=10, choices=Check.choices, blank=True,
                                   default=Check.NONE)
    # A near-copy of another work of the banner (shared character shingles), until the office decides.
    copy_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("near-copy of"))
    copy_similarity = models.FloatField(_("share of shingles in common"), null=True, blank=True)
    copy_check = models.CharField(_("near-copy verification"), max_length=10, choices=Check.choices, blank=True,
                                  default=Check.NONE)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("verified by"))
    checked_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    check_comment = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["studio", "date"]), models.Index(fields=["teacher", "date"]),
            # The office's verification queue and its home count read only the few works waiting for it.
            models.Index(fields=["date"], name="work_count_check_pending", condition=models.Q(count_check="pending")),
            models.Index(fields=["date"], name="work_copy_check_pending", condition=models.Q(copy_check="pending")),
        ]
        verbose_name = _("work")
        verbose_name_plural = _("works")

    def __str__(self):
        return self.title

    @property
    def char_count_verified(self) -> bool:
        return self.char_count_source != self.CountSource.MANUAL or self.count_check == self.Check.VERIFIED

    @property
    def declined(self) -> bool:
        """Declined by the office as a near-copy: it counts for nothing."""
        return self.copy_check == self.Check.DECLINED


class WorkFingerprint(models.Model):
    """The MinHash signature of a work's text, for finding near-copies (records.similarity)."""

    work = models.OneToOneField(Work, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint")
    signature = models.JSONField()
    shingles = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("work fingerprint")
        verbose_name_plural = _("work fingerprints")


class WorkBand(models.Model):
    """One band of a work's signature (locality-sensitive hashing): works sharing a band are candidates."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "value"])]
        verbose_name = _("work fingerprint band")
        verbose_name_plural = _("work fingerprint bands")


class StudioDocument(CodedRecord):
    """工作室材料: plans, summaries and reports the host submits and the office reviews."""

    REF_PREFIX = "D"

    class Kind(models.TextChoices):
        WORK_PLAN = "work_plan", _("Annual work plan")
        ANNUAL_SUMMARY = "annual_summary", _("Annual summary")
        TRAINING_PLAN = "training_plan", _("Training plan")
        RESEARCH_REPORT = "research_report", _("Research report")
        SURVEY_REPORT = "survey_report", _("Survey report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="documents",
                               verbose_name=_("studio"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    school_year = models.ForeignKey("studios.SchoolYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("school year"))
    title = models.CharField(pgettext_lazy("records", "title"), max_length=200)
    upload = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("file"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year__start_year", "kind"]
        verbose_name = _("studio document")
        verbose_name_plural = _("studio documents")

    def __str__(self):
        return self.title


class ResearchProject(CodedRecord):
    """课题 at a level, with approval (立项) and conclusion (结题) dates."""

    REF_PREFIX = "P"

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="projects",
                               verbose_name=_("studio"))
    title = models.CharField(pgettext_lazy("records", "title"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    approved_on = models.DateField(_("approved on (立项)"))
    concluded_on = models.DateField(_("concluded on (结题)"), null=True, blank=True)
    leader = models.ForeignKey("members.Teacher", on_delete=models.PROTECT, related_name="led_projects",
                               verbose_name=_("leader"))
    participants = models.ManyToManyField("members.Teacher", blank=True, related_name="projects",
                                          verbose_name=_("participants"))
    approval_document = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", verbose_name=_("approval document"))
    conclusion_document = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="+", verbose_name=_("conclusion document"))

    class Meta:
        ordering = ["-approved_on"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")

    def __str__(self):
        return self.title


class MentoringPair(CodedRecord):
    """互助帮扶对子 (十一): a host or member paired with a rural teacher."""

    REF_PREFIX = "M"

    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="mentoring_pairs",
                                verbose_name=_("teacher"))
    studio = models.ForeignKey("studios.Studio", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="mentoring_pairs", verbose_name=_("studio"))
    mentee_name = models.CharField(_("rural teacher"), max_length=50)
    mentee_school = models.CharField(_("rural teacher's school"), max_length=100)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")

    def __str__(self):
        return f"{self.teacher.name} ↔ {self.mentee_name}"


class MentoringVisit(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    note = models.TextField(_("note"))

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("mentoring visit")
        verbose_name_plural = _("mentoring visits")


class Task(CodedRecord):
    """A task the host gives to one or several members (十七.2)."""

    REF_PREFIX = "K"

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="tasks",
                               verbose_name=_("studio"))
    title = models.CharField(pgettext_lazy("records", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("records", "description"), blank=True)
    due_on = models.DateField(_("due on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title


class TaskAssignment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="task_assignments",
                                verbose_name=_("assignee"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    upload = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("file"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "teacher"], name="task_assignment_unique")]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")

    @property
    def is_late(self) -> bool:
        return self.completed_on is not None and self.completed_on > self.task.due_on


class HostEvaluation(models.Model):
    """十六.4: once a school year the host scores each member on five dimensions."""

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="evaluations")
    school_year = models.ForeignKey("studios.SchoolYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("school year"))
    teacher = models.ForeignKey("members.Teacher", on_delete=models.CASCADE, related_name="evaluations",
                                verbose_name=_("member"))
    _score = {"validators": [MinValueValidator(0), MaxValueValidator(100)]}
    attitude = models.PositiveSmallIntegerField(_("work attitude"), **_score)
    task_completion = models.PositiveSmallIntegerField(_("task completion"), **_score)
    research_ability = models.PositiveSmallIntegerField(_("research ability"), **_score)
    theory = models.PositiveSmallIntegerField(_("theoretical growth"), **_score)
    teaching = models.PositiveSmallIntegerField(_("teaching ability"), **_score)
    comment = models.TextField(_("comment"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    SCORE_FIELDS = ("attitude", "task_completion", "research_ability", "theory", "teaching")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["studio", "school_year", "teacher"], name="evaluation_once_a_year")
        ]
        verbose_name = _("host evaluation")
        verbose_name_plural = _("host evaluations")


class FundEntry(CodedRecord):
    """经费: an allocation (拨款) to the studio for a school year, or an expense (支出)."""

    REF_PREFIX = "F"

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Allocation")
        EXPENSE = "expense", _("Expense")

    class Category(models.TextChoices):
        BOOKS_EQUIPMENT = "books_equipment", _("Books and office equipment")
        RESEARCH = "research", _("Research projects")
        EXPERTS = "experts", _("Experts' fees and travel")
        MEMBER_TRAVEL = "member_travel", _("Members' observation, travel and labour")
        OTHER = "other", _("Other (outside the allowed uses)")

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="fund_entries",
                               verbose_name=_("studio"))
    school_year = models.ForeignKey("studios.SchoolYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("school year"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    date = models.DateField(_("date"))
    description = models.CharField(pgettext_lazy("records", "description"), max_length=300, blank=True)
    receipt = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("receipt"))
    exception_approved = models.BooleanField(_("exception recorded by the office"), default=False)
    exception_reason = models.TextField(_("exception reason"), blank=True)
    exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class YearLock(models.Model):
    """Once locked, a school year's works can no longer be corrected by their authors."""

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="year_locks")
    school_year = models.ForeignKey("studios.SchoolYear", on_delete=models.PROTECT, related_name="+")
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["studio", "school_year"], name="year_lock_unique")]
        verbose_name = _("locked school year")
        verbose_name_plural = _("locked school years")

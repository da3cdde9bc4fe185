from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSettings(models.Model):
    """The office's thresholds (regulation.md, italics). One row; every result records the values it used."""

    paper_min_chars = models.PositiveIntegerField(_("minimum characters of a research paper"), default=1800)
    reflection_min_chars = models.PositiveIntegerField(_("minimum characters of a reflective summary"),
                                                       default=900)
    young_max_age = models.PositiveSmallIntegerField(_("young member: maximum age on the cycle's first day"),
                                                     default=35)
    summary_grace_days = models.PositiveSmallIntegerField(_("days after the year's end to hand in the summary"),
                                                          default=30)
    attendance_min_ratio = models.DecimalField(_("minimum attendance ratio"), max_digits=4, decimal_places=2,
                                               default=1, validators=[MinValueValidator(0)])
    cultivate_min = models.PositiveSmallIntegerField(_("newly titled backbone teachers per cycle"), default=2)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    EDITABLE_FIELDS = ("paper_min_chars", "reflection_min_chars", "young_max_age", "summary_grace_days",
                       "attendance_min_ratio", "cultivate_min")

    class Meta:
        verbose_name = _("rule settings")
        verbose_name_plural = _("rule settings")

    def __str__(self):
        return str(_("Rule settings"))

    @classmethod
    def current(cls) -> "RuleSettings":
        """The office's row, or the defaults unsaved: a read never creates it, since creating it is a change of
        the settings that every studio's stored results read (it would mark them all stale)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def as_dict(self) -> dict:
        return {name: (float(value) if name == "attendance_min_ratio" else value)
                for name in self.EDITABLE_FIELDS for value in [getattr(self, name)]}


class Kind(models.TextChoices):
    ANNUAL = "annual", _("Annual assessment")
    CYCLE = "cycle", _("Cycle assessment")


class AssessmentSignoff(models.Model):
    """An officer's sign-off of a studio's annual or cycle assessment (五, 十四).

    The computed result (with the overrides in force) and the settings it used are stored beside the
    final grade, so that the page can say when the live result has changed since. For a cycle
    assessment ``school_year`` is the cycle's first school year. Re-signing replaces the row; the audit
    log keeps every version.
    """

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    Kind = Kind

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="signoffs",
                               verbose_name=_("studio"))
    school_year = models.ForeignKey("studios.SchoolYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("school year"))
    kind = models.CharField(_("assessment"), max_length=10, choices=Kind.choices)
    result = models.JSONField(_("computed result"))
    settings_used = models.JSONField(_("settings used"))
    grade = models.CharField(_("final grade"), max_length=10, choices=Grade.choices)
    comment = models.TextField(_("comment"), blank=True)
    person_grades = models.JSONField(_("grades of the host and members"), default=dict, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed at"))
    # Signing off freezes the period's records (clarification 10) until the office reopens it with a reason; the
    # sign-off keeps saying so. Signing again after a reopening freezes it again.
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reopened by"))
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-school_year__start_year", "studio__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "school_year", "kind"], name="signoff_once_per_assessment")
        ]
        verbose_name = _("assessment sign-off")
        verbose_name_plural = _("assessment sign-offs")

    def __str__(self):
        return f"{self.studio} {self.school_year} {self.get_kind_display()}: {self.get_grade_display()}"

    @property
    def freezes(self) -> bool:
        """Whether the sign-off holds its period frozen: not reopened since it was (last) signed."""
        return self.reopened_at is None or self.signed_at > self.reopened_at


class RuleOverride(models.Model):
    """An officer's override of one rule instance, with a written reason (五). The computed status stays."""

    STATUS_CHOICES = [
        ("met", _("Met")),
        ("not_met", _("Not met")),
        ("pending", _("Pending")),
        ("not_applicable", _("Not applicable")),
    ]

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="rule_overrides",
                               verbose_name=_("studio"))
    cycle = models.ForeignKey("studios.Cycle", on_delete=models.CASCADE, related_name="rule_overrides",
                              verbose_name=_("cycle"))
    teacher = models.ForeignKey("members.Teacher", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="rule_overrides", verbose_name=_("teacher (empty for the team)"))
    rule = models.CharField(_("rule"), max_length=30)
    period = models.CharField(_("period"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["studio", "period", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "teacher", "rule", "period"], name="override_once_per_instance"),
            models.UniqueConstraint(fields=["cycle", "rule", "period"], condition=models.Q(teacher__isnull=True),
                                    name="override_once_per_team_instance"),
        ]
        verbose_name = _("rule override")
        verbose_name_plural = _("rule overrides")

    def __str__(self):
        return f"{self.rule} {self.period}: {self.status}"


class AssessmentResult(models.Model):
    """A studio's computed assessment, stored so that pages, exports and reminders read it instead of assessing
    live (assessments/results.py keeps it up to date).

    One row per studio, kind and period: an annual assessment per school year (``start_year`` the year's first
    calendar year) and a cycle assessment (``start_year`` the cycle's first year). ``result`` is the full result
    (assessment-json.md with overrides and sign-off, as the selectors return it); the verdict, rate and counts are
    columns as well so that lists filter, sort and sum in SQL. ``stale`` says a record it read changed since it was
    computed (a recomputation is queued); ``error`` that the last recomputation failed: the result kept is the last
    good one.
    """

    class Verdict(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        PENDING = "pending", _("Pending")

    Kind = Kind

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="results",
                               verbose_name=_("studio"))
    cycle = models.ForeignKey("studios.Cycle", on_delete=models.CASCADE, related_name="+", verbose_name=_("cycle"))
    kind = models.CharField(_("assessment"), max_length=10, choices=Kind.choices)
    start_year = models.PositiveSmallIntegerField(_("first calendar year of the period"))
    period_end = models.DateField(_("end of the period"))
    as_of = models.DateField(_("computed as of"))
    settings_fingerprint = models.CharField(_("fingerprint of the settings and overrides"), max_length=64)
    evidence_fingerprint = models.CharField(_("fingerprint of the evidence read"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(_("stale"), default=False)
    # The time of the latest change that made the result stale: a recomputation that began before it does not
    # clear the flag (it may not have seen that change).
    stale_since = models.DateTimeField(_("stale since"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    team_verdict = models.CharField(_("team verdict"), max_length=10, choices=Verdict.choices)
    compliance_rate = models.FloatField(_("compliance rate"), null=True, blank=True)
    met = models.PositiveIntegerField(_("met"), default=0)
    not_met = models.PositiveIntegerField(_("not met"), default=0)
    pending = models.PositiveIntegerField(_("pending"), default=0)
    not_applicable = models.PositiveIntegerField(_("not applicable"), default=0)
    applicable = models.PositiveIntegerField(_("applicable"), default=0)
    signoff_grade = models.CharField(_("final grade"), max_length=10, blank=True)
    result = models.JSONField(_("computed result"))
    # The overview's row of this result (results.matrix_row): lists read it instead of the whole result.
    matrix = models.JSONField(_("overview row"), default=dict, blank=True)

    class Meta:
        ordering = ["studio", "kind", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "kind", "start_year"], name="result_once_per_assessment"),
        ]
        indexes = [
            models.Index(fields=["kind", "start_year", "compliance_rate"], name="result_by_rate"),
            models.Index(fields=["kind", "start_year", "not_met"], name="result_by_not_met"),
            models.Index(fields=["stale"], name="result_stale"),
            models.Index(fields=["as_of", "period_end"], name="result_running"),
        ]
        verbose_name = _("stored assessment result")
        verbose_name_plural = _("stored assessment results")

    def __str__(self):
        return f"{self.studio_id} {self.kind} {self.start_year}: {self.verdict}"


class AssessmentTally(models.Model):
    """Counts of one stored result by rule (every instance) and by semester (the instances that count), so the
    overview's charts sum them in SQL across the banner."""

    class Axis(models.TextChoices):
        RULE = "rule", _("rule")
        SEMESTER = "semester", _("semester")

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="tallies")
    axis = models.CharField(max_length=10, choices=Axis.choices)
    key = models.CharField(max_length=30)
    met = models.PositiveIntegerField(default=0)
    not_met = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    not_applicable = models.PositiveIntegerField(default=0)
    applicable = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["result", "axis", "key"], name="tally_once_per_key")]
        indexes = [models.Index(fields=["axis", "key"], name="tally_by_key")]
        verbose_name = _("assessment tally")
        verbose_name_plural = _("assessment tallies")

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
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row

    def as_dict(self) -> dict:
        return {name: (float(value) if name == "attendance_min_ratio" else value)
                for name in self.EDITABLE_FIELDS for value in [getattr(self, name)]}

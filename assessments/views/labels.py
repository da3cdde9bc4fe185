"""What the assessment pages call statuses, verdicts, grades, periods and settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# The words and figures are one truth with the Excel sheets: assessments.presentation.
from ..presentation import (  # noqa: F401
    GRADE_LABELS,
    KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    period_label,
)
from ..presentation import rate_text as rate_percent  # noqa: F401

SETTING_LABELS = {
    "paper_min_chars": gettext_lazy("Minimum characters of a research paper"),
    "reflection_min_chars": gettext_lazy("Minimum characters of a reflective summary"),
    "young_max_age": gettext_lazy("Young member: maximum age on the cycle's first day"),
    "summary_grace_days": gettext_lazy("Days after the year's end to hand in the summary"),
    "attendance_min_ratio": gettext_lazy("Minimum attendance ratio"),
    "cultivate_min": gettext_lazy("Newly titled backbone teachers per cycle"),
    "public_lecture_min": gettext_lazy("Banner-wide lectures per semester"),
    "seminar_min": gettext_lazy("Banner-wide thematic seminars per semester"),
    "study_min": gettext_lazy("Seminars, report meetings or study trips per semester"),
    "outreach_min": gettext_lazy("Outreach trips per year"),
    "research_min": gettext_lazy("Concluded research projects per cycle"),
    "designs_min": gettext_lazy("Teaching designs or cases per year"),
    "lecture_min": gettext_lazy("Lectures or open classes per year"),
}


def settings_rows(values: dict) -> list[dict]:
    """The settings a result was computed with, labelled, in the registry's order of meaning."""
    return [{"name": name, "label": SETTING_LABELS.get(name, name), "value": value}
            for name, value in (values or {}).items() if name in SETTING_LABELS]

"""What the assessment pages call statuses, verdicts, grades, periods and settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "not_met": gettext_lazy("Not met"),
    "pending": gettext_lazy("In progress"),
    "not_applicable": gettext_lazy("Not applicable"),
}


VERDICT_LABELS = {"pass": gettext_lazy("Pass"), "fail": gettext_lazy("Fail"), "pending": gettext_lazy("Undecided")}


GRADE_LABELS = {"excellent": gettext_lazy("Excellent"), "pass": gettext_lazy("Pass"), "fail": gettext_lazy("Fail")}


KIND_LABELS = {"annual": gettext_lazy("Annual assessment"), "cycle": gettext_lazy("Cycle assessment")}


ROLE_LABELS = {"host": gettext_lazy("Host"), "member": gettext_lazy("Member")}


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


def period_label(label: str) -> str:
    """"2024-2025-1" → "2024-2025 第一学期"; a year label stays; "cycle" → "整个周期"."""
    if label == "cycle":
        return str(gettext_lazy("Whole cycle"))
    parts = label.split("-")
    if len(parts) == 3:
        semester = gettext_lazy("semester 1") if parts[2] == "1" else gettext_lazy("semester 2")
        return f"{parts[0]}-{parts[1]} {semester}"
    return label


def rate_percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def settings_rows(values: dict) -> list[dict]:
    """The settings a result was computed with, labelled, in the registry's order of meaning."""
    return [{"name": name, "label": SETTING_LABELS.get(name, name), "value": value}
            for name, value in (values or {}).items() if name in SETTING_LABELS]

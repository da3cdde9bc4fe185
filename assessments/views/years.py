"""Choosing the school year and kind of assessment a page shows."""

from __future__ import annotations

import datetime

from studios.access import today
from studios.models import Cycle, SchoolYear

from ..forms import AssessmentChoiceForm


def _start_year(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def studio_years(studio) -> list[str]:
    """The school years of the studio's cycles that have begun (any past year), latest first."""
    current = _start_year(today())
    labels = set()
    for cycle in Cycle.objects.filter(studio=studio).select_related("start_year"):
        for start_year in cycle.start_years():
            if start_year <= current or start_year == cycle.first_start_year:
                labels.add(f"{start_year}-{start_year + 1}")
    return sorted(labels, reverse=True)


def banner_years() -> list[str]:
    """Every school year some cycle covers, up to the current one, latest first."""
    current = _start_year(today())
    labels = {f"{year}-{year + 1}" for first in Cycle.objects.values_list("start_year__start_year", flat=True)
              for year in range(first, first + Cycle.YEARS) if year <= current or year == first}
    return sorted(labels, reverse=True) or [f"{current}-{current + 1}"]


def current_year_label(years: list[str]) -> str:
    start_year = _start_year(today())
    label = f"{start_year}-{start_year + 1}"
    return label if label in years else years[0]


def school_year(label: str) -> SchoolYear:
    """The office's school year with this label, or an unsaved one with the default calendar."""
    start_year = SchoolYear.parse_label(label)
    found = SchoolYear.objects.filter(start_year=start_year).first()
    return found or SchoolYear(start_year=start_year, **SchoolYear.default_dates(start_year))


def choose_assessment(data, years: list[str]) -> tuple[AssessmentChoiceForm, str, str]:
    """The assessment asked for in ``data`` (GET or POST), or the current year's annual assessment."""
    initial = {"kind": "annual", "year": current_year_label(years)}
    bound = bool(data.get("year") or data.get("kind"))
    form = AssessmentChoiceForm(data if bound else None, years=years, initial=initial)
    if bound and form.is_valid():
        return form, form.cleaned_data["kind"], form.cleaned_data["year"]
    return form, initial["kind"], initial["year"]

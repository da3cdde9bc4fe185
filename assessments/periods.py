"""Calendar helpers for the assessment: periods, activity spans, ages, statuses.

Pure functions over dates; see regulation.md "Calendar" and the status table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from .evidence import CYCLE_LABEL, Period, SchoolYear, Span

MET, NOT_MET, PENDING, NOT_APPLICABLE = "met", "not_met", "pending", "not_applicable"

ONE_DAY = timedelta(days=1)


def semesters(year: SchoolYear) -> tuple[Period, Period]:
    """Semester 1 runs from the year's start to the day before semester 2; semester 2 to the year's end."""
    first = Period(
        "semester", f"{year.label}-1", year.start, year.semester2_start - ONE_DAY
    )
    second = Period("semester", f"{year.label}-2", year.semester2_start, year.end)
    return first, second


def year_period(year: SchoolYear) -> Period:
    return Period("year", year.label, year.start, year.end)


def cycle_period(years: Sequence[SchoolYear]) -> Period:
    """The cycle: from the first school year's start to the last one's end."""
    return Period("cycle", CYCLE_LABEL, years[0].start, years[-1].end)


def periods_of_kind(
    kind: str, years: Sequence[SchoolYear], cycle_years: Sequence[SchoolYear]
) -> list[Period]:
    """The instances of a period kind: semesters/years of ``years``; the cycle is always the whole cycle."""
    if kind == "semester":
        return [semester for year in years for semester in semesters(year)]
    if kind == "year":
        return [year_period(year) for year in years]
    if kind == "cycle":
        return [cycle_period(cycle_years)]
    raise ValueError(f"unknown period kind {kind!r}")


# --- membership spans -------------------------------------------------------


def _clipped(span: Span, period: Period) -> tuple[date, date] | None:
    start = max(span.joined, period.start)
    end = period.end if span.left is None else min(span.left, period.end)
    return (start, end) if start <= end else None


def active_days(spans: Iterable[Span], period: Period) -> int:
    """Days of ``period`` on which at least one span is active (inclusive; overlaps counted once).

    An open span (left is None) is taken to run on: membership is a fact about
    the roster, not about the as-of date.
    """
    pieces = sorted(p for p in (_clipped(s, period) for s in spans) if p is not None)
    total = 0
    current_start = current_end = None
    for start, end in pieces:
        if current_end is not None and start <= current_end + ONE_DAY:
            current_end = max(current_end, end)
            continue
        if current_end is not None:
            total += (current_end - current_start).days + 1
        current_start, current_end = start, end
    if current_end is not None:
        total += (current_end - current_start).days + 1
    return total


def active_for_half(spans: Iterable[Span], period: Period) -> bool:
    """Active for at least half of the period's days: 2 × active days ≥ total days."""
    return 2 * active_days(spans, period) >= period.days


def has_active_day(spans: Iterable[Span], period: Period) -> bool:
    return active_days(spans, period) > 0


def active_on(spans: Iterable[Span], day: date) -> bool:
    return any(s.joined <= day and (s.left is None or day <= s.left) for s in spans)


# --- people -----------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    """Completed years (周岁) on ``day``; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


# --- status -----------------------------------------------------------------


def period_ended(as_of: date, last_day: date) -> bool:
    """The status table: a period has ended once the as-of date is on or after its last day."""
    return as_of >= last_day


def status_for(satisfied: bool, as_of: date, last_day: date) -> str:
    """met if satisfied; else not_met once as_of ≥ last day; else pending."""
    if satisfied:
        return MET
    return NOT_MET if period_ended(as_of, last_day) else PENDING

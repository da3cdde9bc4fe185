"""The one guard for frozen years (regulation.md, clarification 10).

Once an officer has signed off a studio's year (an annual sign-off, or a cycle sign-off, which covers its three
years) or the office has locked the year, nothing dated in that year can be added, changed or removed for that
studio — works, activities, attendance, tasks, evaluations, funds, documents, projects, titles and mentoring
pairs — until the office reopens it with a reason (``records.services.locks.year_reopen``).

Every write service of a dated record calls ``guard_frozen`` with the studio and every date (or school year) the
write touches: the record's date before the change and after it. The ledger import checks its rows with
``frozen_years`` (the same spans, loaded once for every studio of the workbook). Nothing else decides it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.services import DomainError
from studios.models import Cycle, Membership, SchoolYear, Studio


@dataclass(frozen=True)
class FrozenSpan:
    studio_id: int
    label: str  # the school year, e.g. "2024-2025"
    start: datetime.date
    end: datetime.date
    signed: bool  # by a sign-off (else by a year lock)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _year_dates(start_years: Iterable[int]) -> dict[int, tuple[datetime.date, datetime.date]]:
    start_years = set(start_years)
    found = {
        start_year: (start, end)
        for start_year, start, end in SchoolYear.objects.filter(start_year__in=start_years)
        .values_list("start_year", "start", "end")
    }
    for start_year in start_years - found.keys():
        dates = SchoolYear.default_dates(start_year)
        found[start_year] = (dates["start"], dates["end"])
    return found


class FrozenYears:
    """The frozen school years of a set of studios, read at once: three queries whatever their number."""

    def __init__(self, studio_ids: Iterable[int] | None = None):
        from assessments.models import AssessmentSignoff

        from ..models import YearLock

        locks = YearLock.objects.all()
        signoffs = AssessmentSignoff.objects.all()
        if studio_ids is not None:
            studio_ids = list(studio_ids)
            locks = locks.filter(studio_id__in=studio_ids)
            signoffs = signoffs.filter(studio_id__in=studio_ids)
        # (studio id, first year, how many years, signed)
        frozen: list[tuple[int, int, int, bool]] = [
            (studio_id, start_year, 1, False)
            for studio_id, start_year in locks.values_list("studio_id", "school_year__start_year")
        ]
        for studio_id, start_year, kind, signed_at, reopened_at in signoffs.values_list(
            "studio_id", "school_year__start_year", "kind", "signed_at", "reopened_at"
        ):
            if reopened_at is not None and signed_at <= reopened_at:
                continue
            years = Cycle.YEARS if kind == AssessmentSignoff.Kind.CYCLE else 1
            frozen.append((studio_id, start_year, years, True))
        dates = _year_dates(start_year + offset for _sid, start_year, years, _s in frozen for offset in range(years))
        self._spans: dict[int, list[FrozenSpan]] = defaultdict(list)
        for studio_id, first_year, years, signed in frozen:
            for start_year in range(first_year, first_year + years):
                start, end = dates[start_year]
                self._spans[studio_id].append(
                    FrozenSpan(studio_id, f"{start_year}-{start_year + 1}", start, end, signed))
        for spans in self._spans.values():
            spans.sort(key=lambda span: (span.start, not span.signed))

    @property
    def studio_ids(self) -> set[int]:
        """The studios with a frozen year."""
        return set(self._spans)

    def span(self, studio_id: int, *, day: datetime.date | None = None,
             school_year: SchoolYear | None = None) -> FrozenSpan | None:
        """The frozen span holding this day (or this school year) of the studio, or None."""
        for span in self._spans.get(studio_id, ()):
            if day is not None and span.contains(day):
                return span
            if school_year is not None and span.label == school_year.label:
                return span
        return None

    def problem(self, studio_id: int, *, days: Iterable[datetime.date | None] = (),
                school_years: Iterable[SchoolYear | None] = ()) -> FrozenSpan | None:
        for day in days:
            if day is not None and (span := self.span(studio_id, day=day)):
                return span
        for school_year in school_years:
            if school_year is not None and (span := self.span(studio_id, school_year=school_year)):
                return span
        return None


def frozen_years(*, studio_ids: Iterable[int] | None = None) -> FrozenYears:
    return FrozenYears(studio_ids)


def frozen_message(span: FrozenSpan, studio_name: str) -> str:
    if span.signed:
        return _("The assessment of %(studio)s for school year %(year)s has been signed off: its records are frozen "
                 "and can no longer be added, changed or removed. Ask the research centre office to reopen the "
                 "year if something must be corrected.") % {"studio": studio_name, "year": span.label}
    return _("School year %(year)s of %(studio)s is locked: its records can no longer be added, changed or "
             "removed. Ask the research centre office to reopen the year if something must be corrected.") % {
        "studio": studio_name, "year": span.label}


def guard_frozen(*, studio: Studio | None = None, teacher=None, days: Iterable[datetime.date | None] = (),
                 school_years: Iterable[SchoolYear | None] = ()) -> None:
    """Refuse (DomainError) a write touching any of these days or school years while it is frozen for the studio.

    A personal record without a studio (a title, a pair recorded for the person) names ``teacher`` instead: the
    write is refused when the day is frozen for any studio the teacher was in on that day.
    """
    days = [day for day in days if day is not None]
    school_years = [year for year in school_years if year is not None]
    if not days and not school_years:
        return
    if studio is not None:
        studios = {studio.pk: studio}
    elif teacher is not None:
        memberships = Membership.objects.filter(teacher=teacher).select_related("studio")
        studios = {m.studio_id: m.studio for m in memberships
                   if any(m.is_active_on(day) for day in days) or (school_years and not days)}
    else:
        raise ValueError("guard_frozen needs a studio or a teacher")
    if not studios:
        return
    frozen = frozen_years(studio_ids=studios)
    for studio_id, found in studios.items():
        span = frozen.problem(studio_id, days=days, school_years=school_years)
        if span is not None:
            raise DomainError(frozen_message(span, found.name))

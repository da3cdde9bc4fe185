from datetime import date, timedelta

import pytest

from assessments.evidence import (
    Period,
    SchoolYear,
    Span,
    StudioEvidence,
    cycle_year_labels,
    first_calendar_year,
)
from assessments.periods import (
    active_days,
    active_for_half,
    active_on,
    age_on,
    cycle_period,
    has_active_day,
    periods_of_kind,
    semesters,
    status_for,
    year_period,
)

from .builders import CYCLE, SEM1, SEM2, Y1, YEARS


def test_default_school_year_runs_from_1_september_to_31_august():
    year = SchoolYear.default("2024-2025")
    assert (year.start, year.end, year.semester2_start) == (
        date(2024, 9, 1),
        date(2025, 8, 31),
        date(2025, 2, 1),
    )


def test_semester_1_ends_the_day_before_semester_2_starts():
    first, second = semesters(Y1)
    assert (first.label, first.start, first.end) == (
        "2024-2025-1",
        date(2024, 9, 1),
        date(2025, 1, 31),
    )
    assert (second.label, second.start, second.end) == (
        "2024-2025-2",
        date(2025, 2, 1),
        date(2025, 8, 31),
    )


def test_office_set_semester_boundary_leaves_no_day_uncovered():
    year = SchoolYear(
        "2024-2025", date(2024, 8, 26), date(2025, 8, 24), date(2025, 2, 17)
    )
    first, second = semesters(year)
    assert first.end + timedelta(days=1) == second.start
    assert first.days + second.days == year_period(year).days


def test_school_year_rejects_semester_2_outside_the_year():
    with pytest.raises(ValueError):
        SchoolYear("2024-2025", date(2024, 9, 1), date(2025, 8, 31), date(2025, 9, 1))


def test_cycle_spans_three_school_years_and_is_labelled_cycle():
    assert (CYCLE.label, CYCLE.start, CYCLE.end) == (
        "cycle",
        date(2024, 9, 1),
        date(2027, 8, 31),
    )
    assert cycle_year_labels("2024-2025") == ["2024-2025", "2025-2026", "2026-2027"]


def test_periods_of_kind_lists_semesters_in_order():
    labels = [p.label for p in periods_of_kind("semester", YEARS, YEARS)]
    assert labels == [
        "2024-2025-1",
        "2024-2025-2",
        "2025-2026-1",
        "2025-2026-2",
        "2026-2027-1",
        "2026-2027-2",
    ]
    assert [p.label for p in periods_of_kind("cycle", YEARS[:1], YEARS)] == ["cycle"]


def test_bad_school_year_label_is_rejected():
    with pytest.raises(ValueError):
        first_calendar_year("2024-2026")


def test_evidence_rejects_school_years_that_are_not_the_cycle():
    with pytest.raises(ValueError):
        StudioEvidence("WS-01", "2024-2025", YEARS[:2])


def test_active_days_count_both_ends_and_overlaps_once():
    period = Period("semester", "x", date(2024, 9, 1), date(2024, 9, 10))
    spans = [
        Span(date(2024, 9, 1), date(2024, 9, 5)),
        Span(date(2024, 9, 3), date(2024, 9, 6)),
    ]
    assert active_days(spans, period) == 6


def test_open_membership_runs_to_the_period_end():
    assert active_days([Span(date(2025, 1, 1))], SEM1) == 31


def test_left_before_period_gives_no_active_day():
    assert not has_active_day([Span(date(2023, 9, 1), date(2024, 8, 31))], SEM1)


def test_active_on_includes_join_and_leave_days():
    spans = [Span(date(2024, 9, 1), date(2024, 9, 30))]
    assert active_on(spans, date(2024, 9, 1)) and active_on(spans, date(2024, 9, 30))
    assert not active_on(spans, date(2024, 10, 1))


def _joined_for(days: int, period: Period) -> list[Span]:
    return [Span(period.end - timedelta(days=days - 1))]


def test_semester_1_has_153_days_so_77_active_days_are_half():
    assert SEM1.days == 153
    assert active_for_half(_joined_for(77, SEM1), SEM1)


def test_76_of_153_days_is_just_under_half():
    assert not active_for_half(_joined_for(76, SEM1), SEM1)


def test_exactly_half_of_an_even_period_counts():
    assert SEM2.days == 212
    assert active_for_half(_joined_for(106, SEM2), SEM2)
    assert not active_for_half(_joined_for(105, SEM2), SEM2)


def test_age_turns_on_the_birthday():
    assert age_on(date(1989, 9, 1), date(2024, 9, 1)) == 35
    assert age_on(date(1989, 9, 2), date(2024, 9, 1)) == 34
    assert age_on(date(1988, 9, 1), date(2024, 9, 1)) == 36


def test_leap_day_birthday_counts_from_1_march_in_common_years():
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25


def test_status_met_whenever_satisfied():
    assert status_for(True, date(2024, 9, 1), SEM1.end) == "met"


def test_status_pending_the_day_before_the_last_day():
    assert status_for(False, date(2025, 1, 30), SEM1.end) == "pending"


def test_status_not_met_on_the_last_day_itself():
    # The spec's table: not_met once as-of ≥ the period's last day.
    assert status_for(False, date(2025, 1, 31), SEM1.end) == "not_met"


def test_cycle_period_of_custom_years_uses_first_start_and_last_end():
    years = [
        SchoolYear(
            "2024-2025", date(2024, 8, 20), date(2025, 8, 19), date(2025, 2, 10)
        ),
        *YEARS[1:],
    ]
    assert cycle_period(years).start == date(2024, 8, 20)

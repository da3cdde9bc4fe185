"""Small builders so tests read like the regulation: one studio, cycle 2024-2025 … 2026-2027."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from assessments.evidence import (
    Activity,
    Attendance,
    Evaluation,
    FundEntry,
    MentoringPair,
    Person,
    Project,
    Settings,
    Span,
    StudioDocument,
    StudioEvidence,
    TaskAssignment,
    Title,
    Work,
    default_school_years,
)
from assessments.periods import cycle_period, semesters, year_period

CYCLE_START_YEAR = "2024-2025"
YEARS = default_school_years(CYCLE_START_YEAR)
Y1 = YEARS[0]
CYCLE = cycle_period(YEARS)
YEAR1 = year_period(Y1)
SEM1, SEM2 = semesters(Y1)
CYCLE_FIRST_DAY = date(2024, 9, 1)
CYCLE_LAST_DAY = date(2027, 8, 31)
AFTER_YEAR1 = date(2025, 10, 31)  # past year 1 and its summary grace
AFTER_CYCLE = date(2027, 12, 31)
DEFAULTS = Settings()
DOC_NUMBER = "乌教研发〔2024〕12号"


def day_before(d: date) -> date:
    return d - timedelta(days=1)


def day_after(d: date) -> date:
    return d + timedelta(days=1)


def person(
    teacher: str = "T-001",
    *,
    role: str = "member",
    born: date | None = date(1990, 1, 1),
    joined: date = CYCLE_FIRST_DAY,
    left: date | None = None,
    titles=(),
    name: str | None = None,
) -> Person:
    return Person(
        teacher=teacher,
        name=name or f"教师{teacher}",
        role=role,
        birth_date=born,
        memberships=(Span(joined, left),),
        titles=tuple(Title(*t) for t in titles),
    )


def host(teacher: str = "T-000", **kwargs) -> Person:
    return person(
        teacher, role="host", born=kwargs.pop("born", date(1975, 5, 5)), **kwargs
    )


def studio(*, people=(), **records) -> StudioEvidence:
    return StudioEvidence(
        studio="WS-01",
        cycle_start=CYCLE_START_YEAR,
        school_years=YEARS,
        people=tuple(people),
        **{key: tuple(value) for key, value in records.items()},
    )


def activity(
    ref: str,
    kind: str,
    on: date,
    *,
    scope: str = "studio",
    status: str = "held",
    organiser: str | None = None,
    required: bool = True,
) -> Activity:
    return Activity(ref, kind, scope, on, status, organiser, required)


def banner_activity(
    ref: str,
    kind: str,
    on: date,
    *,
    approved_on: date | None = None,
    filing_status: str = "approved",
    doc_number: str = DOC_NUMBER,
    status: str = "held",
    organiser: str | None = None,
) -> Activity:
    """A 全旗 activity whose filing was approved on ``approved_on`` (default: ten days before)."""
    return Activity(
        ref=ref,
        kind=kind,
        scope="banner",
        date=on,
        status=status,
        organiser=organiser,
        attendance_required=True,
        filing_status=filing_status,
        filing_approved_on=approved_on or on - timedelta(days=10),
        doc_number=doc_number,
    )


def present(activity_ref: str, teacher: str, status: str = "present") -> Attendance:
    return Attendance(activity_ref, teacher, status)


def work(
    ref: str,
    teacher: str,
    kind: str,
    on: date,
    chars: int | None = None,
    status: str = "submitted",
) -> Work:
    return Work(ref, teacher, kind, on, chars, status)


def project(
    ref: str,
    *,
    level="banner",
    approved=date(2024, 10, 1),
    concluded=None,
    leader="T-000",
    participants=(),
):
    return Project(ref, level, approved, concluded, leader, tuple(participants))


def document(
    ref: str,
    kind: str,
    year: str,
    submitted: date,
    status: str = "approved",
    approved_on=None,
):
    return StudioDocument(ref, kind, year, submitted, status, approved_on)


def task(
    ref: str, teacher: str, due: date, completed: date | None = None
) -> TaskAssignment:
    return TaskAssignment(ref, teacher, due, completed)


def pair(ref: str, teacher: str, started: date) -> MentoringPair:
    return MentoringPair(ref, teacher, started)


def evaluation(teacher: str, year: str = CYCLE_START_YEAR, score=80) -> Evaluation:
    return Evaluation(teacher, year, score, score, score, score, score)


def fund(
    ref: str,
    kind: str,
    amount,
    *,
    category=None,
    on=date(2024, 10, 1),
    year=CYCLE_START_YEAR,
    exception=False,
):
    return FundEntry(ref, kind, year, Decimal(str(amount)), category, on, exception)

"""Properties that must hold for any evidence, checked with hypothesis."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.engine import apply_overrides, assess
from assessments.evidence import (
    ACTIVITY_KINDS,
    DOCUMENT_KINDS,
    DOCUMENT_STATUSES,
    FILING_STATUSES,
    FUND_CATEGORIES,
    SCOPES,
    WORK_KINDS,
    WORK_STATUSES,
    Activity,
    Attendance,
    Evaluation,
    FundEntry,
    MentoringPair,
    Project,
    StudioDocument,
    TaskAssignment,
    Work,
)
from assessments.periods import semesters, year_period
from assessments.rules import RULES_BY_ID

from .builders import YEARS, host, person, studio

FIRST = date(2024, 6, 1)
LAST = date(2027, 12, 31)
TEACHERS = ("T-000", "T-001", "T-002", "T-003")
LEVELS = ("banner", "city", "region", "national")
BACKBONE_KINDS = ("backbone", "subject_leader", "teaching_expert", "master")

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def dates(lo: date = FIRST, hi: date = LAST):
    return st.integers(0, (hi - lo).days).map(lambda n: lo + timedelta(days=n))


def optional(strategy):
    return st.none() | strategy


teachers = st.sampled_from(TEACHERS)


@st.composite
def people(draw):
    members = [host("T-000", joined=draw(dates(FIRST, date(2025, 1, 1))))]
    for code in TEACHERS[1:]:
        joined = draw(dates(FIRST, date(2027, 3, 1)))
        left = draw(optional(dates(joined, LAST)))
        titles = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(BACKBONE_KINDS),
                    st.sampled_from(LEVELS),
                    dates(date(2020, 1, 1)),
                ),
                max_size=2,
            )
        )
        born = draw(dates(date(1980, 1, 1), date(2000, 12, 31)))
        members.append(person(code, joined=joined, left=left, titles=titles, born=born))
    return members


@st.composite
def activities(draw, prefix):
    on = draw(dates())
    return Activity(
        ref=f"{prefix}A-{draw(st.integers(0, 10**6))}",
        kind=draw(st.sampled_from(ACTIVITY_KINDS)),
        scope=draw(st.sampled_from(SCOPES)),
        date=on,
        status=draw(st.sampled_from(("held", "held", "planned", "cancelled"))),
        organiser=draw(optional(teachers)),
        attendance_required=draw(st.booleans()),
        filing_status=draw(st.sampled_from(FILING_STATUSES)),
        filing_approved_on=on + timedelta(days=draw(st.integers(-20, 3))),
        doc_number=draw(st.sampled_from(("", "乌教研发〔2024〕1号"))),
    )


def works(prefix):
    return st.builds(
        Work,
        ref=st.integers(0, 10**6).map(lambda n: f"{prefix}W-{n}"),
        teacher=teachers,
        kind=st.sampled_from(WORK_KINDS),
        date=dates(),
        char_count=optional(st.integers(0, 3000)),
        status=st.sampled_from(WORK_STATUSES),
    )


@st.composite
def projects(draw, prefix):
    approved = draw(dates(date(2022, 1, 1)))
    return Project(
        ref=f"{prefix}P-{draw(st.integers(0, 10**6))}",
        level=draw(st.sampled_from(LEVELS)),
        approved_on=approved,
        concluded_on=draw(optional(dates(approved, LAST))),
        leader=draw(teachers),
        participants=tuple(draw(st.lists(teachers, max_size=2))),
    )


def pairs(prefix):
    return st.builds(
        MentoringPair,
        ref=st.integers(0, 10**6).map(lambda n: f"{prefix}M-{n}"),
        teacher=teachers,
        started_on=dates(),
    )


@st.composite
def tasks(draw, prefix):
    due = draw(dates())
    return TaskAssignment(
        ref=f"{prefix}K-{draw(st.integers(0, 10**6))}",
        teacher=draw(teachers),
        due_on=due,
        completed_on=draw(
            optional(dates(due - timedelta(days=30), due + timedelta(days=30)))
        ),
    )


def documents(prefix):
    return st.builds(
        StudioDocument,
        ref=st.integers(0, 10**6).map(lambda n: f"{prefix}D-{n}"),
        kind=st.sampled_from(DOCUMENT_KINDS),
        school_year=st.sampled_from([y.label for y in YEARS]),
        submitted_on=dates(),
        status=st.sampled_from(DOCUMENT_STATUSES),
        approved_on=optional(dates()),
    )


def evaluations():
    score = optional(st.integers(0, 100))
    return st.builds(
        Evaluation,
        teacher=teachers,
        school_year=st.sampled_from([y.label for y in YEARS]),
        attitude=score,
        task_completion=score,
        research=score,
        theory=score,
        teaching=score,
    )


def funds(prefix):
    return st.builds(
        FundEntry,
        ref=st.integers(0, 10**6).map(lambda n: f"{prefix}F-{n}"),
        kind=st.sampled_from(("allocation", "expense")),
        school_year=st.sampled_from([y.label for y in YEARS]),
        amount=st.integers(0, 20000).map(Decimal),
        category=optional(st.sampled_from(FUND_CATEGORIES)),
        date=dates(),
        exception_approved=st.booleans(),
    )


@st.composite
def records(draw, prefix=""):
    acts = draw(st.lists(activities(prefix), max_size=12))
    attendance = [
        Attendance(
            a.ref, t, draw(st.sampled_from(("present", "present", "excused", "absent")))
        )
        for a in acts
        for t in TEACHERS
        if draw(st.booleans())
    ]
    return {
        "activities": acts,
        "attendances": attendance,
        "works": draw(st.lists(works(prefix), max_size=12)),
        "projects": draw(st.lists(projects(prefix), max_size=2)),
        "mentoring_pairs": draw(st.lists(pairs(prefix), max_size=3)),
        "tasks": draw(st.lists(tasks(prefix), max_size=4)),
        "documents": draw(st.lists(documents(prefix), max_size=6)),
        "evaluations": draw(st.lists(evaluations(), max_size=4)),
        "funds": draw(st.lists(funds(prefix), max_size=4)),
    }


assessment_kinds = st.sampled_from(
    [("cycle", None)] + [("annual", y.label) for y in YEARS]
)


def _statuses(result) -> dict:
    """(teacher or None, rule, period) → status for every instance of a result."""
    found = {
        (None, i["rule"], i["period"]): i["status"] for i in result["team"]["rules"]
    }
    for member in result["members"]:
        found.update(
            {
                (member["teacher"], i["rule"], i["period"]): i["status"]
                for i in member["rules"]
            }
        )
    return found


def _blocks(result):
    return [result["team"], *result["members"]]


@PROPERTY_SETTINGS
@given(people(), records(), records("X"), assessment_kinds, dates())
def test_adding_evidence_never_turns_a_counting_rule_from_met(
    crew, base, extra, kind, as_of
):
    before = studio(people=crew, **base)
    after = studio(people=crew, **{key: base[key] + extra[key] for key in base})
    old = _statuses(assess(before, kind[0], as_of, year=kind[1]))
    new = _statuses(assess(after, kind[0], as_of, year=kind[1]))
    for key, status in old.items():
        if RULES_BY_ID[key[1]].monotone and status == "met":
            assert new[key] == "met", key


@PROPERTY_SETTINGS
@given(people(), records(), assessment_kinds, dates(), st.integers(0, 800))
def test_moving_the_as_of_date_forward_never_turns_met_into_pending(
    crew, recs, kind, as_of, days_later
):
    ev = studio(people=crew, **recs)
    earlier = _statuses(assess(ev, kind[0], as_of, year=kind[1]))
    later = _statuses(
        assess(ev, kind[0], as_of + timedelta(days=days_later), year=kind[1])
    )
    for key, status in earlier.items():
        if status == "met":
            assert later[key] != "pending", key


def _independent_verdict(statuses):
    counted = [s for s in statuses if s != "not_applicable"]
    if any(s == "not_met" for s in counted):
        return "fail"
    return "pending" if any(s == "pending" for s in counted) else "pass"


@PROPERTY_SETTINGS
@given(people(), records(), assessment_kinds, dates(), st.data())
def test_verdicts_and_rates_agree_with_their_instances(crew, recs, kind, as_of, data):
    result = assess(studio(people=crew, **recs), kind[0], as_of, year=kind[1])
    instances = [(b, i) for b in _blocks(result) for i in b["rules"]]
    picks = (
        data.draw(st.lists(st.sampled_from(instances), max_size=3)) if instances else []
    )
    overrides = {
        (
            None if block is result["team"] else block["teacher"],
            i["rule"],
            i["period"],
        ): {
            "status": data.draw(
                st.sampled_from(("met", "not_met", "pending", "not_applicable"))
            ),
            "reason": "核查",
            "by": "officer",
        }
        for block, i in picks
    }
    final = apply_overrides(result, overrides)
    for block in _blocks(final):
        counted = [i for i in block["rules"] if i["counts"]]
        statuses = [i["status"] for i in counted]
        assert block["verdict"] == _independent_verdict(statuses)
        effective = [
            i["override"]["status"] if "override" in i else i["status"] for i in counted
        ]
        assert block["final_verdict"] == _independent_verdict(effective)
        applicable = [s for s in statuses if s != "not_applicable"]
        expected_rate = (
            round(applicable.count("met") / len(applicable), 4) if applicable else None
        )
        assert block["compliance_rate"] == expected_rate
        for instance in block["rules"]:
            assert instance["status"] in ("met", "not_met", "pending", "not_applicable")


def _period_end(label: str) -> date:
    for year in YEARS:
        periods = {p.label: p for p in (*semesters(year), year_period(year))}
        if label in periods:
            return periods[label].end
    return YEARS[-1].end


@PROPERTY_SETTINGS
@given(people(), records(), assessment_kinds, dates())
def test_counting_rules_are_only_not_met_once_their_period_has_ended(
    crew, recs, kind, as_of
):
    statuses = _statuses(
        assess(studio(people=crew, **recs), kind[0], as_of, year=kind[1])
    )
    for (_, rule_id, period), status in statuses.items():
        if RULES_BY_ID[rule_id].monotone and status == "not_met":
            assert as_of >= _period_end(period), (rule_id, period)


@PROPERTY_SETTINGS
@given(people(), records(), dates())
def test_annual_and_cycle_assessments_agree_on_shared_instances(crew, recs, as_of):
    ev = studio(people=crew, **recs)
    cycle = _statuses(assess(ev, "cycle", as_of))
    for year in YEARS:
        annual = _statuses(assess(ev, "annual", as_of, year=year.label))
        for key, status in annual.items():
            if key in cycle:
                assert cycle[key] == status, key

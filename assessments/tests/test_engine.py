"""The engine composes rule instances into the JSON shape of assessment-json.md."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.engine import (
    apply_overrides,
    assess,
    compliance_rate,
    listed_people,
    verdict,
)
from assessments.evidence import Settings
from assessments.rules import REGISTRY

from .builders import (
    AFTER_CYCLE,
    AFTER_YEAR1,
    CYCLE,
    REFERENCE_CASES,
    YEAR1,
    activity,
    banner_activity,
    document,
    evaluation,
    fund,
    host,
    person,
    present,
    project,
    realistic_studio,
    studio,
    work,
)

TEAM_RULE_IDS = [r.id for r in REGISTRY if r.scope == "team"]


def _instances(block, rule_id):
    return [i for i in block["rules"] if i["rule"] == rule_id]


def _status(block, rule_id, period):
    return next(
        i["status"]
        for i in block["rules"]
        if i["rule"] == rule_id and i["period"] == period
    )


def _member(result, teacher):
    return next(m for m in result["members"] if m["teacher"] == teacher)


def busy_first_year():
    """A studio that does everything asked of it in 2024-2025, and one member who writes too little."""
    people = [host("T-000"), person("T-001"), person("T-002")]
    acts = []
    for sem, (y, m) in enumerate(((2024, 10), (2025, 3)), start=1):
        acts += [
            banner_activity(f"A-{sem}1", "lecture", date(y, m, 5), organiser="T-001"),
            banner_activity(f"A-{sem}2", "seminar", date(y, m, 6), organiser="T-001"),
            banner_activity(f"A-{sem}3", "seminar", date(y, m, 7), organiser="T-002"),
            activity(f"A-{sem}4", "deployment_meeting", date(y, m, 1)),
            activity(f"A-{sem}5", "summary_meeting", date(y, m, 20)),
            activity(f"A-{sem}6", "work_seminar", date(y, m, 10)),
            activity(f"A-{sem}7", "report_meeting", date(y, m, 11), organiser="T-002"),
        ]
    acts.append(activity("A-90", "outreach", date(2025, 5, 1)))
    acts.append(activity("A-91", "lecture", date(2025, 5, 2), organiser="T-002"))
    attendances = [present(a.ref, t) for a in acts for t in ("T-001", "T-002")]
    works = []
    for teacher in ("T-001", "T-002"):
        works += [
            work(f"W-{teacher}-1", teacher, "paper", date(2024, 12, 1), 2000),
            work(
                f"W-{teacher}-2",
                teacher,
                "paper",
                date(2025, 4, 1),
                2000 if teacher == "T-001" else 1799,
            ),
            work(f"W-{teacher}-3", teacher, "reflection", date(2025, 5, 1), 1000),
            work(f"W-{teacher}-4", teacher, "design", date(2024, 10, 1)),
            work(f"W-{teacher}-5", teacher, "case", date(2025, 3, 1)),
            work(f"W-{teacher}-6", teacher, "stage_summary", date(2025, 1, 10)),
            work(f"W-{teacher}-7", teacher, "stage_summary", date(2025, 6, 10)),
        ]
    return studio(
        people=people,
        activities=acts,
        attendances=attendances,
        works=works,
        documents=[
            document("D-1", "work_plan", "2024-2025", date(2024, 9, 5)),
            document("D-2", "annual_summary", "2024-2025", date(2025, 7, 10)),
        ],
        evaluations=[evaluation("T-001"), evaluation("T-002")],
        funds=[
            fund("F-1", "allocation", 20000),
            fund("F-2", "expense", 5000, category="experts"),
        ],
        projects=[project("P-1", leader="T-000", participants=["T-001"])],
    )


# --- shape ------------------------------------------------------------------


def test_annual_result_has_the_documented_shape_and_is_json_serialisable():
    result = assess(busy_first_year(), "annual", AFTER_YEAR1, year="2024-2025")
    assert result["studio"] == "WS-01" and result["kind"] == "annual"
    assert result["period"] == {
        "label": "2024-2025",
        "start": "2024-09-01",
        "end": "2025-08-31",
    }
    assert result["as_of"] == "2025-10-31"
    assert result["settings"]["paper_min_chars"] == 1800
    assert set(result["team"]) >= {"verdict", "compliance_rate", "rules"}
    member = result["members"][0]
    assert set(member) >= {
        "teacher",
        "name",
        "role",
        "verdict",
        "compliance_rate",
        "rules",
    }
    instance = result["team"]["rules"][0]
    assert set(instance) >= {
        "rule",
        "period",
        "status",
        "required",
        "actual",
        "evidence",
        "note",
    }
    json.dumps(result, ensure_ascii=False)


def test_settings_used_are_recorded_in_the_result():
    result = assess(
        studio(),
        "annual",
        AFTER_YEAR1,
        Settings(paper_min_chars=1500),
        year="2024-2025",
    )
    assert result["settings"]["paper_min_chars"] == 1500


def test_year_outside_the_cycle_is_rejected():
    with pytest.raises(KeyError):
        assess(studio(), "annual", AFTER_YEAR1, year="2027-2028")


def test_annual_assessment_needs_a_year_and_a_known_kind():
    with pytest.raises(ValueError):
        assess(studio(), "annual", AFTER_YEAR1)
    with pytest.raises(ValueError):
        assess(studio(), "monthly", AFTER_YEAR1, year="2024-2025")


# --- composition ------------------------------------------------------------


def test_annual_lists_both_semesters_the_year_and_cycle_progress():
    result = assess(studio(), "annual", AFTER_YEAR1, year="2024-2025")
    assert [i["period"] for i in _instances(result["team"], "T-SEMINAR")] == [
        "2024-2025-1",
        "2024-2025-2",
    ]
    assert [i["period"] for i in _instances(result["team"], "T-OUTREACH")] == [
        "2024-2025"
    ]
    assert [
        (i["period"], i["counts"]) for i in _instances(result["team"], "T-RESEARCH")
    ] == [("cycle", False)]
    assert all(i["counts"] for i in result["team"]["rules"] if i["period"] != "cycle")


def test_cycle_rules_in_an_annual_assessment_are_judged_against_the_cycle_end():
    result = assess(studio(), "annual", AFTER_YEAR1, year="2024-2025")
    assert _status(result["team"], "T-RESEARCH", "cycle") == "pending"


def test_cycle_progress_does_not_decide_the_annual_verdict_or_rate():
    result = assess(busy_first_year(), "annual", AFTER_YEAR1, year="2024-2025")
    team = result["team"]
    assert _status(team, "T-RESEARCH", "cycle") == "pending"
    assert team["verdict"] == "pass"
    assert team["compliance_rate"] == 1.0


def test_cycle_assessment_has_every_semester_and_year_instance_of_three_years():
    result = assess(studio(), "cycle", AFTER_CYCLE)
    assert result["period"] == {
        "label": "cycle",
        "start": "2024-09-01",
        "end": "2027-08-31",
    }
    assert len(_instances(result["team"], "T-SEMINAR")) == 6
    assert len(_instances(result["team"], "T-PLAN")) == 3
    assert len(_instances(result["team"], "T-RESEARCH")) == 1
    assert all(i["counts"] for i in result["team"]["rules"])


def test_cycle_rule_decides_the_cycle_verdict():
    result = assess(studio(), "cycle", AFTER_CYCLE)
    assert _status(result["team"], "T-RESEARCH", "cycle") == "not_met"
    assert result["team"]["verdict"] == "fail"


# --- members ----------------------------------------------------------------


def test_members_list_the_host_first_then_by_teacher_code():
    ev = studio(people=[person("T-009"), host("T-005"), person("T-002")])
    result = assess(ev, "annual", AFTER_YEAR1, year="2024-2025")
    assert [(m["teacher"], m["role"]) for m in result["members"]] == [
        ("T-005", "host"),
        ("T-002", "member"),
        ("T-009", "member"),
    ]


def test_everyone_with_an_active_day_is_listed_and_others_are_not():
    ev = studio(
        people=[
            person("T-001", joined=date(2025, 8, 31)),  # one day in 2024-2025
            person("T-002", joined=date(2025, 9, 1)),  # none
            person(
                "T-003", joined=date(2023, 9, 1), left=date(2024, 9, 1)
            ),  # first day only
        ]
    )
    assert [p.teacher for p in listed_people(ev, YEAR1)] == ["T-001", "T-003"]
    assert [p.teacher for p in listed_people(ev, CYCLE)] == ["T-001", "T-002", "T-003"]


def test_one_day_member_is_listed_with_every_instance_not_applicable():
    ev = studio(
        people=[person("T-001", joined=date(2025, 8, 31), left=date(2025, 8, 31))]
    )
    member = assess(ev, "annual", AFTER_YEAR1, year="2024-2025")["members"][0]
    assert {i["status"] for i in member["rules"]} == {"not_applicable"}
    assert member["verdict"] == "pass" and member["compliance_rate"] is None


def test_host_gets_unstarred_rules_as_not_applicable_and_starred_ones_assessed():
    result = assess(busy_first_year(), "annual", AFTER_YEAR1, year="2024-2025")
    the_host = _member(result, "T-000")
    assert _status(the_host, "I-PAPER", "2024-2025-1") == "not_applicable"
    assert _status(the_host, "I-RESEARCH", "cycle") == "met"
    assert _status(the_host, "I-MENTOR", "cycle") == "pending"
    assert the_host["verdict"] == "pass" and the_host["compliance_rate"] is None


def test_member_with_a_short_paper_fails_the_year():
    result = assess(busy_first_year(), "annual", AFTER_YEAR1, year="2024-2025")
    diligent, short = _member(result, "T-001"), _member(result, "T-002")
    assert diligent["verdict"] == "pass"
    assert short["verdict"] == "fail"
    failing = [i for i in short["rules"] if i["status"] == "not_met"]
    assert [(i["rule"], i["period"]) for i in failing] == [("I-PAPER", "2024-2025-2")]
    assert "字数不足（1799/1800）" in failing[0]["note"]
    # 10 counted instances: 2 papers, 2 stage summaries, 6 year rules; 9 met.
    assert short["compliance_rate"] == 0.9


def test_member_who_joined_mid_year_is_assessed_only_where_active_for_half():
    joiner = person("T-001", joined=date(2025, 2, 1))
    result = assess(studio(people=[joiner]), "annual", AFTER_YEAR1, year="2024-2025")
    member = result["members"][0]
    assert _status(member, "I-PAPER", "2024-2025-1") == "not_applicable"
    assert _status(member, "I-PAPER", "2024-2025-2") == "not_met"
    assert _status(member, "I-REFLECTION", "2024-2025") == "not_met"  # 212 of 365 days


# --- verdicts and compliance ------------------------------------------------


def test_verdict_is_fail_if_any_not_met_else_pending_if_any_pending_else_pass():
    assert verdict(["met", "pending", "not_met"]) == "fail"
    assert verdict(["met", "pending", "not_applicable"]) == "pending"
    assert verdict(["met", "not_applicable"]) == "pass"
    assert verdict([]) == "pass"


def test_compliance_rate_leaves_out_not_applicable_and_rounds_to_four_places():
    assert (
        compliance_rate(["met", "met", "not_met", "not_applicable"])
        == round(2 / 3, 4)
        == 0.6667
    )
    assert compliance_rate(["not_applicable"]) is None
    assert compliance_rate([]) is None


def test_annual_verdict_pending_while_the_year_runs():
    result = assess(busy_first_year(), "annual", date(2025, 3, 1), year="2024-2025")
    assert result["team"]["verdict"] == "pending"


# --- overrides --------------------------------------------------------------


def test_override_sets_final_verdict_but_never_status():
    result = assess(busy_first_year(), "annual", AFTER_YEAR1, year="2024-2025")
    overridden = apply_overrides(
        result,
        {
            ("T-002", "I-PAPER", "2024-2025-2"): {
                "status": "met",
                "reason": "字数按原稿核定",
                "by": "王科长",
            }
        },
    )
    short = _member(overridden, "T-002")
    instance = next(
        i
        for i in short["rules"]
        if i["rule"] == "I-PAPER" and i["period"] == "2024-2025-2"
    )
    assert instance["status"] == "not_met"
    assert instance["override"] == {
        "status": "met",
        "reason": "字数按原稿核定",
        "by": "王科长",
    }
    assert (short["verdict"], short["final_verdict"]) == ("fail", "pass")
    assert overridden["team"]["final_verdict"] == overridden["team"]["verdict"]
    assert "override" not in json.dumps(result)  # the original is untouched


def test_team_override_uses_none_as_teacher_and_accepts_a_list_of_dicts():
    result = assess(studio(), "annual", AFTER_YEAR1, year="2024-2025")
    team_fail = [
        {
            "teacher": None,
            "rule": i["rule"],
            "period": i["period"],
            "status": "met",
            "reason": "实地考察认定",
            "by": "李",
        }
        for i in result["team"]["rules"]
        if i["counts"] and i["status"] != "met"
    ]
    overridden = apply_overrides(result, team_fail)
    assert overridden["team"]["verdict"] == "fail"
    assert overridden["team"]["final_verdict"] == "pass"


def test_override_that_matches_nothing_is_reported():
    result = assess(studio(), "annual", AFTER_YEAR1, year="2024-2025")
    overridden = apply_overrides(
        result, {("T-404", "I-PAPER", "2024-2025-1"): {"status": "met"}}
    )
    assert overridden["unmatched_overrides"][0]["teacher"] == "T-404"


def test_override_with_an_unknown_status_is_rejected():
    with pytest.raises(ValueError):
        apply_overrides(
            assess(studio(), "cycle", AFTER_CYCLE),
            {(None, "T-PLAN", "2024-2025"): {"status": "ok"}},
        )


def test_override_on_cycle_progress_does_not_change_the_annual_final_verdict():
    result = assess(busy_first_year(), "annual", AFTER_YEAR1, year="2024-2025")
    overridden = apply_overrides(
        result,
        {(None, "T-RESEARCH", "cycle"): {"status": "not_met", "reason": "", "by": ""}},
    )
    assert overridden["team"]["final_verdict"] == "pass"


def test_all_team_rules_appear_in_registry_order():
    result = assess(studio(), "cycle", AFTER_CYCLE)
    seen = list(dict.fromkeys(i["rule"] for i in result["team"]["rules"]))
    assert seen == TEAM_RULE_IDS


def test_settings_stored_as_decimals_are_recorded_as_plain_numbers():
    stored = Settings.from_dict(
        {"attendance_min_ratio": Decimal("1.00"), "unknown": 1, "paper_min_chars": 2000}
    )
    result = assess(studio(), "annual", AFTER_YEAR1, stored, year="2024-2025")
    assert result["settings"]["attendance_min_ratio"] == 1.0
    assert result["settings"]["paper_min_chars"] == 2000
    json.dumps(result)


# --- the recorded results of a realistic studio -----------------------------


def test_realistic_studio_gives_exactly_the_recorded_results():
    """engine_reference.json holds what the straightforward engine (full scans of the evidence for
    every rule instance, before the evidence was indexed) returned for ``realistic_studio()``,
    case by case, so that speeding the engine up can never change a result."""
    recorded = json.loads(
        (Path(__file__).parent / "data" / "engine_reference.json").read_text("utf-8")
    )
    evidence = realistic_studio()
    for (kind, year, as_of, settings), expected in zip(REFERENCE_CASES, recorded, strict=True):
        result = assess(evidence, kind, as_of, settings, year=year)
        assert json.loads(json.dumps(result)) == expected, (kind, year, as_of)

"""`manage.py assess … --format json`: the shape of assessment-json.md to the letter — keys, period labels, the
members listed and their order, the half-the-days rule, exit statuses and messages."""

import datetime
import json
import zoneinfo

import pytest

from .conftest import assess_argv, manage, member, member_rule
from .ledger import Ledger
from .world import HOST, SENIOR, STUDIO, YOUNG, studio_world

SEMESTER_TEAM = ("T-PUBLIC-LECTURE", "T-SEMINAR", "T-MEETINGS", "T-STUDY")
YEAR_TEAM = ("T-OUTREACH", "T-PLAN", "T-SUMMARY", "T-EVALUATION", "T-FUNDS")
CYCLE_TEAM = ("T-RESEARCH", "T-YOUNG-BACKBONE", "T-CULTIVATE", "T-TRAINING-PLAN", "T-REPORT")
SEMESTER_MEMBER = ("I-PAPER", "I-STAGE-SUMMARY")
YEAR_MEMBER = ("I-REFLECTION", "I-DESIGNS", "I-SEMINAR", "I-ATTENDANCE", "I-TASKS", "I-LECTURE")
CYCLE_MEMBER = ("I-RESEARCH", "I-DEV-PLAN", "I-MENTOR")
HOST_RULES = ("I-RESEARCH", "I-MENTOR")  # the rules marked ✱


def instances(years, semester_rules, year_rules, cycle_rules):
    expected = set()
    for year in years:
        expected |= {(rule, f"{year}-{n}") for rule in semester_rules for n in (1, 2)}
        expected |= {(rule, year) for rule in year_rules}
    return expected | {(rule, "cycle") for rule in cycle_rules}


def pairs(rules):
    listed = [(item["rule"], item["period"]) for item in rules]
    assert len(listed) == len(set(listed)), "a rule instance is listed twice"
    return set(listed)


def test_annual_result_has_every_key_of_the_contract(load, assess):
    load(studio_world())
    result = assess(STUDIO, "2023-2024", as_of="2024-09-30")
    assert result["studio"] == STUDIO
    assert result["kind"] == "annual"
    assert result["period"] == {"label": "2023-2024", "start": "2023-09-01", "end": "2024-08-31"}
    assert result["as_of"] == "2024-09-30"
    assert result["settings"]["paper_min_chars"] == 1800
    assert result["settings"]["reflection_min_chars"] == 900
    assert result["settings"]["young_max_age"] == 35
    assert result["team"]["verdict"] in ("pass", "fail", "pending")
    assert isinstance(result["team"]["compliance_rate"], (int, float))
    for item in result["team"]["rules"] + [rule for block in result["members"] for rule in block["rules"]]:
        assert {"rule", "period", "status", "required", "actual", "evidence"} <= set(item)
        assert item["status"] in ("met", "not_met", "pending", "not_applicable")
        assert isinstance(item["required"], (int, float)) and isinstance(item["actual"], (int, float))
        assert isinstance(item["evidence"], list)
    for block in result["members"]:
        assert {"teacher", "name", "role", "verdict", "compliance_rate", "rules"} <= set(block)
        assert block["role"] in ("host", "member")


def test_annual_result_lists_semester_and_year_instances_of_the_year_and_the_cycle_rules_as_progress(load, assess):
    load(studio_world())
    result = assess(STUDIO, "2023-2024", as_of="2024-09-30")
    assert pairs(result["team"]["rules"]) == instances(["2023-2024"], SEMESTER_TEAM, YEAR_TEAM, CYCLE_TEAM)
    assert pairs(member(result, YOUNG)["rules"]) == instances(["2023-2024"], SEMESTER_MEMBER, YEAR_MEMBER,
                                                              CYCLE_MEMBER)


def test_cycle_result_lists_every_instance_of_the_three_years(load, assess):
    load(studio_world())
    result = assess(STUDIO, "2023-2024", cycle=True, as_of="2025-09-30")
    assert result["kind"] == "cycle"
    assert result["period"] == {"label": "cycle", "start": "2022-09-01", "end": "2025-08-31"}
    years = ["2022-2023", "2023-2024", "2024-2025"]
    assert pairs(result["team"]["rules"]) == instances(years, SEMESTER_TEAM, YEAR_TEAM, CYCLE_TEAM)
    assert pairs(member(result, SENIOR)["rules"]) == instances(years, SEMESTER_MEMBER, YEAR_MEMBER, CYCLE_MEMBER)


@pytest.mark.parametrize("year", ["2022-2023", "2024-2025"])
def test_any_year_of_the_cycle_names_the_same_cycle(load, assess, year):
    load(studio_world())
    result = assess(STUDIO, year, cycle=True, as_of="2025-09-30")
    assert result["period"] == {"label": "cycle", "start": "2022-09-01", "end": "2025-08-31"}


def test_the_host_comes_first_then_members_by_teacher_code(load, assess):
    ledger = Ledger()
    for code in ("T-010", "T-002", "T-009", "T-005"):
        ledger.teacher(code, f"教师{code[-2:]}", "1985-01-01")
    ledger.studio("WS-07", "排序工作室", "2022-2023", "T-009")
    for code in ("T-010", "T-005", "T-002"):
        ledger.member("WS-07", code, "2022-09-01")
    ledger.member("WS-07", "T-009", "2022-09-01", role="主持人")
    load(ledger)
    result = assess("WS-07", "2022-2023", as_of="2023-09-30")
    assert [(block["teacher"], block["role"]) for block in result["members"]] == [
        ("T-009", "host"), ("T-002", "member"), ("T-005", "member"), ("T-010", "member")]
    assert member(result, "T-005")["name"] == "教师05"


def test_the_host_is_assessed_on_the_starred_rules_only(load, assess):
    load(studio_world())
    result = assess(STUDIO, "2022-2023", as_of="2023-09-30")
    host = member(result, HOST)
    assert host["role"] == "host"
    for item in host["rules"]:
        if item["rule"] not in HOST_RULES:
            assert item["status"] == "not_applicable", item
    assert member_rule(result, HOST, "I-MENTOR", "cycle")["status"] == "pending"
    assert member_rule(result, HOST, "I-RESEARCH", "cycle")["status"] == "pending"


def test_everyone_with_an_active_day_is_listed_and_no_one_else(load, assess):
    ledger = studio_world()
    ledger.teacher("T-004", "早退", "1985-01-01")
    ledger.teacher("T-005", "末日", "1985-01-01")
    ledger.teacher("T-006", "后来", "1985-01-01")
    ledger.teacher("T-007", "首日即退", "1985-01-01")
    ledger.member(STUDIO, "T-004", "2022-09-01", "2023-08-31")   # left on the year's last day... of the year before
    ledger.member(STUDIO, "T-005", "2024-08-31")                 # one active day: the year's last
    ledger.member(STUDIO, "T-006", "2024-09-01")                 # joins the next year
    ledger.member(STUDIO, "T-007", "2022-09-01", "2023-09-01")   # one active day: the year's first
    load(ledger)
    result = assess(STUDIO, "2023-2024", as_of="2024-09-30")
    assert [block["teacher"] for block in result["members"]] == [HOST, YOUNG, SENIOR, "T-005", "T-007"]
    for teacher in ("T-005", "T-007"):
        statuses = {item["status"] for item in member(result, teacher)["rules"] if item["period"] != "cycle"}
        assert statuses == {"not_applicable"}
        assert member(result, teacher)["verdict"] == "pass"


def test_the_cycle_lists_everyone_active_on_a_day_of_the_cycle(load, assess):
    ledger = studio_world()
    ledger.teacher("T-004", "首年", "1985-01-01")
    ledger.member(STUDIO, "T-004", "2022-09-01", "2023-06-30")
    load(ledger)
    assert "T-004" not in [block["teacher"] for block in assess(STUDIO, "2024-2025", as_of="2025-09-30")["members"]]
    cycle = assess(STUDIO, "2024-2025", cycle=True, as_of="2025-09-30")
    assert [block["teacher"] for block in cycle["members"]] == [HOST, YOUNG, SENIOR, "T-004"]
    assert member_rule(cycle, "T-004", "I-PAPER", "2022-2023-1")["status"] == "not_met"
    assert member_rule(cycle, "T-004", "I-PAPER", "2023-2024-1")["status"] == "not_applicable"
    assert member_rule(cycle, "T-004", "I-DEV-PLAN", "cycle")["status"] == "not_applicable"   # 303 of 1096 days


def test_records_dated_after_the_as_of_day_do_not_count_yet(load, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2022-12-01", 2000)
    load(ledger)
    assert member_rule(assess(STUDIO, "2022-2023", as_of="2022-11-30"), YOUNG, "I-PAPER", "2022-2023-1")[
        "status"] == "pending"
    assert member_rule(assess(STUDIO, "2022-2023", as_of="2022-12-01"), YOUNG, "I-PAPER", "2022-2023-1")[
        "evidence"] == ["W-01"]


# 2022-2023 has 365 days (half: 182.5); its semester 2, 2023-02-01 … 2023-08-31, has 212 (half: 106).
@pytest.mark.parametrize("joined, semester2, year", [
    ("2023-03-02", "pending", "pending"),               # 183 days of the year, 183 of semester 2
    ("2023-03-03", "pending", "not_applicable"),        # 182 days of the year
    ("2023-05-18", "pending", "not_applicable"),        # 106 days of semester 2: exactly half
    ("2023-05-19", "not_applicable", "not_applicable"),  # 105 days
])
def test_a_rule_applies_to_someone_active_at_least_half_of_its_period(load, assess, joined, semester2, year):
    ledger = studio_world()
    ledger.teacher("T-004", "新成员", "1985-01-01")
    ledger.member(STUDIO, "T-004", joined)
    load(ledger)
    result = assess(STUDIO, "2022-2023", as_of="2023-06-30")
    assert member_rule(result, "T-004", "I-PAPER", "2022-2023-1")["status"] == "not_applicable"
    assert member_rule(result, "T-004", "I-PAPER", "2022-2023-2")["status"] == semester2
    assert member_rule(result, "T-004", "I-REFLECTION", "2022-2023")["status"] == year


@pytest.mark.parametrize("left, year", [("2023-03-01", "not_applicable"), ("2023-03-02", "pending")])
def test_the_leave_date_is_an_active_day(load, assess, left, year):
    ledger = studio_world()
    ledger.teacher("T-004", "离开", "1985-01-01")
    ledger.member(STUDIO, "T-004", "2022-09-01", left)  # 182 or 183 days of 2022-2023
    load(ledger)
    result = assess(STUDIO, "2022-2023", as_of="2023-06-30")
    assert member_rule(result, "T-004", "I-REFLECTION", "2022-2023")["status"] == year


def test_as_of_defaults_to_today_in_asia_shanghai(load):
    load(studio_world())
    run = manage("assess", "--studio", STUDIO, "--year", "2022-2023", "--format", "json")
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert run.json()["as_of"] == today


def test_all_prints_a_list_with_one_object_per_studio_of_the_year(load, assess):
    ledger = studio_world()
    studio_world(ledger, studio="WS-02", teachers=False)
    ledger.teacher("T-020", "另一主持", "1980-01-01")
    studio_world(ledger, studio="WS-03", start="2025-2026", host="T-020", members=(), teachers=False)
    load(ledger)
    run = manage(*assess_argv(year="2023-2024", as_of="2024-09-30", every=True))
    listed = run.json()
    assert isinstance(listed, list)
    assert sorted(item["studio"] for item in listed) == ["WS-01", "WS-02"]
    one = next(item for item in listed if item["studio"] == "WS-01")
    assert one == assess(STUDIO, "2023-2024", as_of="2024-09-30")
    cycles = manage(*assess_argv(year="2023-2024", as_of="2024-09-30", every=True, cycle=True)).json()
    assert {item["kind"] for item in cycles} == {"cycle"}


@pytest.mark.parametrize("argv, words", [
    (["--studio", "WS-99", "--year", "2022-2023"], ["WS-99"]),
    (["--studio", STUDIO, "--year", "2025-2026"], ["2025-2026"]),        # after the cycle
    (["--studio", STUDIO, "--year", "2021-2022"], ["2021-2022"]),        # before it
    (["--studio", STUDIO, "--year", "2031-2032"], ["2031-2032"]),        # a year nobody knows
    (["--studio", STUDIO, "--year", "2025-2026", "--cycle"], ["2025-2026"]),
    (["--studio", STUDIO, "--year", "2022"], ["2022"]),                  # not a school year
    (["--studio", STUDIO, "--year", "2022-2024"], ["2022-2024"]),
    (["--all", "--year", "2031-2032"], ["2031-2032"]),
])
def test_an_unknown_studio_or_year_fails_with_a_message_on_standard_error(load, argv, words):
    load(studio_world())
    run = manage("assess", *argv, "--as-of", "2023-09-30", "--format", "json")
    assert run.status != 0
    assert run.out.strip() == ""
    for word in words:
        assert word in run.err
    assert any("\u4e00" <= char <= "\u9fff" for char in run.err), run.err  # said in Chinese


def test_a_malformed_as_of_date_fails(load):
    load(studio_world())
    run = manage("assess", "--studio", STUDIO, "--year", "2022-2023", "--as-of", "2023-02-30", "--format", "json")
    assert run.status != 0 and "2023-02-30" in run.err


def test_the_output_is_json_and_nothing_else(load):
    load(studio_world())
    run = manage(*assess_argv(STUDIO, "2022-2023", as_of="2023-09-30"))
    assert run.status == 0 and run.err == ""
    assert json.loads(run.out)["studio"] == STUDIO

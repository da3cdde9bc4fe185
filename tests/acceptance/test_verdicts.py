"""Verdicts, compliance rates and officers' overrides (regulation.md, Verdicts; assessment-json.md)."""

import pytest

from .conftest import member, member_rule, team_rule
from .world import HOST, MEMBERS, SENIOR, STUDIO, YEARS, YOUNG, good_cycle_rules, good_year, studio_world

Y = "2022-2023"


def rate(rules, *, counted_periods):
    applicable = [item for item in rules if item["period"] in counted_periods and item["status"] != "not_applicable"]
    return sum(item["status"] == "met" for item in applicable) / len(applicable)


def test_everything_done_is_pending_while_the_year_runs_and_passes_after_it(load, assess):
    load(good_cycle_rules(good_year(studio_world(), Y)))
    early = assess(STUDIO, Y, as_of="2022-09-01")
    # on the year's first day nothing can have been broken: the "every" rules wait, the rest are to come
    for item in early["team"]["rules"] + member(early, YOUNG)["rules"]:
        assert item["status"] in ("pending", "met"), item
    assert early["team"]["verdict"] == "pending"
    late = assess(STUDIO, Y, as_of="2023-09-30")
    for item in late["team"]["rules"]:
        # the cycle's research report is written at its end: as progress it is still to come
        assert item["status"] == ("pending" if item["rule"] == "T-REPORT" else "met"), item
    assert late["team"]["verdict"] == "pass" and late["team"]["compliance_rate"] == 1
    for teacher in MEMBERS:
        block = member(late, teacher)
        assert [item for item in block["rules"] if item["status"] != "met"] == []
        assert block["verdict"] == "pass" and block["compliance_rate"] == 1
    host = member(late, HOST)
    assert host["verdict"] == "pass"
    assert {item["rule"] for item in host["rules"] if item["status"] == "met"} == {"I-RESEARCH", "I-MENTOR"}


def test_nothing_done_is_pending_everywhere_in_the_middle_of_the_year(load, assess):
    load(studio_world())
    result = assess(STUDIO, Y, as_of="2022-09-15")
    assert {item["status"] for item in result["team"]["rules"]} == {"pending"}
    assert result["team"]["verdict"] == "pending"
    for teacher in MEMBERS:
        assert {item["status"] for item in member(result, teacher)["rules"]} == {"pending"}
        assert member(result, teacher)["verdict"] == "pending"


def test_a_year_not_begun_is_pending_for_every_rule(load, assess):
    load(good_year(studio_world(), "2023-2024"))
    result = assess(STUDIO, "2023-2024", as_of="2023-05-01")
    assert {item["status"] for item in result["team"]["rules"]} == {"pending"}
    for teacher in MEMBERS:
        assert {item["status"] for item in member(result, teacher)["rules"]} == {"pending"}
    assert result["team"]["verdict"] == "pending"


def test_one_instance_not_met_fails_the_year_and_lowers_the_rate(load, assess):
    load(good_cycle_rules(good_year(studio_world(), Y, skip={"T-OUTREACH"})))
    result = assess(STUDIO, Y, as_of="2023-09-30")
    assert team_rule(result, "T-OUTREACH", Y)["status"] == "not_met"
    assert result["team"]["verdict"] == "fail"
    # four semester rules twice and five year rules decide the year; twelve of the thirteen are met
    assert result["team"]["compliance_rate"] == pytest.approx(12 / 13, abs=5e-4)


def test_one_instance_pending_and_none_not_met_leaves_the_year_pending(load, assess):
    load(good_cycle_rules(good_year(studio_world(), Y, skip={"T-SUMMARY"})))
    result = assess(STUDIO, Y, as_of="2023-09-15")   # inside the summary's 30 days
    assert team_rule(result, "T-SUMMARY", Y)["status"] == "pending"
    assert result["team"]["verdict"] == "pending"


def test_a_member_rate_leaves_out_the_rules_that_do_not_apply(load, assess):
    ledger = good_year(studio_world(), Y, skip={"I-REFLECTION"})
    ledger.teacher("T-004", "下学期来", "1985-01-01")
    ledger.member(STUDIO, "T-004", "2023-02-01")   # semester 1 does not apply; the year does (212 days)
    load(ledger)
    result = assess(STUDIO, Y, as_of="2023-09-30")
    young = member(result, YOUNG)
    assert young["verdict"] == "fail"
    assert young["compliance_rate"] == pytest.approx(rate(young["rules"], counted_periods={Y, f"{Y}-1", f"{Y}-2"}),
                                                     abs=5e-4)
    newcomer = member(result, "T-004")
    assert member_rule(result, "T-004", "I-PAPER", f"{Y}-1")["status"] == "not_applicable"
    assert member_rule(result, "T-004", "I-PAPER", f"{Y}-2")["status"] == "not_met"
    assert newcomer["compliance_rate"] == pytest.approx(
        rate(newcomer["rules"], counted_periods={Y, f"{Y}-1", f"{Y}-2"}), abs=5e-4)


def test_cycle_rules_show_progress_but_do_not_decide_the_annual_verdict(load, assess):
    load(good_year(studio_world(), "2024-2025"))   # the cycle's last year; no cycle rule done
    result = assess(STUDIO, "2024-2025", as_of="2025-10-31")
    assert team_rule(result, "T-RESEARCH", "cycle")["status"] == "not_met"
    assert member_rule(result, YOUNG, "I-DEV-PLAN", "cycle")["status"] == "not_met"
    assert result["team"]["verdict"] == "pass" and result["team"]["compliance_rate"] == 1
    assert member(result, YOUNG)["verdict"] == "pass"


def test_the_cycle_assessment_is_decided_by_every_instance_of_the_three_years_and_the_cycle(load, assess):
    ledger = studio_world()
    for year in YEARS:
        good_year(ledger, year)
    load(good_cycle_rules(ledger))
    result = assess(STUDIO, "2023-2024", cycle=True, as_of="2025-10-31")
    assert {item["status"] for item in result["team"]["rules"]} == {"met"}
    assert result["team"]["verdict"] == "pass"
    assert member(result, YOUNG)["verdict"] == "pass"


def test_the_cycle_assessment_fails_on_a_cycle_rule(load, assess):
    ledger = studio_world()
    for year in YEARS:
        good_year(ledger, year)
    load(good_cycle_rules(ledger, skip={"T-RESEARCH"}))
    result = assess(STUDIO, "2022-2023", cycle=True, as_of="2025-10-31")
    assert team_rule(result, "T-RESEARCH", "cycle")["status"] == "not_met"
    assert result["team"]["verdict"] == "fail"
    listed = len(result["team"]["rules"])
    assert result["team"]["compliance_rate"] == pytest.approx((listed - 1) / listed, abs=5e-4)


def test_the_cycle_assessment_fails_on_one_semester_of_one_year(load, assess):
    ledger = studio_world()
    good_year(ledger, "2022-2023")
    good_year(ledger, "2023-2024", skip={"I-STAGE-SUMMARY"})
    good_year(ledger, "2024-2025")
    load(good_cycle_rules(ledger))
    result = assess(STUDIO, "2024-2025", cycle=True, as_of="2025-10-31")
    assert member_rule(result, YOUNG, "I-STAGE-SUMMARY", "2023-2024-1")["status"] == "not_met"
    assert member(result, YOUNG)["verdict"] == "fail"
    assert result["team"]["verdict"] == "pass"


# -- overrides (the computed verdict is a recommendation) ---------------------------------------------------------
@pytest.fixture
def officer(db):
    from members.models import User

    return User.objects.create_user(username="acc-officer", password="Acc-Officer-2026", role=User.Role.OFFICER,
                                    first_name="审核员")


def override(client, studio, *, rule, period, status, reason, teacher="", kind="annual", year=Y):
    return client.post(f"/assessments/studio/{studio}/override/", {
        "teacher": teacher, "rule": rule, "period": period, "kind": kind, "year": year, "status": status,
        "reason": reason})


def test_an_override_is_shown_beside_the_status_and_decides_the_final_verdict(load, assess, client, officer):
    load(good_cycle_rules(good_year(studio_world(), Y, skip={"T-OUTREACH", "I-REFLECTION"})))
    client.force_login(officer)
    response = override(client, STUDIO, rule="T-OUTREACH", period=Y, status="met",
                        reason="送教活动因疫情改为线上，经领导小组认定")
    assert response.status_code == 302, response.content.decode()[:2000]
    response = override(client, STUDIO, rule="I-REFLECTION", period=Y, status="met", reason="反思总结已纸质提交",
                        teacher=YOUNG)
    assert response.status_code == 302
    result = assess(STUDIO, Y, as_of="2023-09-30")
    item = team_rule(result, "T-OUTREACH", Y)
    assert item["status"] == "not_met"                                   # the computed status stays
    assert item["override"]["status"] == "met"
    assert item["override"]["reason"] == "送教活动因疫情改为线上，经领导小组认定"
    assert item["override"]["by"]
    assert result["team"]["verdict"] == "fail" and result["team"]["final_verdict"] == "pass"
    young = member(result, YOUNG)
    assert member_rule(result, YOUNG, "I-REFLECTION", Y)["override"]["status"] == "met"
    assert young["verdict"] == "fail" and young["final_verdict"] == "pass"
    assert member(result, SENIOR)["final_verdict"] == "fail"           # not overridden


def test_an_override_to_not_met_fails_the_final_verdict_only(load, assess, client, officer):
    load(good_cycle_rules(good_year(studio_world(), Y)))
    client.force_login(officer)
    response = override(client, STUDIO, rule="T-PLAN", period=Y, status="not_met", reason="计划内容与实际不符")
    assert response.status_code == 302
    result = assess(STUDIO, Y, as_of="2023-09-30")
    assert team_rule(result, "T-PLAN", Y)["status"] == "met"
    assert result["team"]["verdict"] == "pass" and result["team"]["final_verdict"] == "fail"


def test_an_override_needs_a_reason_and_an_officer(load, assess, client, officer):
    load(good_cycle_rules(good_year(studio_world(), Y, skip={"T-OUTREACH"})))
    client.force_login(officer)
    assert override(client, STUDIO, rule="T-OUTREACH", period=Y, status="met", reason="  ").status_code == 200
    from members.models import Teacher

    client.force_login(Teacher.objects.get(code=HOST).user)
    response = override(client, STUDIO, rule="T-OUTREACH", period=Y, status="met", reason="我说达标")
    assert response.status_code in (403, 404)
    result = assess(STUDIO, Y, as_of="2023-09-30")
    assert "override" not in team_rule(result, "T-OUTREACH", Y) or not team_rule(result, "T-OUTREACH", Y)["override"]
    assert result["team"]["final_verdict"] == "fail"

"""Team rules (regulation.md, 团队 rules table and clarifications 1–7), each met, not met and pending, at the
boundaries the specification names: both ends of a period inclusive, an as-of date on the last day (the period
has ended), filings approved on or before the activity's day, documents matched by the year they are for."""

import pytest

from .conftest import check_team as check
from .conftest import member_rule, team_rule
from .ledger import Ledger
from .world import MEMBERS, SENIOR, STUDIO, YOUNG, studio_world

Y = "2022-2023"          # semester 1: 2022-09-01 … 2023-01-31, semester 2: 2023-02-01 … 2023-08-31
S1, S2 = f"{Y}-1", f"{Y}-2"


# -- activities with a filing (十五, clarification 7) ------------------------------------------------------------
def test_public_lecture_needs_a_held_banner_wide_lecture_or_report_meeting_with_an_approved_filing(load, assess):
    ledger = studio_world()
    ledger.filed("A-01", STUDIO, "报告会", "2023-01-31", approved="2023-01-20")   # the semester's last day
    ledger.filed("A-02", STUDIO, "专题讲座", "2023-02-01", approved="2023-02-01")  # approved on the day itself
    load(ledger)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, "T-PUBLIC-LECTURE", S1, "met", actual=1, required=1, evidence=["A-01"])
    check(result, "T-PUBLIC-LECTURE", S2, "met", actual=1, required=1, evidence=["A-02"])


def test_public_lecture_counts_nothing_unfiled_late_planned_cancelled_local_or_of_another_type(load, assess):
    ledger = studio_world()
    ledger.activity("A-11", STUDIO, "专题讲座", "2022-10-10", scope="全旗")                          # never filed
    ledger.activity("A-12", STUDIO, "专题讲座", "2022-10-11", scope="全旗", filing="已批准",
                    approved="2022-10-12", number="乌教研发〔2022〕12号")                       # approved a day late
    ledger.activity("A-13", STUDIO, "报告会", "2022-10-13", scope="全旗", filing="待审核")          # under review
    ledger.activity("A-14", STUDIO, "报告会", "2022-10-14", scope="全旗", filing="退回")              # returned
    ledger.activity("A-15", STUDIO, "报告会", "2022-10-15", scope="学校")                            # not banner-wide
    ledger.filed("A-16", STUDIO, "报告会", "2022-12-15", approved="2022-12-01", status="计划")       # not held
    ledger.filed("A-17", STUDIO, "报告会", "2022-12-16", approved="2022-12-01", status="已取消")
    ledger.filed("A-18", STUDIO, "专题研讨", "2022-12-17", approved="2022-12-01")                   # another type
    ledger.filed("A-19", STUDIO, "报告会", "2022-08-31", approved="2022-08-20")                     # the year before
    load(ledger)
    pending = check(assess(STUDIO, Y, as_of="2023-01-30"), "T-PUBLIC-LECTURE", S1, "pending", actual=0,
                    evidence=[])
    for code in ("A-11", "A-12", "A-13", "A-14"):
        assert code in pending["note"], pending  # clarification 7: each held without an approved filing is named
    ended = check(assess(STUDIO, Y, as_of="2023-01-31"), "T-PUBLIC-LECTURE", S1, "not_met", actual=0, evidence=[])
    assert "A-11" in ended["note"]


def test_seminar_needs_two_filed_banner_wide_seminars_each_semester(load, assess):
    ledger = studio_world()
    ledger.filed("A-01", STUDIO, "专题研讨", "2022-09-01", approved="2022-08-25")   # the semester's first day
    ledger.filed("A-02", STUDIO, "专题研讨", "2022-11-01", approved="2022-10-25")
    ledger.filed("A-03", STUDIO, "专题研讨", "2023-03-01", approved="2023-02-25")
    ledger.activity("A-04", STUDIO, "专题研讨", "2023-04-01", scope="全旗")           # unfiled: counts for no rule
    ledger.activity("A-05", STUDIO, "专题研讨", "2023-05-01", scope="工作室")         # not banner-wide
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-30"), "T-SEMINAR", S2, "pending", actual=1, required=2)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, "T-SEMINAR", S1, "met", actual=2, required=2, evidence=["A-01", "A-02"])
    item = check(result, "T-SEMINAR", S2, "not_met", actual=1, required=2, evidence=["A-03"])
    assert "A-04" in item["note"]


# -- routines (十八) ------------------------------------------------------------------------------------------
def test_meetings_need_a_deployment_and_a_stage_summary_meeting_each_semester(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    ledger.activity("A-02", STUDIO, "阶段性总结会", "2023-01-31")
    ledger.activity("A-03", STUDIO, "工作部署会", "2023-02-05")
    ledger.activity("A-04", STUDIO, "工作部署会", "2023-03-05")                  # two of one kind are not both
    ledger.activity("A-05", STUDIO, "阶段性总结会", "2023-07-01", status="计划")   # planned, never held
    ledger.activity("A-06", STUDIO, "阶段性总结会", "2023-07-02", status="已取消")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-06-30"), "T-MEETINGS", S2, "pending")
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, "T-MEETINGS", S1, "met", evidence=["A-01", "A-02"])
    item = check(result, "T-MEETINGS", S2, "not_met")
    assert "A-05" not in item["evidence"] and "A-06" not in item["evidence"]


def test_meetings_held_banner_wide_without_a_filing_do_not_count(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05", scope="全旗")
    ledger.activity("A-02", STUDIO, "阶段性总结会", "2023-01-10")
    load(ledger)
    item = check(assess(STUDIO, Y, as_of="2023-01-31"), "T-MEETINGS", S1, "not_met")
    assert "A-01" in item["note"]


def test_study_needs_two_seminars_report_meetings_or_study_trips_each_semester(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作研讨", "2022-09-10")
    ledger.activity("A-02", STUDIO, "汇报会", "2022-10-10")
    ledger.activity("A-03", STUDIO, "外出学习", "2023-02-10")
    ledger.activity("A-04", STUDIO, "听课磨课", "2023-03-10")   # guidance, not study
    ledger.activity("A-05", STUDIO, "读书交流", "2023-04-10")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-05-01"), "T-STUDY", S2, "pending", actual=1, required=2)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, "T-STUDY", S1, "met", actual=2, required=2, evidence=["A-01", "A-02"])
    check(result, "T-STUDY", S2, "not_met", actual=1, required=2, evidence=["A-03"])


def test_outreach_needs_a_held_trip_to_the_countryside_or_a_teaching_stint_each_year(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "支教", "2023-08-31")                       # the year's last day
    ledger.activity("A-02", STUDIO, "送教下乡", "2023-10-01", status="已取消")
    ledger.activity("A-03", STUDIO, "读书交流", "2023-11-01")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-OUTREACH", Y, "met", actual=1, evidence=["A-01"])
    check(assess(STUDIO, "2023-2024", as_of="2024-08-30"), "T-OUTREACH", "2023-2024", "pending", actual=0)
    check(assess(STUDIO, "2023-2024", as_of="2024-08-31"), "T-OUTREACH", "2023-2024", "not_met", actual=0)


def test_a_trip_to_the_countryside_the_day_after_the_year_counts_for_the_next_year(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "送教下乡", "2023-09-01")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-09-30"), "T-OUTREACH", Y, "not_met")
    check(assess(STUDIO, "2023-2024", as_of="2023-09-30"), "T-OUTREACH", "2023-2024", "met", evidence=["A-01"])


# -- studio documents (clarifications 4 and 6) -----------------------------------------------------------------
def test_a_work_plan_counts_for_the_year_it_is_for_not_the_year_it_was_written(load, assess):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "年度工作计划", "2022-2023", "2022-08-20")   # written before its year
    ledger.document("D-02", STUDIO, "年度工作计划", "2024-2025", "2024-03-01")   # written in 2023-2024, for 2024-2025
    load(ledger)
    check(assess(STUDIO, "2022-2023", as_of="2023-08-31"), "T-PLAN", "2022-2023", "met", evidence=["D-01"])
    check(assess(STUDIO, "2023-2024", as_of="2024-08-31"), "T-PLAN", "2023-2024", "not_met", evidence=[])
    check(assess(STUDIO, "2024-2025", as_of="2024-10-01"), "T-PLAN", "2024-2025", "met", evidence=["D-02"])


@pytest.mark.parametrize("state", ["待审核", "退回", "草稿"])
def test_a_work_plan_not_approved_is_pending_then_not_met(load, assess, state):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "年度工作计划", Y, None if state == "草稿" else "2022-08-20", state=state)
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-30"), "T-PLAN", Y, "pending", evidence=[])
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-PLAN", Y, "not_met", evidence=[])


@pytest.mark.parametrize("submitted, status", [
    ("2023-06-30", "met"),       # before the year ends
    ("2023-09-30", "met"),       # the year's last day + 30 days
    ("2023-10-01", "not_met"),   # a day late
])
def test_the_annual_summary_is_due_thirty_days_after_the_year(load, assess, submitted, status):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "年度总结", Y, submitted)
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-10-31"), "T-SUMMARY", Y, status)


def test_no_summary_is_pending_inside_the_thirty_days_and_not_met_on_their_last_day(load, assess):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "年度总结", "2023-2024", "2023-09-20")   # next year's: not for 2022-2023
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-SUMMARY", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-09-29"), "T-SUMMARY", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-09-30"), "T-SUMMARY", Y, "not_met")


def test_a_summary_handed_in_but_not_yet_accepted_is_pending_inside_the_window(load, assess):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "年度总结", Y, "2023-09-10", state="待审核")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-09-15"), "T-SUMMARY", Y, "pending")


def test_the_training_plan_is_the_cycles_and_needs_approval(load, assess):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "培养计划", "2022-2023", "2022-09-15", state="待审核")
    studio_world(ledger, studio="WS-02", teachers=False)
    ledger.document("D-02", "WS-02", "培养计划", "2022-2023", "2022-08-15")
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), "T-TRAINING-PLAN", "cycle", "pending")
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-TRAINING-PLAN", "cycle", "not_met")
    check(assess("WS-02", "2024-2025", cycle=True, as_of="2025-08-31"), "T-TRAINING-PLAN", "cycle", "met",
          evidence=["D-02"])
    # the annual assessment shows the cycle rule as progress
    check(assess("WS-02", "2023-2024", as_of="2024-08-31"), "T-TRAINING-PLAN", "cycle", "met")


@pytest.mark.parametrize("submitted, state, as_of, status", [
    ("2025-09-30", "待审核", "2025-10-31", "met"),       # the cycle's last day + 30 days
    ("2025-10-01", "待审核", "2025-10-31", "not_met"),
    ("2025-06-01", "已通过", "2025-06-02", "met"),
    (None, "草稿", "2025-09-29", "pending"),             # a draft is not handed in; still inside the window
    (None, "草稿", "2025-09-30", "not_met"),
])
def test_the_research_report_is_due_thirty_days_after_the_cycle(load, assess, submitted, state, as_of, status):
    ledger = studio_world()
    ledger.document("D-01", STUDIO, "研究报告", "2022-2023", submitted, state=state)
    load(ledger)
    check(assess(STUDIO, "2024-2025", cycle=True, as_of=as_of), "T-REPORT", "cycle", status)


# -- the host's evaluation (十六.4, clarification 5) ------------------------------------------------------------
def test_evaluation_every_member_active_half_the_year_scored_is_pending_then_met(load, assess):
    ledger = studio_world()
    ledger.teacher("T-004", "晚来", "1985-01-01")
    ledger.member(STUDIO, "T-004", "2023-06-01")  # 92 days: not to be scored
    for teacher in MEMBERS:
        ledger.evaluation(STUDIO, Y, teacher, 85)
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-07-01"), "T-EVALUATION", Y, "pending")   # an "every" rule (clar. 2)
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-EVALUATION", Y, "met", required=2, actual=2)


def test_evaluation_with_a_member_left_unscored_is_not_met_once_the_year_ends(load, assess):
    ledger = studio_world()
    ledger.evaluation(STUDIO, Y, YOUNG, 85)
    ledger.evaluation(STUDIO, "2023-2024", SENIOR, 85)   # another year's score
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-30"), "T-EVALUATION", Y, "pending")
    item = check(assess(STUDIO, Y, as_of="2023-08-31"), "T-EVALUATION", Y, "not_met", required=2, actual=1)
    assert SENIOR in item["note"]


def test_evaluation_does_not_apply_when_no_member_is_to_be_scored(load, assess):
    load(studio_world(members=()))
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-EVALUATION", Y, "not_applicable")


# -- funds (十八.4, 十九, clarifications 1 and 2) -----------------------------------------------------------
def test_funds_spent_on_allowed_uses_within_the_allocation_are_pending_then_met(load, assess):
    ledger = studio_world()
    ledger.fund("F-01", STUDIO, Y, "拨款", 10000, "2022-09-10")
    for number, category in enumerate(("图书设备", "课题研究", "专家费用", "成员考察差旅劳务"), start=2):
        ledger.fund(f"F-0{number}", STUDIO, Y, "支出", 2500, f"2022-{number + 7:02d}-15", category)  # 10000: all of it
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-03-01"), "T-FUNDS", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-FUNDS", Y, "met")


def test_funds_with_no_money_at_all_are_met_after_the_year(load, assess):
    load(studio_world())
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-FUNDS", Y, "met")


def test_an_expense_of_a_use_not_allowed_is_not_met_at_once(load, assess):
    ledger = studio_world()
    ledger.fund("F-01", STUDIO, Y, "拨款", 10000, "2022-09-10")
    ledger.fund("F-02", STUDIO, Y, "支出", 300, "2022-10-10", "其他", note="聚餐")
    load(ledger)
    item = check(assess(STUDIO, Y, as_of="2022-10-11"), "T-FUNDS", Y, "not_met")
    assert item["note"]


def test_an_expense_without_a_use_is_not_in_an_allowed_category(load, assess):
    ledger = studio_world()
    ledger.fund("F-01", STUDIO, Y, "拨款", 1000, "2022-09-10")
    ledger.fund("F-02", STUDIO, Y, "支出", 50, "2022-10-10")
    load(ledger)
    item = check(assess(STUDIO, Y, as_of="2022-10-11"), "T-FUNDS", Y, "not_met")
    assert "F-02" in item["note"]


def test_expenses_above_the_allocation_may_still_be_covered_while_the_year_runs(load, assess):
    ledger = studio_world()
    ledger.fund("F-01", STUDIO, Y, "拨款", 1000, "2022-09-10")
    ledger.fund("F-02", STUDIO, Y, "支出", 1500.5, "2022-10-10", "图书设备")
    ledger.fund("F-03", STUDIO, "2023-2024", "拨款", 5000, "2023-09-10")   # next year's money does not cover it
    load(ledger)
    check(assess(STUDIO, Y, as_of="2022-10-11"), "T-FUNDS", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-FUNDS", Y, "not_met")


# -- cycle rules: research and titles (八, 九, 二十.1–2, clarification 10) -----------------------------------
def test_research_needs_a_project_concluded_inside_the_cycle(load, assess):
    ledger = studio_world()
    ledger.project("P-01", STUDIO, "旗级", "2020-03-01", YOUNG, concluded="2022-08-31")   # concluded the day before
    ledger.project("P-02", STUDIO, "市级", "2024-03-01", YOUNG, concluded="2025-09-01")   # the day after
    ledger.project("P-03", STUDIO, "国家级", "2024-03-01", SENIOR)                        # never concluded
    studio_world(ledger, studio="WS-02", teachers=False)
    ledger.project("P-04", "WS-02", "自治区级", "2022-03-01", YOUNG, concluded="2025-08-31")  # the last day
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), "T-RESEARCH", "cycle", "pending", actual=0)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-RESEARCH", "cycle", "not_met", actual=0)
    check(assess("WS-02", Y, cycle=True, as_of="2025-08-31"), "T-RESEARCH", "cycle", "met", actual=1,
          evidence=["P-04"])


def young_world():
    """Cycle 2022-2023: young means 35 or under on 2022-09-01, i.e. born on or after 1986-09-02."""
    ledger = Ledger()
    ledger.teacher("T-001", "主持", "1990-01-01")       # young, but the host: not counted
    ledger.teacher("T-011", "甲", "1986-09-02")         # 35 on the cycle's first day: young
    ledger.teacher("T-012", "乙", "1990-01-01")
    ledger.teacher("T-013", "丙", "1992-01-01")
    ledger.teacher("T-014", "丁", "1995-01-01")
    ledger.teacher("T-015", "戊", "1986-09-01")         # 36 on the cycle's first day: not young
    ledger.teacher("T-016", "己", "1996-01-01")         # young, but a member for less than half the cycle
    ledger.studio(STUDIO, "青年工作室", "2022-2023", "T-001")
    ledger.member(STUDIO, "T-001", "2022-09-01", role="主持人")
    for code in ("T-011", "T-012", "T-013", "T-014", "T-015"):
        ledger.member(STUDIO, code, "2022-09-01")
    ledger.member(STUDIO, "T-016", "2025-01-01")
    ledger.title("T-001", "骨干教师", "旗级", "2021-01-01")
    ledger.title("T-015", "骨干教师", "旗级", "2021-01-01")
    ledger.title("T-011", "骨干教师", "旗级", "2019-06-01")      # held before the cycle: counts
    ledger.title("T-012", "教学能手", "市级", "2023-06-01")      # not backbone or above
    ledger.title("T-013", "基本功大赛一等奖", "自治区级", "2023-06-01")
    ledger.title("T-016", "骨干教师", "旗级", "2025-03-01")
    return ledger


def test_young_backbone_needs_a_third_of_the_young_members_rounded_up(load, assess):
    load(young_world())  # four young members (T-011 … T-014): ⌈4/3⌉ = 2; one backbone
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), "T-YOUNG-BACKBONE", "cycle", "pending", required=2,
          actual=1)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-YOUNG-BACKBONE", "cycle", "not_met", required=2,
          actual=1)


def test_young_backbone_is_met_by_a_title_awarded_on_the_cycles_last_day(load, assess):
    ledger = young_world()
    ledger.title("T-014", "名师", "旗级", "2025-08-31")
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-YOUNG-BACKBONE", "cycle", "met", required=2,
          actual=2)


def test_young_backbone_with_three_young_members_needs_one(load, assess):
    ledger = young_world()
    ledger.rows["成员"] = [row for row in ledger.rows["成员"] if row["教师编号"] != "T-014"]
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-YOUNG-BACKBONE", "cycle", "met", required=1,
          actual=1)


def test_young_backbone_does_not_apply_without_young_members(load, assess):
    ledger = studio_world(members=(SENIOR,))
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-YOUNG-BACKBONE", "cycle", "not_applicable")


def cultivate_world():
    ledger = Ledger()
    ledger.teacher("T-001", "主持", "1970-01-01")
    for code in ("T-021", "T-022", "T-023", "T-024", "T-025"):
        ledger.teacher(code, f"成员{code[-1]}", "1980-01-01")
    ledger.studio(STUDIO, "培养工作室", "2022-2023", "T-001")
    ledger.member(STUDIO, "T-001", "2022-09-01", role="主持人")
    for code in ("T-021", "T-022", "T-023", "T-024", "T-025"):
        ledger.member(STUDIO, code, "2022-09-01")
    ledger.title("T-021", "骨干教师", "旗级", "2023-03-01")        # new: counts
    ledger.title("T-022", "骨干教师", "市级", "2020-01-01")
    ledger.title("T-022", "学科带头人", "旗级", "2023-03-01")      # held one of a higher level before: not new
    ledger.title("T-024", "教学能手", "国家级", "2023-03-01")      # not backbone or above
    ledger.title("T-025", "骨干教师", "旗级", "2022-08-31")        # the day before the cycle: held before
    return ledger


def test_cultivate_counts_members_newly_backbone_inside_the_cycle(load, assess):
    load(cultivate_world())
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), "T-CULTIVATE", "cycle", "pending", required=2,
          actual=1)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-CULTIVATE", "cycle", "not_met", required=2,
          actual=1)


def test_cultivate_counts_a_member_raised_to_a_higher_level(load, assess):
    ledger = cultivate_world()
    ledger.title("T-023", "骨干教师", "旗级", "2019-01-01")
    ledger.title("T-023", "骨干教师", "市级", "2025-08-31")        # a higher level than before, on the last day
    ledger.title("T-021", "名师", "市级", "2024-03-01")            # a second new title of one member: still one
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-CULTIVATE", "cycle", "met", required=2, actual=2)


@pytest.mark.parametrize("joined, young", [("2024-03-02", 2), ("2024-03-03", 1)])
def test_a_young_member_counts_when_a_member_for_at_least_half_the_cycle(load, assess, joined, young):
    ledger = studio_world()
    ledger.teacher("T-004", "半程", "1996-01-01")
    ledger.member(STUDIO, "T-004", joined)   # 548 (exactly half of 1096) or 547 days of the cycle
    load(ledger)
    item = check(assess(STUDIO, Y, cycle=True, as_of="2025-08-31"), "T-YOUNG-BACKBONE", "cycle", "not_met")
    assert "T-004" in item["note"] if young == 2 else "T-004" not in item["note"]
    assert item["required"] == 1   # ⌈1/3⌉ = ⌈2/3⌉ = 1


def test_young_backbone_is_met_as_soon_as_the_titles_are_there(load, assess):
    ledger = studio_world()
    ledger.title(YOUNG, "学科带头人", "自治区级", "2023-03-01")
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2023-03-01"), "T-YOUNG-BACKBONE", "cycle", "met", actual=1)
    check(assess(STUDIO, Y, cycle=True, as_of="2023-02-28"), "T-YOUNG-BACKBONE", "cycle", "pending", actual=0)


def test_an_activity_held_banner_wide_without_a_filing_is_named_by_every_rule_it_would_have_counted_for(
        load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "专题讲座", "2022-10-10", scope="全旗", organiser=YOUNG)
    ledger.activity("A-02", STUDIO, "专题研讨", "2022-10-11", scope="全旗", organiser=SENIOR)
    ledger.activity("A-03", STUDIO, "外出学习", "2022-10-12", scope="全旗")
    ledger.activity("A-04", STUDIO, "送教下乡", "2022-10-13", scope="全旗")
    ledger.activity("A-05", STUDIO, "工作部署会", "2022-10-14", scope="全旗")
    for code in ("A-01", "A-02", "A-03", "A-04", "A-05"):
        for teacher in MEMBERS:
            ledger.attendance(code, teacher, "出席")
    load(ledger)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    named = {
        ("T-PUBLIC-LECTURE", S1, None): "A-01", ("T-SEMINAR", S1, None): "A-02", ("T-STUDY", S1, None): "A-03",
        ("T-OUTREACH", Y, None): "A-04", ("T-MEETINGS", S1, None): "A-05",
        ("I-LECTURE", Y, YOUNG): "A-01", ("I-SEMINAR", Y, SENIOR): "A-02",
    }
    for (rule, period, teacher), code in named.items():
        item = member_rule(result, teacher, rule, period) if teacher else team_rule(result, rule, period)
        assert item["status"] == "not_met", item
        assert code not in item["evidence"] and code in item["note"], item
    for teacher in MEMBERS:
        attendance = member_rule(result, teacher, "I-ATTENDANCE", Y)
        assert attendance["required"] == 0 and attendance["status"] == "met", attendance   # none of them required


@pytest.mark.parametrize("rule, period, kind, year", [
    ("T-PLAN", Y, "年度工作计划", Y), ("T-SUMMARY", Y, "年度总结", Y),
    ("T-TRAINING-PLAN", "cycle", "培养计划", Y), ("T-REPORT", "cycle", "研究报告", Y),
])
def test_a_yes_no_rule_requires_1_and_counts_0_or_1(load, assess, rule, period, kind, year):
    ledger = studio_world()
    studio_world(ledger, studio="WS-02", teachers=False)
    ledger.document("D-01", "WS-02", kind, year, "2023-06-01")
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-12-31"), rule, period, "not_met", required=1, actual=0)
    check(assess("WS-02", Y, cycle=True, as_of="2025-12-31"), rule, period, "met", required=1, actual=1,
          evidence=["D-01"])


def test_the_office_moves_the_start_of_semester_2_and_the_records_follow(load, assess, client):
    from members.models import User
    from studios.models import SchoolYear

    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2023-02-10", 2000)
    ledger.filed("A-01", STUDIO, "报告会", "2023-02-15", approved="2023-02-01")
    load(ledger)
    before = assess(STUDIO, Y, as_of="2023-08-31")
    assert member_rule(before, YOUNG, "I-PAPER", S2)["evidence"] == ["W-01"]
    check(before, "T-PUBLIC-LECTURE", S2, "met", evidence=["A-01"])

    client.force_login(User.objects.create_user(username="acc-calendar", password="Acc-Calendar-2026",
                                                role=User.Role.OFFICER))
    year = SchoolYear.objects.get(start_year=2022)
    response = client.post(f"/studios/calendar/{year.pk}/", {
        "start": "2022-09-01", "semester2_start": "2023-02-20", "end": "2023-08-31"})
    assert response.status_code == 302, response.content.decode()[:2000]
    after = assess(STUDIO, Y, as_of="2023-08-31")
    assert member_rule(after, YOUNG, "I-PAPER", S1)["evidence"] == ["W-01"]
    assert member_rule(after, YOUNG, "I-PAPER", S2)["status"] == "not_met"
    check(after, "T-PUBLIC-LECTURE", S1, "met", evidence=["A-01"])
    check(assess(STUDIO, Y, as_of="2023-02-18"), "T-STUDY", S1, "pending")   # semester 1 now ends on 02-19
    check(assess(STUDIO, Y, as_of="2023-02-19"), "T-STUDY", S1, "not_met")

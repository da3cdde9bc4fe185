"""Individual rules (regulation.md, 个人 rules table and clarifications 1–3, 7, 8), each met, not met and
pending, at the specification's boundaries; rules marked ✱ for the host as well."""

import pytest

from .conftest import check_member as check
from .world import HOST, SENIOR, STUDIO, YOUNG, studio_world

Y = "2022-2023"          # semester 1: 2022-09-01 … 2023-01-31, semester 2: 2023-02-01 … 2023-08-31
S1, S2 = f"{Y}-1", f"{Y}-2"


# -- research (二十一.1) ✱ -------------------------------------------------------------------------------------
def test_research_counts_projects_led_or_joined_that_overlap_the_cycle(load, assess):
    ledger = studio_world()
    for code in ("T-004", "T-005"):
        ledger.teacher(code, f"成员{code[-1]}", "1985-01-01")
        ledger.member(STUDIO, code, "2022-09-01")
    ledger.project("P-01", STUDIO, "旗级", "2021-03-01", HOST, concluded="2022-09-01")      # concluded on day one
    ledger.project("P-02", STUDIO, "市级", "2025-08-31", "T-005", members="T-004,T-002")     # approved on the last day
    ledger.project("P-03", STUDIO, "旗级", "2020-03-01", "T-005", concluded="2022-08-31",
                   members=f"{SENIOR}、T-004")                                               # over before the cycle
    ledger.project("P-04", STUDIO, "国家级", "2025-09-01", "T-005", members=SENIOR)          # approved after it
    load(ledger)
    result = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    check(result, HOST, "I-RESEARCH", "cycle", "met", evidence=["P-01"])
    check(result, YOUNG, "I-RESEARCH", "cycle", "met", evidence=["P-02"])          # a participant, "," list
    check(result, "T-004", "I-RESEARCH", "cycle", "met", evidence=["P-02"])
    check(result, "T-005", "I-RESEARCH", "cycle", "met", evidence=["P-02"])        # the project's leader
    check(result, SENIOR, "I-RESEARCH", "cycle", "not_met", evidence=[])
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), SENIOR, "I-RESEARCH", "cycle", "pending")


# -- papers, reflections, designs, stage summaries, plans (二十一.2–4, 十七) ------------------------------------
def test_a_paper_each_semester_of_at_least_1800_characters(load, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2023-01-31", 1800)     # the semester's last day, the threshold
    ledger.work("W-02", YOUNG, STUDIO, "论文", "2023-02-01", 1799)     # one character short
    ledger.work("W-03", SENIOR, STUDIO, "反思总结", "2022-10-01", 3000)  # not a paper
    ledger.work("W-04", SENIOR, STUDIO, "论文", "2023-02-01", 2000)
    ledger.work("W-05", SENIOR, STUDIO, "论文", "2022-11-01")           # no count recorded
    load(ledger)
    result = assess(STUDIO, Y, as_of="2023-08-30")
    check(result, YOUNG, "I-PAPER", S1, "met", actual=1, required=1, evidence=["W-01"])
    check(result, YOUNG, "I-PAPER", S2, "pending", actual=0)
    check(result, SENIOR, "I-PAPER", S1, "not_met", actual=0, evidence=[])
    check(result, SENIOR, "I-PAPER", S2, "met", evidence=["W-04"])
    check(assess(STUDIO, Y, as_of="2023-08-31"), YOUNG, "I-PAPER", S2, "not_met")


def test_a_work_counts_for_the_studio_it_is_filed_under(load, assess):
    ledger = studio_world()
    studio_world(ledger, studio="WS-02", host=SENIOR, members=(YOUNG,), teachers=False)
    ledger.work("W-01", YOUNG, "WS-02", "论文", "2022-10-01", 2500)
    load(ledger)
    check(assess("WS-02", Y, as_of="2023-01-31"), YOUNG, "I-PAPER", S1, "met", evidence=["W-01"])
    check(assess(STUDIO, Y, as_of="2023-01-31"), YOUNG, "I-PAPER", S1, "not_met", evidence=[])


@pytest.mark.parametrize("chars, status", [(900, "met"), (899, "not_met")])
def test_a_reflection_each_year_of_at_least_900_characters(load, assess, chars, status):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "反思总结", "2023-08-31", chars)
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-31"), YOUNG, "I-REFLECTION", Y, status)
    check(assess(STUDIO, Y, as_of="2023-08-30"), SENIOR, "I-REFLECTION", Y, "pending")


def test_two_teaching_designs_or_cases_each_year(load, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "教学设计", "2022-09-01")
    ledger.work("W-02", YOUNG, STUDIO, "教学案例", "2023-08-31")
    ledger.work("W-03", SENIOR, STUDIO, "教学设计", "2022-09-20")
    ledger.work("W-04", SENIOR, STUDIO, "论文", "2022-09-21", 2000)
    ledger.work("W-05", SENIOR, STUDIO, "教学设计", "2023-09-01")   # next year's
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-30"), SENIOR, "I-DESIGNS", Y, "pending", actual=1, required=2)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, YOUNG, "I-DESIGNS", Y, "met", actual=2, required=2, evidence=["W-01", "W-02"])
    check(result, SENIOR, "I-DESIGNS", Y, "not_met", actual=1, evidence=["W-03"])


def test_a_stage_summary_each_semester(load, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "阶段总结", "2023-01-15", 800)
    ledger.work("W-02", SENIOR, STUDIO, "发展规划", "2023-01-15", 800)
    load(ledger)
    result = assess(STUDIO, Y, as_of="2023-01-31")
    check(result, YOUNG, "I-STAGE-SUMMARY", S1, "met", evidence=["W-01"])
    check(result, SENIOR, "I-STAGE-SUMMARY", S1, "not_met")
    check(result, YOUNG, "I-STAGE-SUMMARY", S2, "pending")


def test_a_development_plan_for_the_cycle(load, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "发展规划", "2022-09-01", 1500)   # the cycle's first day
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), SENIOR, "I-DEV-PLAN", "cycle", "pending")
    result = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    check(result, YOUNG, "I-DEV-PLAN", "cycle", "met", evidence=["W-01"])
    check(result, SENIOR, "I-DEV-PLAN", "cycle", "not_met")


# -- activities the member organised or gave (二十一.5, 十七.3) ---------------------------------------------------
def test_seminar_organised_by_the_member_of_any_scope(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "专题研讨", "2023-08-31", organiser=YOUNG)                 # the studio's own
    ledger.activity("A-02", STUDIO, "专题研讨", "2022-10-01", organiser=SENIOR, scope="全旗")  # unfiled
    ledger.activity("A-03", STUDIO, "专题研讨", "2022-11-01", organiser=SENIOR, status="计划")
    ledger.activity("A-04", STUDIO, "工作研讨", "2022-12-01", organiser=SENIOR)
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-30"), SENIOR, "I-SEMINAR", Y, "pending", actual=0)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, YOUNG, "I-SEMINAR", Y, "met", evidence=["A-01"])
    item = check(result, SENIOR, "I-SEMINAR", Y, "not_met", evidence=[])
    assert "A-02" in item["note"]


def test_a_filed_banner_wide_seminar_counts_for_its_organiser(load, assess):
    ledger = studio_world()
    ledger.filed("A-01", STUDIO, "专题研讨", "2022-10-01", approved="2022-09-20", organiser=SENIOR)
    load(ledger)
    check(assess(STUDIO, Y, as_of="2022-10-02"), SENIOR, "I-SEMINAR", Y, "met", evidence=["A-01"])


def test_a_lecture_or_open_class_given_each_year(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "公开课", "2022-11-01", organiser=YOUNG, scope="学校")
    ledger.activity("A-02", STUDIO, "报告会", "2022-11-02", organiser=SENIOR)              # not a lecture
    ledger.activity("A-03", STUDIO, "专题讲座", "2022-11-03", organiser=SENIOR, status="已取消")
    ledger.activity("A-04", STUDIO, "专题讲座", "2022-11-04", organiser=SENIOR, scope="全旗")  # unfiled
    ledger.activity("A-05", STUDIO, "专题讲座", "2022-11-05", organiser=HOST)              # someone else gave it
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-30"), SENIOR, "I-LECTURE", Y, "pending", actual=0)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, YOUNG, "I-LECTURE", Y, "met", actual=1, evidence=["A-01"])
    item = check(result, SENIOR, "I-LECTURE", Y, "not_met", actual=0, evidence=[])
    assert "A-04" in item["note"]


# -- attendance (二十一.6, clarifications 1–3) ------------------------------------------------------------------
def test_attendance_every_required_activity_attended_is_pending_then_met(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    ledger.activity("A-02", STUDIO, "工作研讨", "2022-10-05")
    ledger.activity("A-03", STUDIO, "读书交流", "2022-11-05", required=False)   # not required: absence is fine
    ledger.activity("A-04", STUDIO, "汇报会", "2022-12-05", status="已取消")
    for code in ("A-01", "A-02"):
        ledger.attendance(code, YOUNG, "出席")
    ledger.attendance("A-03", YOUNG, "缺席")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-03-01"), YOUNG, "I-ATTENDANCE", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-08-31"), YOUNG, "I-ATTENDANCE", Y, "met", actual=2, required=2)


def test_attendance_an_unexcused_absence_is_not_met_at_once(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    ledger.activity("A-02", STUDIO, "工作研讨", "2022-10-05")
    ledger.attendance("A-01", SENIOR, "出席")
    ledger.attendance("A-02", SENIOR, "缺席")
    load(ledger)
    item = check(assess(STUDIO, Y, as_of="2022-10-06"), SENIOR, "I-ATTENDANCE", Y, "not_met")
    assert "A-02" in item["note"]


def test_attendance_with_no_record_for_a_required_activity_counts_it_as_missed(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    ledger.attendance("A-01", YOUNG, "出席")
    load(ledger)
    result = assess(STUDIO, Y, as_of="2022-09-06")
    check(result, YOUNG, "I-ATTENDANCE", Y, "pending")
    item = check(result, SENIOR, "I-ATTENDANCE", Y, "not_met", actual=0, required=1)
    assert "A-01" in item["note"]


def test_attendance_excused_absences_are_left_aside(load, assess):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    ledger.activity("A-02", STUDIO, "工作研讨", "2022-10-05")
    ledger.attendance("A-01", YOUNG, "出席")
    ledger.attendance("A-02", YOUNG, "请假")
    ledger.attendance("A-01", SENIOR, "请假")   # every required activity excused: nothing was required
    ledger.attendance("A-02", SENIOR, "请假")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-03-01"), SENIOR, "I-ATTENDANCE", Y, "pending")
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, YOUNG, "I-ATTENDANCE", Y, "met", actual=1, required=1)
    check(result, SENIOR, "I-ATTENDANCE", Y, "met")


def test_attendance_with_nothing_required_is_met_once_the_year_ends(load, assess):
    load(studio_world())
    check(assess(STUDIO, Y, as_of="2023-08-30"), YOUNG, "I-ATTENDANCE", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-08-31"), YOUNG, "I-ATTENDANCE", Y, "met")


def test_attendance_counts_only_activities_held_while_the_member_was_active(load, assess):
    ledger = studio_world()
    ledger.teacher("T-004", "后到", "1985-01-01")
    ledger.member(STUDIO, "T-004", "2022-11-01")
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-10-31")   # the day before T-004 joined
    ledger.activity("A-02", STUDIO, "工作研讨", "2022-11-01")     # the day T-004 joined
    ledger.attendance("A-02", "T-004", "出席")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-08-31"), "T-004", "I-ATTENDANCE", Y, "met", actual=1, required=1)


# -- tasks (二十一.6, clarifications 1 and 2) ----------------------------------------------------------------
def test_tasks_completed_by_their_due_date_are_pending_then_met(load, assess):
    ledger = studio_world()
    ledger.task("K-01", STUDIO, YOUNG, "2022-10-31", done="2022-10-31")      # on the due day
    ledger.task("K-02", STUDIO, YOUNG, "2023-08-31", done="2023-08-01")      # due the year's last day
    ledger.task("K-03", STUDIO, YOUNG, "2023-09-01")                          # due next year: not counted
    load(ledger)
    check(assess(STUDIO, Y, as_of="2023-06-01"), YOUNG, "I-TASKS", Y, "pending")
    check(assess(STUDIO, Y, as_of="2023-08-31"), YOUNG, "I-TASKS", Y, "met", actual=2, required=2)


def test_a_task_completed_late_is_not_met_at_once(load, assess):
    ledger = studio_world()
    ledger.task("K-01", STUDIO, YOUNG, "2022-10-31", done="2022-11-01")
    load(ledger)
    item = check(assess(STUDIO, Y, as_of="2022-11-02"), YOUNG, "I-TASKS", Y, "not_met")
    assert "K-01" in item["note"]


def test_an_overdue_task_is_not_met_before_the_year_ends_and_one_not_yet_due_is_pending(load, assess):
    ledger = studio_world()
    ledger.task("K-01", STUDIO, YOUNG, "2022-10-31")
    ledger.task("K-02", STUDIO, SENIOR, "2023-05-31")
    load(ledger)
    result = assess(STUDIO, Y, as_of="2022-11-15")
    item = check(result, YOUNG, "I-TASKS", Y, "not_met")
    assert "K-01" in item["note"]
    check(result, SENIOR, "I-TASKS", Y, "pending")


def test_a_task_is_overdue_only_after_its_due_day(load, assess):
    ledger = studio_world()
    ledger.task("K-01", STUDIO, YOUNG, "2022-10-31")
    load(ledger)
    check(assess(STUDIO, Y, as_of="2022-10-31"), YOUNG, "I-TASKS", Y, "pending")
    check(assess(STUDIO, Y, as_of="2022-11-01"), YOUNG, "I-TASKS", Y, "not_met")


def test_a_task_given_to_several_people_is_each_ones_own(load, assess):
    ledger = studio_world()
    ledger.task("K-01", STUDIO, YOUNG, "2022-10-31", done="2022-10-20")
    ledger.task("K-01", STUDIO, SENIOR, "2022-10-31")                         # same 任务编号, another assignee
    load(ledger)
    result = assess(STUDIO, Y, as_of="2023-08-31")
    check(result, YOUNG, "I-TASKS", Y, "met")
    check(result, SENIOR, "I-TASKS", Y, "not_met")


# -- mentoring (十一) ✱ ---------------------------------------------------------------------------------------
def test_a_mentoring_pair_started_inside_the_cycle(load, assess):
    ledger = studio_world()
    ledger.mentoring("M-01", HOST, "2022-09-01")                 # the cycle's first day
    ledger.mentoring("M-02", YOUNG, "2025-08-31", ended="2025-12-31")
    ledger.mentoring("M-03", SENIOR, "2022-08-31")               # the day before the cycle
    load(ledger)
    check(assess(STUDIO, Y, cycle=True, as_of="2025-08-30"), SENIOR, "I-MENTOR", "cycle", "pending")
    result = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    check(result, HOST, "I-MENTOR", "cycle", "met", evidence=["M-01"])
    check(result, YOUNG, "I-MENTOR", "cycle", "met", evidence=["M-02"])
    check(result, SENIOR, "I-MENTOR", "cycle", "not_met", evidence=[])

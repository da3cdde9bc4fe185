"""The clarifications of December 2026 (regulation.md, "Clarifications"), rule by rule, without a database."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from assessments.engine import assess
from assessments.evidence import Settings, Title, Work
from assessments.periods import year_period
from assessments.rules import (
    REGISTRY,
    evaluate,
    i_attendance,
    i_designs,
    i_lecture,
    i_paper,
    i_seminar,
    i_tasks,
    t_cultivate,
    t_evaluation,
    t_funds,
    t_meetings,
    t_outreach,
    t_plan,
    t_public_lecture,
    t_report,
    t_seminar,
    t_study,
    t_summary,
    t_training_plan,
    t_young_backbone,
)

from .builders import (
    CYCLE,
    CYCLE_LAST_DAY,
    DEFAULTS,
    SEM1,
    SEM2,
    YEAR1,
    YEARS,
    activity,
    banner_activity,
    document,
    evaluation,
    fund,
    host,
    person,
    present,
    studio,
    task,
    work,
)

MEMBER = person("T-001")
MID_YEAR = date(2025, 3, 10)
YEAR2 = year_period(YEARS[1])


# --- 1. not_met before the period ends when nothing can repair it ---------------------------------------------


def test_a_task_overdue_fails_the_year_at_once_and_says_which():
    ev = studio(tasks=[task("K-1", "T-001", date(2024, 11, 1))])
    result = i_tasks(ev, MEMBER, YEAR1, MID_YEAR, DEFAULTS)
    assert result.status == "not_met"
    assert result.note == "K-1 逾期未完成"


def test_a_task_completed_late_fails_the_year_at_once_and_says_which():
    ev = studio(tasks=[task("K-1", "T-001", date(2024, 11, 1), date(2024, 11, 3))])
    result = i_tasks(ev, MEMBER, YEAR1, MID_YEAR, DEFAULTS)
    assert (result.status, result.note) == ("not_met", "K-1 逾期完成")


def test_an_unexcused_absence_fails_attendance_at_once_when_every_activity_counts():
    ev = studio(activities=[activity("A-1", "work_seminar", date(2024, 10, 8))],
                attendances=[present("A-1", "T-001", "absent")])
    result = i_attendance(ev, MEMBER, YEAR1, MID_YEAR, DEFAULTS)
    assert (result.status, result.note) == ("not_met", "A-1 缺席")


def test_an_absence_below_a_lower_threshold_can_still_be_made_up():
    ev = studio(activities=[activity("A-1", "work_seminar", date(2024, 10, 8))],
                attendances=[present("A-1", "T-001", "absent")])
    result = i_attendance(ev, MEMBER, YEAR1, MID_YEAR, Settings(attendance_min_ratio=0.8))
    assert result.status == "pending"


def test_an_expense_outside_the_allowed_uses_fails_the_funds_at_once():
    ev = studio(funds=[fund("F-1", "allocation", 5000), fund("F-2", "expense", 300, category="other",
                                                               on=date(2024, 12, 1))])
    result = t_funds(ev, YEAR1, MID_YEAR, DEFAULTS)
    assert result.status == "not_met"
    assert result.note == "F-2 类别“其他”不属于允许用途"


# --- 2. the "every …" rules, and periods that have not begun ----------------------------------------------------


def test_tasks_all_done_on_time_are_pending_while_the_year_runs_and_met_once_it_ends():
    ev = studio(tasks=[task("K-1", "T-001", date(2024, 11, 1), date(2024, 10, 30))])
    running = i_tasks(ev, MEMBER, YEAR1, MID_YEAR, DEFAULTS)
    assert (running.status, running.evidence) == ("pending", ("K-1",))
    assert i_tasks(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_tasks_with_none_given_are_pending_mid_year_and_met_after_it():
    assert i_tasks(studio(), MEMBER, YEAR1, MID_YEAR, DEFAULTS).status == "pending"
    assert i_tasks(studio(), MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_full_attendance_is_pending_mid_year_and_met_after_it():
    ev = studio(activities=[activity("A-1", "work_seminar", date(2024, 10, 8))],
                attendances=[present("A-1", "T-001")])
    assert i_attendance(ev, MEMBER, YEAR1, MID_YEAR, DEFAULTS).status == "pending"
    assert i_attendance(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_funds_in_order_are_pending_mid_year_and_met_after_it():
    ev = studio(funds=[fund("F-1", "allocation", 5000), fund("F-2", "expense", 300, category="research")])
    assert t_funds(ev, YEAR1, MID_YEAR, DEFAULTS).status == "pending"
    assert t_funds(ev, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_every_member_scored_is_pending_mid_year_and_met_after_it():
    ev = studio(people=[host(), MEMBER], evaluations=[evaluation("T-001")])
    running = t_evaluation(ev, YEAR1, MID_YEAR, DEFAULTS)
    assert (running.status, running.actual, running.required) == ("pending", 1, 1)
    assert t_evaluation(ev, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def _fully_satisfied_for_semester_two() -> object:
    """Evidence that would meet the semester rules of 2024-2025-2 if the semester had begun."""
    day = SEM2.start
    return studio(
        people=[host(), MEMBER],
        works=[work("W-1", "T-001", "paper", day, 3000), work("W-2", "T-001", "stage_summary", day)],
        activities=[activity("A-1", "deployment_meeting", day), activity("A-2", "summary_meeting", day),
                    activity("A-3", "work_seminar", day), activity("A-4", "report_meeting", day),
                    banner_activity("A-5", "lecture", day, organiser="T-001"),
                    banner_activity("A-6", "seminar", day), banner_activity("A-7", "seminar", day)],
    )


@pytest.mark.parametrize("rule", [r for r in REGISTRY if r.period_kind == "semester"], ids=lambda r: r.id)
def test_a_semester_that_has_not_begun_is_pending_for_every_rule(rule):
    """Even with the as-of date after the records (a record may be dated ahead), semester 2 has not begun on the
    day before it starts: every rule that applies is pending."""
    ev = _fully_satisfied_for_semester_two()
    before = SEM2.start - timedelta(days=1)
    assert evaluate(rule, ev, SEM2, before, DEFAULTS, MEMBER).status == "pending"
    # From its first day on, what is on record counts as usual.
    assert evaluate(rule, ev, SEM2, SEM2.start, DEFAULTS, MEMBER).status == "met"


def test_a_year_plan_approved_before_its_year_is_pending_until_the_year_begins():
    ev = studio(documents=[document("D-1", "work_plan", "2025-2026", date(2025, 8, 1), "approved",
                                    date(2025, 8, 20))])
    assert t_plan(ev, YEAR2, date(2025, 8, 31), DEFAULTS).status == "pending"
    assert t_plan(ev, YEAR2, YEAR2.start, DEFAULTS).status == "met"


def test_in_an_assessment_mid_semester_one_every_instance_of_semester_two_is_pending():
    ev = studio(people=[host(), MEMBER], tasks=[task("K-1", "T-001", date(2025, 5, 1))])
    result = assess(ev, "annual", date(2024, 12, 1), DEFAULTS, year="2024-2025")
    team = [i for i in result["team"]["rules"] if i["period"] == "2024-2025-2"]
    member = next(m for m in result["members"] if m["teacher"] == "T-001")
    mine = [i for i in member["rules"] if i["period"] == "2024-2025-2"]
    assert team and mine
    assert {i["status"] for i in team + mine} == {"pending"}


def test_the_host_stays_exempt_from_rules_without_a_star_in_a_period_that_has_not_begun():
    result = evaluate(next(r for r in REGISTRY if r.id == "I-PAPER"), studio(people=[host()]), SEM2,
                      SEM1.start, DEFAULTS, host())
    assert result.status == "not_applicable"


# --- 3. every required activity excused ------------------------------------------------------------------------


def test_attendance_with_every_activity_excused_is_met_once_the_year_ends():
    ev = studio(activities=[activity("A-1", "work_seminar", date(2024, 10, 8)),
                            activity("A-2", "report_meeting", date(2025, 4, 8))],
                attendances=[present("A-1", "T-001", "excused"), present("A-2", "T-001", "excused")])
    running = i_attendance(ev, MEMBER, YEAR1, MID_YEAR, DEFAULTS)
    assert running.status == "pending"
    ended = i_attendance(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (ended.status, ended.required, ended.actual) == ("met", 0, 0)
    assert ended.note == "请假不计：A-1、A-2"


# --- 4. the summary's and the report's thirty days ------------------------------------------------------------


def test_the_summary_may_come_thirty_days_after_its_year_and_is_pending_until_then():
    deadline = YEAR1.end + timedelta(days=30)
    assert t_summary(studio(), YEAR1, deadline - timedelta(days=1), DEFAULTS).status == "pending"
    assert t_summary(studio(), YEAR1, deadline, DEFAULTS).status == "not_met"
    on_time = studio(documents=[document("D-1", "annual_summary", "2024-2025", deadline, "approved", deadline)])
    assert t_summary(on_time, YEAR1, deadline, DEFAULTS).status == "met"
    late = studio(documents=[document("D-1", "annual_summary", "2024-2025", deadline + timedelta(days=1),
                                      "approved")])
    result = t_summary(late, YEAR1, deadline + timedelta(days=5), DEFAULTS)
    assert result.status == "not_met"
    assert result.note == "D-1 逾期提交（2025-10-01，截止 2025-09-30）"


def test_the_research_report_has_the_same_thirty_days_after_the_cycle():
    deadline = CYCLE_LAST_DAY + timedelta(days=30)
    inside = t_report(studio(), CYCLE, CYCLE_LAST_DAY + timedelta(days=10), DEFAULTS)
    assert inside.status == "pending"
    assert inside.missing == f"还差 研究报告（{deadline.isoformat()} 前提交）"
    assert t_report(studio(), CYCLE, deadline, DEFAULTS).status == "not_met"
    handed_in = studio(documents=[document("D-9", "research_report", "2026-2027", deadline, "submitted")])
    assert t_report(handed_in, CYCLE, deadline, DEFAULTS).status == "met"
    late = studio(documents=[document("D-9", "research_report", "2026-2027", deadline + timedelta(days=1),
                                      "submitted")])
    result = t_report(late, CYCLE, deadline + timedelta(days=1), DEFAULTS)
    assert result.status == "not_met"
    assert result.note == "D-9 逾期提交（2027-10-01，截止 2027-09-30）"


def test_the_grace_days_are_the_office_setting():
    report = studio(documents=[document("D-9", "research_report", "2026-2027", CYCLE_LAST_DAY + timedelta(days=40),
                                        "submitted")])
    day = CYCLE_LAST_DAY + timedelta(days=45)
    assert t_report(report, CYCLE, day, DEFAULTS).status == "not_met"
    assert t_report(report, CYCLE, day, Settings(summary_grace_days=60)).status == "met"


# --- 5. the members the host scores ---------------------------------------------------------------------------


def test_only_members_active_half_the_year_are_to_be_scored():
    brief = person("T-002", joined=date(2025, 5, 1))
    ev = studio(people=[host(), MEMBER, brief], evaluations=[evaluation("T-001")])
    result = t_evaluation(ev, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.required, result.evidence) == ("met", 1, ("T-001",))


def test_with_no_member_to_score_the_evaluation_does_not_apply():
    ev = studio(people=[host(), person("T-002", joined=date(2025, 5, 1))])
    assert t_evaluation(ev, YEAR1, YEAR1.end, DEFAULTS).status == "not_applicable"
    assert t_evaluation(ev, YEAR1, MID_YEAR, DEFAULTS).status == "not_applicable"


# --- 6. documents matched by the year or cycle they are for ---------------------------------------------------


def test_a_plan_counts_for_the_year_it_is_for_not_the_year_it_was_written_in():
    ev = studio(documents=[document("D-1", "work_plan", "2025-2026", date(2025, 7, 1), "approved",
                                    date(2025, 7, 15))])
    assert t_plan(ev, YEAR2, YEAR2.end, DEFAULTS).status == "met"
    assert t_plan(ev, YEAR1, YEAR1.end, DEFAULTS).status == "not_met"


def test_a_summary_handed_in_the_next_school_year_counts_for_the_year_it_summarises():
    ev = studio(documents=[document("D-2", "annual_summary", "2024-2025", date(2025, 9, 20), "approved",
                                    date(2025, 9, 25))])
    assert t_summary(ev, YEAR1, date(2025, 10, 31), DEFAULTS).status == "met"
    assert t_summary(ev, YEAR2, YEAR2.end + timedelta(days=31), DEFAULTS).status == "not_met"


def test_a_training_plan_written_before_the_cycle_counts_when_it_is_for_the_cycle():
    ev = studio(documents=[document("D-3", "training_plan", "2024-2025", date(2024, 6, 1), "approved",
                                    date(2024, 6, 20))])
    assert t_training_plan(ev, CYCLE, CYCLE_LAST_DAY, DEFAULTS).status == "met"


# --- 7. a 全旗 activity without an approved filing counts for no rule -------------------------------------------

DAY = date(2024, 10, 15)
UNFILED_NOTE = "A-9 全旗活动未经备案批准"


def _unfiled(kind, organiser=None):
    return replace(banner_activity("A-9", kind, DAY, organiser=organiser), filing_status="submitted")


@pytest.mark.parametrize(("rule", "kinds", "period"), [
    (t_public_lecture, ("lecture", "report"), SEM1),
    (t_seminar, ("seminar",), SEM1),
    (t_meetings, ("deployment_meeting", "summary_meeting"), SEM1),
    (t_study, ("work_seminar", "report_meeting", "study_trip"), SEM1),
    (t_outreach, ("outreach", "teaching_support"), YEAR1),
], ids=lambda value: getattr(value, "__name__", None))
def test_an_unfiled_banner_activity_counts_for_no_team_rule_and_is_named(rule, kinds, period):
    for kind in kinds:
        result = rule(studio(activities=[_unfiled(kind)]), period, YEAR1.end, DEFAULTS)
        assert result.actual == 0 and "A-9" not in result.evidence, kind
        assert UNFILED_NOTE in result.note.split("；"), kind


@pytest.mark.parametrize(("rule", "kind"), [(i_seminar, "seminar"), (i_lecture, "lecture"),
                                            (i_lecture, "open_class")])
def test_an_unfiled_banner_activity_counts_for_no_personal_rule_and_is_named(rule, kind):
    result = rule(studio(activities=[_unfiled(kind, organiser="T-001")]), MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.actual) == ("not_met", 0)
    assert result.note == UNFILED_NOTE


def test_an_unfiled_banner_activity_is_not_required_attendance_and_is_named():
    ev = studio(activities=[_unfiled("work_seminar")], attendances=[present("A-9", "T-001", "absent")])
    result = i_attendance(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.required) == ("met", 0)
    assert result.note == UNFILED_NOTE


def test_a_filing_approved_after_the_activity_is_named_with_both_dates():
    late = banner_activity("A-9", "work_seminar", DAY, approved_on=DAY + timedelta(days=1))
    result = t_study(studio(activities=[late]), SEM1, YEAR1.end, DEFAULTS)
    assert result.note == "A-9 全旗活动备案批准晚于活动日期（批准 2024-10-16，活动 2024-10-15）"


def test_a_filed_banner_activity_still_counts_for_the_ordinary_rules():
    filed = banner_activity("A-8", "outreach", DAY)
    result = t_outreach(studio(activities=[filed]), YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.evidence) == ("met", ("A-8",))


# --- 10. only trustworthy evidence counts -------------------------------------------------------------------------


def _with_title(verified: bool, born=date(1995, 1, 1)):
    return person("T-001", born=born, titles=[Title("backbone", "banner", date(2025, 6, 1), verified)])


def test_a_title_waiting_for_the_office_does_not_make_a_young_backbone_and_is_named():
    waiting = t_young_backbone(studio(people=[host(), _with_title(False)]), CYCLE, CYCLE_LAST_DAY, DEFAULTS)
    assert (waiting.status, waiting.actual) == ("not_met", 0)
    assert waiting.note == "T-001 称号待核实（2025-06-01 旗级骨干教师）"
    verified = t_young_backbone(studio(people=[host(), _with_title(True)]), CYCLE, CYCLE_LAST_DAY, DEFAULTS)
    assert (verified.status, verified.evidence) == ("met", ("T-001",))


def test_a_title_waiting_for_the_office_is_not_a_cultivated_backbone_and_is_named():
    ev = studio(people=[host(), _with_title(False, born=date(1980, 1, 1))])
    result = t_cultivate(ev, CYCLE, CYCLE_LAST_DAY, Settings(cultivate_min=1))
    assert (result.status, result.actual) == ("not_met", 0)
    assert result.note == "T-001 称号待核实（2025-06-01 旗级骨干教师）"
    ev = studio(people=[host(), _with_title(True, born=date(1980, 1, 1))])
    assert t_cultivate(ev, CYCLE, CYCLE_LAST_DAY, Settings(cultivate_min=1)).status == "met"


def test_a_typed_count_waiting_for_the_office_does_not_make_a_paper():
    typed = Work("W-1", "T-001", "paper", date(2024, 10, 1), 99_999, count_status="unverified")
    result = i_paper(studio(works=[typed]), MEMBER, SEM1, SEM1.end, DEFAULTS)
    assert (result.status, result.actual) == ("not_met", 0)
    assert result.note == "W-1 手填字数待核实（99999）"


def test_a_typed_count_the_office_declined_does_not_make_a_paper():
    typed = Work("W-1", "T-001", "paper", date(2024, 10, 1), 2400, count_status="declined")
    result = i_paper(studio(works=[typed]), MEMBER, SEM1, SEM1.end, DEFAULTS)
    assert result.note == "W-1 手填字数核实未通过（2400）"
    confirmed = replace(typed, count_status="confirmed")
    assert i_paper(studio(works=[confirmed]), MEMBER, SEM1, SEM1.end, DEFAULTS).status == "met"


def test_a_work_declined_as_a_near_copy_counts_for_nothing():
    designs = [work("W-1", "T-001", "design", date(2024, 10, 1)),
               work("W-2", "T-001", "design", date(2024, 11, 1), status="declined")]
    result = i_designs(studio(works=designs), MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.evidence) == ("not_met", ("W-1",))
    assert result.note == "W-2 未计入（查重未通过）"

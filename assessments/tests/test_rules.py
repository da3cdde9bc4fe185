"""Each rule at its boundaries, straight from regulation.md."""

from dataclasses import replace
from datetime import date

import pytest

from assessments.evidence import Settings
from assessments.rules import (
    REGISTRY,
    RULES_BY_ID,
    evaluate,
    filing_problem,
    i_attendance,
    i_designs,
    i_dev_plan,
    i_lecture,
    i_mentor,
    i_paper,
    i_reflection,
    i_research,
    i_seminar,
    i_stage_summary,
    i_tasks,
    t_cultivate,
    t_evaluation,
    t_funds,
    t_meetings,
    t_outreach,
    t_plan,
    t_public_lecture,
    t_report,
    t_research,
    t_seminar,
    t_study,
    t_summary,
    t_training_plan,
    t_young_backbone,
)

from .builders import (
    AFTER_CYCLE,
    AFTER_YEAR1,
    CYCLE,
    CYCLE_FIRST_DAY,
    CYCLE_LAST_DAY,
    DEFAULTS,
    SEM1,
    SEM2,
    YEAR1,
    activity,
    banner_activity,
    day_after,
    day_before,
    document,
    evaluation,
    fund,
    host,
    pair,
    person,
    present,
    project,
    studio,
    task,
    work,
)

MEMBER = person("T-001")
END_SEM1 = SEM1.end


# --- registry ---------------------------------------------------------------


def test_registry_lists_every_rule_of_the_spec_once_in_order():
    assert [r.id for r in REGISTRY] == [
        "T-RESEARCH",
        "T-YOUNG-BACKBONE",
        "T-CULTIVATE",
        "T-PUBLIC-LECTURE",
        "T-SEMINAR",
        "T-MEETINGS",
        "T-STUDY",
        "T-OUTREACH",
        "T-PLAN",
        "T-SUMMARY",
        "T-TRAINING-PLAN",
        "T-REPORT",
        "T-EVALUATION",
        "T-FUNDS",
        "I-RESEARCH",
        "I-PAPER",
        "I-REFLECTION",
        "I-DESIGNS",
        "I-SEMINAR",
        "I-ATTENDANCE",
        "I-TASKS",
        "I-LECTURE",
        "I-STAGE-SUMMARY",
        "I-DEV-PLAN",
        "I-MENTOR",
    ]


def test_only_starred_individual_rules_apply_to_the_host():
    starred = {r.id for r in REGISTRY if r.scope == "individual" and r.applies_to_host}
    assert starred == {"I-RESEARCH", "I-MENTOR"}


@pytest.mark.parametrize(
    "rule_id, period_kind",
    [
        ("T-PUBLIC-LECTURE", "semester"),
        ("T-OUTREACH", "year"),
        ("T-RESEARCH", "cycle"),
        ("I-PAPER", "semester"),
        ("I-REFLECTION", "year"),
        ("I-DEV-PLAN", "cycle"),
        ("I-STAGE-SUMMARY", "semester"),
    ],
)
def test_rules_run_over_the_period_the_spec_names(rule_id, period_kind):
    assert RULES_BY_ID[rule_id].period_kind == period_kind


def test_every_rule_docstring_cites_its_clause():
    for rule in REGISTRY:
        assert rule.clause.split("）")[0] in rule.function.__doc__, rule.id


# --- filing (十五) ----------------------------------------------------------


def test_filing_approved_on_the_activity_day_is_in_time():
    assert (
        filing_problem(
            banner_activity(
                "A-1", "lecture", date(2024, 10, 10), approved_on=date(2024, 10, 10)
            )
        )
        is None
    )


def test_filing_approved_the_day_after_the_activity_is_too_late():
    late = banner_activity(
        "A-1", "lecture", date(2024, 10, 10), approved_on=date(2024, 10, 11)
    )
    assert "晚于活动日期" in filing_problem(late)


def test_filing_without_document_number_is_not_approved():
    assert "文号" in filing_problem(
        banner_activity("A-1", "lecture", date(2024, 10, 10), doc_number="")
    )


def test_filing_still_under_review_is_not_approved():
    pending = banner_activity(
        "A-1", "lecture", date(2024, 10, 10), filing_status="submitted"
    )
    assert filing_problem(pending) == "全旗活动未经备案批准"


# --- T-PUBLIC-LECTURE / T-SEMINAR -------------------------------------------


def test_public_lecture_met_by_one_filed_banner_lecture():
    ev = studio(activities=[banner_activity("A-1", "lecture", date(2024, 11, 5))])
    result = t_public_lecture(ev, SEM1, END_SEM1, DEFAULTS)
    assert (result.status, result.actual, result.evidence) == ("met", 1, ("A-1",))


def test_public_lecture_counts_a_report_meeting_of_type_报告会():
    ev = studio(activities=[banner_activity("A-1", "report", date(2024, 11, 5))])
    assert t_public_lecture(ev, SEM1, END_SEM1, DEFAULTS).status == "met"


def test_banner_lecture_without_filing_does_not_count_and_the_note_says_so():
    ev = studio(
        activities=[
            banner_activity("A-21", "lecture", date(2024, 11, 5), filing_status="none")
        ]
    )
    result = t_public_lecture(ev, SEM1, END_SEM1, DEFAULTS)
    assert result.status == "not_met"
    assert "A-21 全旗活动未经备案批准" in result.note
    assert result.missing == "还差 1 次经备案的全旗专题讲座或报告会"


def test_banner_lecture_filed_a_day_late_does_not_count():
    late = banner_activity(
        "A-2", "lecture", date(2024, 11, 5), approved_on=date(2024, 11, 6)
    )
    result = t_public_lecture(studio(activities=[late]), SEM1, END_SEM1, DEFAULTS)
    assert result.status == "not_met" and "A-2" in result.note


def test_studio_scope_lecture_is_not_a_public_lecture():
    ev = studio(activities=[activity("A-3", "lecture", date(2024, 11, 5))])
    result = t_public_lecture(ev, SEM1, END_SEM1, DEFAULTS)
    assert result.status == "not_met" and "A-3 非全旗活动" in result.note


def test_cancelled_banner_lecture_does_not_count():
    ev = studio(
        activities=[
            banner_activity("A-4", "lecture", date(2024, 11, 5), status="cancelled")
        ]
    )
    result = t_public_lecture(ev, SEM1, END_SEM1, DEFAULTS)
    assert result.status == "not_met" and "A-4 已取消" in result.note


def test_public_lecture_of_semester_1_does_not_count_in_semester_2():
    ev = studio(activities=[banner_activity("A-1", "lecture", date(2025, 1, 31))])
    assert t_public_lecture(ev, SEM1, SEM2.end, DEFAULTS).status == "met"
    assert t_public_lecture(ev, SEM2, SEM2.end, DEFAULTS).status == "not_met"


def test_seminar_needs_two_filed_banner_seminars():
    one = [banner_activity("A-1", "seminar", date(2024, 10, 1))]
    two = one + [banner_activity("A-2", "seminar", date(2024, 12, 1))]
    assert (
        t_seminar(studio(activities=one), SEM1, END_SEM1, DEFAULTS).status == "not_met"
    )
    assert t_seminar(studio(activities=two), SEM1, END_SEM1, DEFAULTS).status == "met"


def test_seminar_pending_before_the_semester_ends():
    one = [banner_activity("A-1", "seminar", date(2024, 10, 1))]
    result = t_seminar(studio(activities=one), SEM1, day_before(END_SEM1), DEFAULTS)
    assert (result.status, result.required, result.actual) == ("pending", 2, 1)


def test_activity_dated_after_as_of_is_not_yet_counted():
    ev = studio(activities=[banner_activity("A-1", "lecture", date(2024, 12, 1))])
    assert t_public_lecture(ev, SEM1, date(2024, 11, 30), DEFAULTS).status == "pending"


# --- T-MEETINGS / T-STUDY / T-OUTREACH --------------------------------------


def test_meetings_need_both_a_deployment_and_a_summary_meeting():
    two_deployments = [
        activity("A-1", "deployment_meeting", date(2024, 9, 5)),
        activity("A-2", "deployment_meeting", date(2024, 9, 6)),
    ]
    result = t_meetings(studio(activities=two_deployments), SEM1, END_SEM1, DEFAULTS)
    assert (result.status, result.actual, result.missing) == (
        "not_met",
        1,
        "还差 阶段性总结会",
    )
    both = two_deployments[:1] + [activity("A-3", "summary_meeting", date(2025, 1, 10))]
    assert t_meetings(studio(activities=both), SEM1, END_SEM1, DEFAULTS).status == "met"


def test_study_counts_seminars_report_meetings_and_trips_together():
    acts = [
        activity("A-1", "work_seminar", date(2024, 10, 1)),
        activity("A-2", "study_trip", date(2024, 11, 1)),
    ]
    assert t_study(studio(activities=acts), SEM1, END_SEM1, DEFAULTS).status == "met"
    assert (
        t_study(studio(activities=acts[:1]), SEM1, END_SEM1, DEFAULTS).status
        == "not_met"
    )


def test_planned_study_trip_does_not_count():
    acts = [
        activity("A-1", "work_seminar", date(2024, 10, 1)),
        activity("A-2", "study_trip", date(2024, 11, 1), status="planned"),
    ]
    result = t_study(studio(activities=acts), SEM1, END_SEM1, DEFAULTS)
    assert result.status == "not_met" and "A-2 未举行" in result.note


def test_outreach_met_by_one_teaching_support_trip_in_the_year():
    acts = [activity("A-1", "teaching_support", date(2025, 5, 1))]
    assert (
        t_outreach(studio(activities=acts), YEAR1, YEAR1.end, DEFAULTS).status == "met"
    )
    assert t_outreach(studio(), YEAR1, YEAR1.end, DEFAULTS).status == "not_met"


# --- T-PLAN / T-SUMMARY / T-TRAINING-PLAN / T-REPORT ------------------------


def test_plan_met_when_the_years_work_plan_is_approved():
    ev = studio(
        documents=[document("D-1", "work_plan", "2024-2025", date(2024, 8, 25))]
    )
    assert t_plan(ev, YEAR1, date(2024, 9, 1), DEFAULTS).status == "met"


def test_plan_awaiting_review_is_pending_then_not_met():
    ev = studio(
        documents=[
            document(
                "D-1", "work_plan", "2024-2025", date(2024, 9, 10), status="submitted"
            )
        ]
    )
    assert t_plan(ev, YEAR1, date(2024, 12, 1), DEFAULTS).status == "pending"
    result = t_plan(ev, YEAR1, YEAR1.end, DEFAULTS)
    assert result.status == "not_met" and "D-1 待审核" in result.note


def test_plan_of_another_year_does_not_count():
    ev = studio(
        documents=[document("D-1", "work_plan", "2025-2026", date(2024, 9, 10))]
    )
    assert t_plan(ev, YEAR1, YEAR1.end, DEFAULTS).status == "not_met"


GRACE_DEADLINE = date(2025, 9, 30)  # 31 August + 30 days


def test_summary_submitted_on_the_last_grace_day_counts():
    ev = studio(
        documents=[document("D-2", "annual_summary", "2024-2025", GRACE_DEADLINE)]
    )
    assert t_summary(ev, YEAR1, GRACE_DEADLINE, DEFAULTS).status == "met"


def test_summary_submitted_a_day_after_the_grace_deadline_does_not_count():
    ev = studio(
        documents=[
            document("D-2", "annual_summary", "2024-2025", day_after(GRACE_DEADLINE))
        ]
    )
    result = t_summary(ev, YEAR1, AFTER_YEAR1, DEFAULTS)
    assert result.status == "not_met" and "逾期提交" in result.note


def test_summary_is_pending_during_the_grace_days_not_not_met_at_year_end():
    assert t_summary(studio(), YEAR1, YEAR1.end, DEFAULTS).status == "pending"
    assert (
        t_summary(studio(), YEAR1, day_before(GRACE_DEADLINE), DEFAULTS).status
        == "pending"
    )
    assert t_summary(studio(), YEAR1, GRACE_DEADLINE, DEFAULTS).status == "not_met"


def test_summary_must_be_accepted_not_just_submitted():
    ev = studio(
        documents=[
            document(
                "D-2",
                "annual_summary",
                "2024-2025",
                date(2025, 7, 1),
                status="returned",
            )
        ]
    )
    assert t_summary(ev, YEAR1, AFTER_YEAR1, DEFAULTS).status == "not_met"


def test_summary_grace_days_come_from_settings():
    ev = studio(
        documents=[document("D-2", "annual_summary", "2024-2025", date(2025, 9, 10))]
    )
    assert (
        t_summary(ev, YEAR1, AFTER_YEAR1, Settings(summary_grace_days=5)).status
        == "not_met"
    )


def test_training_plan_approved_in_any_cycle_year_counts():
    ev = studio(
        documents=[document("D-3", "training_plan", "2025-2026", date(2025, 9, 20))]
    )
    assert t_training_plan(ev, CYCLE, AFTER_CYCLE, DEFAULTS).status == "met"
    assert t_training_plan(ev, CYCLE, date(2025, 9, 19), DEFAULTS).status == "pending"


def test_report_submitted_counts_but_draft_does_not():
    submitted = studio(
        documents=[
            document(
                "D-4", "research_report", "2026-2027", date(2027, 6, 1), "submitted"
            )
        ]
    )
    draft = studio(
        documents=[
            document("D-4", "research_report", "2026-2027", date(2027, 6, 1), "draft")
        ]
    )
    assert t_report(submitted, CYCLE, AFTER_CYCLE, DEFAULTS).status == "met"
    assert t_report(draft, CYCLE, AFTER_CYCLE, DEFAULTS).status == "not_met"


# --- T-EVALUATION -----------------------------------------------------------


def test_evaluation_needs_every_active_member_scored():
    people = [host(), person("T-001"), person("T-002")]
    some = studio(people=people, evaluations=[evaluation("T-001")])
    result = t_evaluation(some, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.required, result.actual) == ("not_met", 2, 1)
    assert "T-002 未评价" in result.note
    everyone = studio(
        people=people, evaluations=[evaluation("T-001"), evaluation("T-002")]
    )
    assert t_evaluation(everyone, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_evaluation_with_a_missing_score_is_incomplete():
    partial = replace(evaluation("T-001"), teaching=None)
    result = t_evaluation(
        studio(people=[person("T-001")], evaluations=[partial]),
        YEAR1,
        YEAR1.end,
        DEFAULTS,
    )
    assert result.status == "not_met" and "评分不完整" in result.note


def test_evaluation_ignores_members_active_less_than_half_the_year():
    late_joiner = person("T-009", joined=date(2025, 6, 1))
    assert (
        t_evaluation(studio(people=[late_joiner]), YEAR1, YEAR1.end, DEFAULTS).status
        == "not_applicable"
    )


# --- T-FUNDS ----------------------------------------------------------------


def test_funds_met_when_expenses_are_allowed_and_within_allocation():
    entries = [
        fund("F-1", "allocation", 10000),
        fund("F-2", "expense", 10000, category="books_equipment"),
    ]
    assert t_funds(studio(funds=entries), YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_funds_fail_when_expenses_exceed_allocation_by_a_cent():
    entries = [
        fund("F-1", "allocation", 10000),
        fund("F-2", "expense", "10000.01", category="research"),
    ]
    result = t_funds(studio(funds=entries), YEAR1, YEAR1.end, DEFAULTS)
    assert result.status == "not_met" and "超过拨款" in result.note


def test_overspending_is_pending_until_the_year_ends():
    entries = [fund("F-2", "expense", 500, category="research")]
    assert (
        t_funds(studio(funds=entries), YEAR1, date(2025, 3, 1), DEFAULTS).status
        == "pending"
    )


def test_expense_in_category_other_fails_the_year_at_once():
    entries = [
        fund("F-1", "allocation", 10000),
        fund("F-3", "expense", 100, category="other"),
    ]
    result = t_funds(studio(funds=entries), YEAR1, date(2024, 12, 1), DEFAULTS)
    assert result.status == "not_met" and "F-3" in result.note


def test_expense_in_category_other_with_office_exception_is_allowed():
    entries = [
        fund("F-1", "allocation", 10000),
        fund("F-3", "expense", 100, category="other", exception=True),
    ]
    assert t_funds(studio(funds=entries), YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_funds_of_another_year_are_ignored():
    entries = [
        fund(
            "F-9",
            "expense",
            100,
            category="other",
            year="2025-2026",
            on=date(2025, 10, 1),
        )
    ]
    assert t_funds(studio(funds=entries), YEAR1, YEAR1.end, DEFAULTS).status == "met"


# --- T-RESEARCH -------------------------------------------------------------


def test_research_met_by_a_banner_project_concluded_on_the_cycles_last_day():
    ev = studio(projects=[project("P-1", concluded=CYCLE_LAST_DAY)])
    assert t_research(ev, CYCLE, CYCLE_LAST_DAY, DEFAULTS).status == "met"


def test_research_concluded_before_the_cycle_does_not_count():
    ev = studio(
        projects=[
            project(
                "P-1", approved=date(2023, 1, 1), concluded=day_before(CYCLE_FIRST_DAY)
            )
        ]
    )
    assert t_research(ev, CYCLE, AFTER_CYCLE, DEFAULTS).status == "not_met"


def test_research_not_yet_concluded_is_pending_inside_the_cycle():
    ev = studio(projects=[project("P-1")])
    result = t_research(ev, CYCLE, date(2026, 1, 1), DEFAULTS)
    assert result.status == "pending" and "P-1 尚未结题" in result.note


# --- T-YOUNG-BACKBONE -------------------------------------------------------

BACKBONE = ("backbone", "banner", date(2025, 6, 1))


def _young(code: str, *, titled: bool) -> object:
    return person(code, born=date(1995, 1, 1), titles=[BACKBONE] if titled else [])


@pytest.mark.parametrize(
    "young_count, titled, expected_required, status",
    [
        (1, 0, 1, "not_met"),
        (1, 1, 1, "met"),
        (3, 1, 1, "met"),
        (4, 1, 2, "not_met"),
        (4, 2, 2, "met"),
    ],
)
def test_young_backbone_needs_a_third_rounded_up(
    young_count, titled, expected_required, status
):
    people = [_young(f"T-{i:03}", titled=i < titled) for i in range(young_count)]
    result = t_young_backbone(studio(people=people), CYCLE, AFTER_CYCLE, DEFAULTS)
    assert (result.required, result.actual, result.status) == (
        expected_required,
        titled,
        status,
    )


def test_young_backbone_not_applicable_without_young_members():
    old = person("T-001", born=date(1980, 1, 1))
    assert (
        t_young_backbone(studio(people=[old]), CYCLE, AFTER_CYCLE, DEFAULTS).status
        == "not_applicable"
    )


def test_member_aged_exactly_35_on_the_cycles_first_day_is_young():
    exactly_35 = person("T-001", born=date(1989, 9, 1))
    assert (
        t_young_backbone(
            studio(people=[exactly_35]), CYCLE, AFTER_CYCLE, DEFAULTS
        ).required
        == 1
    )


def test_member_turning_36_on_the_cycles_first_day_is_not_young():
    turned_36 = person("T-001", born=date(1988, 9, 1))
    assert (
        t_young_backbone(
            studio(people=[turned_36]), CYCLE, AFTER_CYCLE, DEFAULTS
        ).status
        == "not_applicable"
    )


def test_young_max_age_comes_from_settings():
    aged_38 = person("T-001", born=date(1986, 1, 1))
    result = t_young_backbone(
        studio(people=[aged_38]), CYCLE, AFTER_CYCLE, Settings(young_max_age=40)
    )
    assert result.required == 1


def test_young_host_is_not_a_young_member():
    assert t_young_backbone(
        studio(people=[host(born=date(1995, 1, 1))]), CYCLE, AFTER_CYCLE, DEFAULTS
    ).status == ("not_applicable")


def test_young_member_active_under_half_the_cycle_is_not_counted():
    brief = person("T-001", born=date(1995, 1, 1), joined=date(2026, 6, 1))
    assert (
        t_young_backbone(studio(people=[brief]), CYCLE, AFTER_CYCLE, DEFAULTS).status
        == "not_applicable"
    )


def test_teaching_expert_title_is_not_backbone_or_above():
    expert = person(
        "T-001",
        born=date(1995, 1, 1),
        titles=[("teaching_expert", "city", date(2025, 1, 1))],
    )
    assert (
        t_young_backbone(studio(people=[expert]), CYCLE, AFTER_CYCLE, DEFAULTS).status
        == "not_met"
    )


def test_backbone_title_held_before_the_cycle_counts_for_young_members():
    holder = person(
        "T-001",
        born=date(1995, 1, 1),
        titles=[("backbone", "banner", date(2022, 1, 1))],
    )
    assert (
        t_young_backbone(studio(people=[holder]), CYCLE, AFTER_CYCLE, DEFAULTS).status
        == "met"
    )


def test_backbone_title_awarded_after_the_cycle_does_not_count():
    late = person(
        "T-001",
        born=date(1995, 1, 1),
        titles=[("backbone", "banner", day_after(CYCLE_LAST_DAY))],
    )
    assert (
        t_young_backbone(studio(people=[late]), CYCLE, AFTER_CYCLE, DEFAULTS).status
        == "not_met"
    )


# --- T-CULTIVATE ------------------------------------------------------------


def test_cultivate_counts_two_members_newly_titled_inside_the_cycle():
    people = [
        person("T-001", titles=[("backbone", "banner", date(2025, 5, 1))]),
        person("T-002", titles=[("subject_leader", "city", date(2026, 5, 1))]),
    ]
    result = t_cultivate(studio(people=people), CYCLE, AFTER_CYCLE, DEFAULTS)
    assert (result.status, result.evidence) == ("met", ("T-001", "T-002"))


def test_member_with_the_same_level_title_before_the_cycle_is_not_cultivated():
    before = ("backbone", "city", date(2023, 5, 1))
    people = [
        person("T-001", titles=[before, ("subject_leader", "city", date(2025, 5, 1))]),
        person("T-002", titles=[("backbone", "banner", date(2025, 5, 1))]),
    ]
    result = t_cultivate(studio(people=people), CYCLE, AFTER_CYCLE, DEFAULTS)
    assert (result.status, result.actual) == ("not_met", 1)


def test_member_promoted_to_a_higher_level_inside_the_cycle_is_cultivated():
    titles = [
        ("backbone", "banner", date(2023, 5, 1)),
        ("backbone", "city", date(2025, 5, 1)),
    ]
    result = t_cultivate(
        studio(people=[person("T-001", titles=titles)]),
        CYCLE,
        AFTER_CYCLE,
        Settings(cultivate_min=1),
    )
    assert result.status == "met"


def test_title_awarded_after_leaving_the_studio_is_not_cultivation():
    gone = person(
        "T-001",
        left=date(2025, 1, 1),
        titles=[("backbone", "banner", date(2025, 5, 1))],
    )
    assert (
        t_cultivate(
            studio(people=[gone]), CYCLE, AFTER_CYCLE, Settings(cultivate_min=1)
        ).status
        == "not_met"
    )


# --- I-RESEARCH -------------------------------------------------------------


def test_participant_in_a_banner_project_meets_research():
    ev = studio(projects=[project("P-1", participants=["T-001"])])
    assert i_research(ev, MEMBER, CYCLE, date(2024, 10, 1), DEFAULTS).status == "met"


def test_project_approved_after_the_cycle_does_not_count():
    ev = studio(
        projects=[project("P-1", approved=day_after(CYCLE_LAST_DAY), leader="T-001")]
    )
    assert i_research(ev, MEMBER, CYCLE, AFTER_CYCLE, DEFAULTS).status == "not_met"


def test_project_concluded_on_the_cycles_first_day_still_counts():
    ev = studio(
        projects=[
            project(
                "P-1",
                approved=date(2022, 1, 1),
                concluded=CYCLE_FIRST_DAY,
                leader="T-001",
            )
        ]
    )
    assert i_research(ev, MEMBER, CYCLE, AFTER_CYCLE, DEFAULTS).status == "met"


def test_project_concluded_the_day_before_the_cycle_does_not_count():
    ev = studio(
        projects=[
            project(
                "P-1",
                approved=date(2022, 1, 1),
                concluded=day_before(CYCLE_FIRST_DAY),
                leader="T-001",
            )
        ]
    )
    result = i_research(ev, MEMBER, CYCLE, AFTER_CYCLE, DEFAULTS)
    assert result.status == "not_met" and "周期开始前已结题" in result.note


def test_someone_elses_project_does_not_count():
    ev = studio(projects=[project("P-1", leader="T-777")])
    assert i_research(ev, MEMBER, CYCLE, AFTER_CYCLE, DEFAULTS).status == "not_met"


# --- I-PAPER / I-REFLECTION / I-DESIGNS -------------------------------------


def test_paper_of_1800_characters_counts():
    ev = studio(works=[work("W-1", "T-001", "paper", date(2024, 12, 1), 1800)])
    assert i_paper(ev, MEMBER, SEM1, END_SEM1, DEFAULTS).status == "met"


def test_paper_of_1799_characters_does_not_count():
    ev = studio(works=[work("W-3", "T-001", "paper", date(2024, 12, 1), 1799)])
    result = i_paper(ev, MEMBER, SEM1, END_SEM1, DEFAULTS)
    assert result.status == "not_met"
    assert "W-3 字数不足（1799/1800）" in result.note
    assert result.missing == "还差 1 篇论文（≥1800字）"


def test_paper_without_a_character_count_does_not_count():
    ev = studio(works=[work("W-4", "T-001", "paper", date(2024, 12, 1), None)])
    assert "字数未知" in i_paper(ev, MEMBER, SEM1, END_SEM1, DEFAULTS).note


def test_draft_paper_does_not_count():
    ev = studio(
        works=[work("W-5", "T-001", "paper", date(2024, 12, 1), 3000, status="draft")]
    )
    assert i_paper(ev, MEMBER, SEM1, END_SEM1, DEFAULTS).status == "not_met"


def test_paper_threshold_comes_from_settings():
    ev = studio(works=[work("W-1", "T-001", "paper", date(2024, 12, 1), 1500)])
    assert (
        i_paper(ev, MEMBER, SEM1, END_SEM1, Settings(paper_min_chars=1500)).status
        == "met"
    )


def test_paper_by_someone_else_does_not_count():
    ev = studio(works=[work("W-1", "T-002", "paper", date(2024, 12, 1), 3000)])
    assert i_paper(ev, MEMBER, SEM1, END_SEM1, DEFAULTS).status == "not_met"


def test_reflection_of_900_counts_and_899_does_not():
    ok = studio(works=[work("W-1", "T-001", "reflection", date(2025, 3, 1), 900)])
    short = studio(works=[work("W-1", "T-001", "reflection", date(2025, 3, 1), 899)])
    assert i_reflection(ok, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"
    assert i_reflection(short, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "not_met"


def test_designs_count_designs_and_cases_together():
    ev = studio(
        works=[
            work("W-1", "T-001", "design", date(2024, 10, 1)),
            work("W-2", "T-001", "case", date(2025, 4, 1)),
        ]
    )
    assert i_designs(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"
    one = studio(works=[work("W-1", "T-001", "design", date(2024, 10, 1))])
    result = i_designs(one, MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.missing) == ("not_met", "还差 1 份教学设计或教学案例")


# --- I-SEMINAR / I-LECTURE --------------------------------------------------


def test_organised_studio_seminar_of_any_scope_counts_without_filing():
    ev = studio(
        activities=[activity("A-1", "seminar", date(2025, 3, 1), organiser="T-001")]
    )
    assert i_seminar(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_seminar_organised_by_someone_else_does_not_count():
    ev = studio(
        activities=[activity("A-1", "seminar", date(2025, 3, 1), organiser="T-002")]
    )
    assert i_seminar(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "not_met"


def test_lecture_needs_the_person_as_presenter_of_a_held_lecture_or_open_class():
    held = studio(
        activities=[activity("A-1", "open_class", date(2025, 3, 1), organiser="T-001")]
    )
    planned = studio(
        activities=[
            activity(
                "A-1", "lecture", date(2025, 3, 1), organiser="T-001", status="planned"
            )
        ]
    )
    assert i_lecture(held, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"
    assert i_lecture(planned, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "not_met"


# --- I-ATTENDANCE -----------------------------------------------------------


def _meetings(*refs_and_days):
    return [activity(ref, "work_seminar", day) for ref, day in refs_and_days]


def test_attendance_met_when_nothing_was_required():
    assert i_attendance(studio(), MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_excused_absence_is_left_out_of_the_ratio():
    ev = studio(
        activities=_meetings(("A-1", date(2024, 10, 1)), ("A-2", date(2024, 11, 1))),
        attendances=[present("A-1", "T-001"), present("A-2", "T-001", "excused")],
    )
    result = i_attendance(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.required, result.actual) == ("met", 1, 1)


def test_unexcused_absence_fails_attendance_at_once():
    ev = studio(
        activities=_meetings(("A-1", date(2024, 10, 1)), ("A-7", date(2024, 11, 1))),
        attendances=[present("A-1", "T-001"), present("A-7", "T-001", "absent")],
    )
    result = i_attendance(ev, MEMBER, YEAR1, date(2024, 12, 1), DEFAULTS)
    assert result.status == "not_met" and "A-7 缺席" in result.note


def test_missing_attendance_record_counts_as_absence():
    ev = studio(activities=_meetings(("A-8", date(2024, 10, 1))))
    assert "A-8 无考勤记录" in i_attendance(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).note


def test_attendance_below_a_lower_threshold_is_judged_at_year_end():
    ev = studio(
        activities=_meetings(*((f"A-{i}", date(2024, 10, i)) for i in range(1, 6))),
        attendances=[present(f"A-{i}", "T-001") for i in range(1, 5)],
    )
    lenient = Settings(attendance_min_ratio=0.8)
    assert i_attendance(ev, MEMBER, YEAR1, YEAR1.end, lenient).status == "met"
    assert (
        i_attendance(ev, MEMBER, YEAR1, date(2024, 12, 1), lenient).status == "pending"
    )
    assert (
        i_attendance(
            ev, MEMBER, YEAR1, YEAR1.end, Settings(attendance_min_ratio=0.9)
        ).status
        == "not_met"
    )


def test_activities_before_joining_or_not_required_or_not_held_are_not_counted():
    joiner = person("T-001", joined=date(2024, 11, 1))
    ev = studio(
        activities=[
            activity("A-1", "work_seminar", date(2024, 10, 1)),
            activity("A-2", "work_seminar", date(2024, 12, 1), required=False),
            activity("A-3", "work_seminar", date(2024, 12, 2), status="cancelled"),
        ]
    )
    result = i_attendance(ev, joiner, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.required) == ("met", 0)


def test_attendance_is_pending_until_the_year_ends_even_when_perfect():
    ev = studio(
        activities=_meetings(("A-1", date(2024, 10, 1))),
        attendances=[present("A-1", "T-001")],
    )
    assert (
        i_attendance(ev, MEMBER, YEAR1, date(2025, 1, 1), DEFAULTS).status == "pending"
    )


# --- I-TASKS ----------------------------------------------------------------


def test_task_completed_on_its_due_date_is_on_time():
    ev = studio(tasks=[task("K-1", "T-001", date(2024, 11, 1), date(2024, 11, 1))])
    assert i_tasks(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


def test_task_completed_a_day_late_is_not_met_at_once():
    ev = studio(tasks=[task("K-2", "T-001", date(2024, 11, 1), date(2024, 11, 2))])
    result = i_tasks(ev, MEMBER, YEAR1, date(2024, 12, 1), DEFAULTS)
    assert result.status == "not_met" and "K-2 逾期完成" in result.note


def test_incomplete_task_past_its_due_date_is_not_met():
    ev = studio(tasks=[task("K-3", "T-001", date(2024, 11, 1))])
    result = i_tasks(ev, MEMBER, YEAR1, date(2024, 11, 2), DEFAULTS)
    assert result.status == "not_met" and "K-3 逾期未完成" in result.note


def test_incomplete_task_due_later_in_the_year_is_pending():
    ev = studio(tasks=[task("K-4", "T-001", date(2025, 3, 1))])
    assert i_tasks(ev, MEMBER, YEAR1, date(2025, 3, 1), DEFAULTS).status == "pending"


def test_task_due_next_year_is_not_counted():
    ev = studio(tasks=[task("K-5", "T-001", date(2025, 9, 15))])
    result = i_tasks(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS)
    assert (result.status, result.required) == ("met", 0)


def test_completion_recorded_after_as_of_is_not_yet_known():
    ev = studio(tasks=[task("K-6", "T-001", date(2025, 3, 1), date(2025, 2, 20))])
    assert i_tasks(ev, MEMBER, YEAR1, date(2025, 2, 1), DEFAULTS).status == "pending"
    on_record = i_tasks(ev, MEMBER, YEAR1, date(2025, 2, 20), DEFAULTS)
    assert (on_record.status, on_record.evidence) == ("pending", ("K-6",))  # clarification 2: the year still runs
    assert i_tasks(ev, MEMBER, YEAR1, YEAR1.end, DEFAULTS).status == "met"


# --- I-STAGE-SUMMARY / I-DEV-PLAN / I-MENTOR --------------------------------


def test_stage_summary_needed_each_semester():
    ev = studio(works=[work("W-1", "T-001", "stage_summary", date(2025, 1, 15))])
    assert i_stage_summary(ev, MEMBER, SEM1, SEM2.end, DEFAULTS).status == "met"
    assert i_stage_summary(ev, MEMBER, SEM2, SEM2.end, DEFAULTS).status == "not_met"


def test_dev_plan_dated_inside_the_cycle_counts():
    ev = studio(works=[work("W-1", "T-001", "dev_plan", date(2024, 9, 20))])
    assert i_dev_plan(ev, MEMBER, CYCLE, date(2024, 9, 20), DEFAULTS).status == "met"
    before = studio(works=[work("W-1", "T-001", "dev_plan", date(2024, 8, 20))])
    assert (
        i_dev_plan(before, MEMBER, CYCLE, date(2024, 9, 20), DEFAULTS).status
        == "pending"
    )


def test_mentoring_pair_started_before_the_cycle_does_not_count():
    ev = studio(mentoring_pairs=[pair("M-1", "T-001", date(2024, 8, 31))])
    result = i_mentor(ev, MEMBER, CYCLE, AFTER_CYCLE, DEFAULTS)
    assert result.status == "not_met" and "M-1" in result.note
    inside = studio(mentoring_pairs=[pair("M-2", "T-001", CYCLE_FIRST_DAY)])
    assert i_mentor(inside, MEMBER, CYCLE, AFTER_CYCLE, DEFAULTS).status == "met"


# --- applicability (evaluate) -----------------------------------------------

SEM1_77_DAYS_FROM = date(2024, 11, 16)  # 16 Nov – 31 Jan = 77 of 153 days


def test_member_active_just_over_half_the_semester_is_assessed():
    joiner = person("T-001", joined=SEM1_77_DAYS_FROM)
    result = evaluate(
        RULES_BY_ID["I-PAPER"],
        studio(people=[joiner]),
        SEM1,
        END_SEM1,
        DEFAULTS,
        joiner,
    )
    assert result.status == "not_met"


def test_member_active_just_under_half_the_semester_is_not_applicable():
    joiner = person("T-001", joined=day_after(SEM1_77_DAYS_FROM))
    result = evaluate(
        RULES_BY_ID["I-PAPER"],
        studio(people=[joiner]),
        SEM1,
        END_SEM1,
        DEFAULTS,
        joiner,
    )
    assert result.status == "not_applicable" and "76/153" in result.note


def test_unstarred_rule_is_not_applicable_to_the_host():
    the_host = host()
    result = evaluate(
        RULES_BY_ID["I-PAPER"],
        studio(people=[the_host]),
        SEM1,
        END_SEM1,
        DEFAULTS,
        the_host,
    )
    assert (result.status, result.note) == ("not_applicable", "主持人不适用")


def test_starred_rule_applies_to_the_host():
    the_host = host()
    ev = studio(
        people=[the_host], mentoring_pairs=[pair("M-1", "T-000", date(2025, 1, 1))]
    )
    assert (
        evaluate(
            RULES_BY_ID["I-MENTOR"], ev, CYCLE, AFTER_CYCLE, DEFAULTS, the_host
        ).status
        == "met"
    )


def test_individual_rule_needs_a_person():
    with pytest.raises(ValueError):
        evaluate(RULES_BY_ID["I-PAPER"], studio(), SEM1, END_SEM1, DEFAULTS)


def test_met_result_has_no_missing_phrase():
    ev = studio(works=[work("W-1", "T-001", "paper", date(2024, 12, 1), 2000)])
    assert i_paper(ev, MEMBER, SEM1, END_SEM1, DEFAULTS).missing == ""


def test_every_rule_has_a_short_heading_for_matrices():
    from assessments.rules import REGISTRY, SHORT_TITLES

    assert set(SHORT_TITLES) == {rule.id for rule in REGISTRY}
    assert all(2 <= len(rule.short) <= 6 for rule in REGISTRY)


# --- the evidence index -----------------------------------------------------


def test_rules_read_new_evidence_made_with_replace_not_the_old_index():
    ev = studio(people=[person("T-001")], works=[work("W-1", "T-001", "paper", date(2024, 10, 1), 2000)])
    assert i_paper(ev, person("T-001"), SEM1, AFTER_YEAR1, DEFAULTS).status == "met"
    emptied = ev.replace(works=())
    assert i_paper(emptied, person("T-001"), SEM1, AFTER_YEAR1, DEFAULTS).status == "not_met"
    assert i_paper(ev, person("T-001"), SEM1, AFTER_YEAR1, DEFAULTS).status == "met"


def test_the_last_attendance_row_of_a_teacher_for_an_activity_decides():
    ev = studio(
        people=[person("T-001")],
        activities=[activity("A-1", "seminar", date(2024, 10, 1))],
        attendances=[present("A-1", "T-001", "absent"), present("A-1", "T-001")],
    )
    result = i_attendance(ev, person("T-001"), YEAR1, AFTER_YEAR1, DEFAULTS)
    assert (result.status, result.evidence) == ("met", ("A-1",))


def test_works_are_listed_in_the_order_of_the_evidence_across_kinds():
    works = [
        work("W-3", "T-001", "case", date(2025, 3, 1)),
        work("W-1", "T-002", "design", date(2024, 10, 1)),
        work("W-2", "T-001", "design", date(2024, 11, 1)),
        work("W-0", "T-001", "design", date(2024, 9, 5), status="draft"),
    ]
    ev = studio(people=[person("T-001"), person("T-002")], works=works)
    result = i_designs(ev, person("T-001"), YEAR1, AFTER_YEAR1, DEFAULTS)
    assert result.evidence == ("W-3", "W-2")
    assert result.note.startswith("W-0 ")

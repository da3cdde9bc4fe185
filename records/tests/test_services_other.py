import datetime
from decimal import Decimal

import pytest

from core.models import AuditEntry, Notification, Upload
from core.services import DomainError
from records import selectors, services
from records.models import FundEntry, HostEvaluation, MentoringPair, Task, TaskAssignment
from studios.models import Membership

from .conftest import docx_file, expense, png_file

# --- funds (十九) ---------------------------------------------------------------------------------------------


def test_expense_within_the_allocation_is_recorded_with_its_receipt(banner, years, allocation):
    entry = expense(banner, years, Decimal("2500.50"), receipt_file=png_file())
    assert entry.receipt.original_name == "发票.png"
    usage = selectors.fund_usage(banner.a.studio, years[2025])
    assert (usage.allocated, usage.spent, usage.balance) == (Decimal("10000"), Decimal("2500.50"),
                                                             Decimal("7499.50"))


def test_expense_that_would_overdraw_is_refused_with_the_figures(banner, years, allocation):
    expense(banner, years, 9000)
    with pytest.raises(DomainError) as error:
        expense(banner, years, Decimal("1000.01"))
    message = str(error.value)
    assert "¥10,000.00" in message and "¥9,000.00" in message and "¥1,000.00" in message
    assert FundEntry.objects.filter(kind=FundEntry.Kind.EXPENSE).count() == 1


def test_expense_without_any_allocation_is_refused(banner, years):
    with pytest.raises(DomainError):
        expense(banner, years, 1)


def test_host_cannot_record_an_exception(banner, years, allocation):
    with pytest.raises(DomainError):
        expense(banner, years, 20000, exception_reason="急需")


def test_officer_records_an_exception_with_a_reason(banner, years, allocation):
    entry = expense(banner, years, 12000, actor=banner.officer, exception_reason="专家讲座费用经局里批准")
    assert entry.exception_approved and entry.exception_by == banner.officer
    assert AuditEntry.objects.filter(action="fund.exception", comment="专家讲座费用经局里批准").exists()
    assert selectors.fund_usage(banner.a.studio, years[2025]).overdrawn


def test_officer_without_a_reason_is_refused_too(banner, years, allocation):
    with pytest.raises(DomainError):
        expense(banner, years, 12000, actor=banner.officer)


def test_other_category_is_flagged_as_outside_the_allowed_uses(banner, years, allocation):
    expense(banner, years, 300, category=FundEntry.Category.OTHER)
    usage = selectors.fund_usage(banner.a.studio, years[2025])
    assert usage.outside_allowed
    other = next(row for row in usage.by_category if row[0] == FundEntry.Category.OTHER)
    assert other[2] == Decimal("300") and other[3] is False


def test_expense_dated_outside_the_year_is_refused(banner, years, allocation):
    with pytest.raises(DomainError):
        services.expense_create(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025],
                                amount=10, category=FundEntry.Category.RESEARCH, date=datetime.date(2024, 10, 1))


def test_allocation_cannot_be_removed_from_under_its_expenses(banner, years, allocation):
    expense(banner, years, 5000)
    with pytest.raises(DomainError):
        services.fund_entry_delete(actor=banner.a.host.user, entry=allocation)
    assert FundEntry.objects.filter(pk=allocation.pk).exists()


def test_deleting_an_expense_discards_its_receipt(banner, years, allocation):
    entry = expense(banner, years, 100, receipt_file=png_file())
    receipt_id = entry.receipt_id
    services.fund_entry_delete(actor=banner.a.host.user, entry=entry)
    assert not Upload.objects.filter(pk=receipt_id).exists()


# --- tasks (十七.2) --------------------------------------------------------------------------------------------


def test_task_is_assigned_to_several_members_who_are_notified(banner):
    members = banner.a.members
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="整理教学案例",
                                due_on=datetime.date(2026, 12, 1), teachers=members)
    assert task.assignments.count() == 2
    for member in members:
        assert Notification.objects.filter(recipient=member.user, verb="task.assign").exists()


def test_task_for_someone_outside_the_studio_is_refused(banner):
    with pytest.raises(DomainError):
        services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="任务",
                             due_on=datetime.date(2026, 12, 1), teachers=[banner.b.members[0]])
    assert not Task.objects.exists()


def test_task_without_assignees_is_refused(banner):
    with pytest.raises(DomainError):
        services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="任务",
                             due_on=datetime.date(2026, 12, 1), teachers=[])


def test_completion_keeps_its_date_and_a_late_one_stays_late(banner):
    member = banner.a.members[0]
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="听课记录",
                                due_on=datetime.date(2026, 10, 31), teachers=[member])
    assignment = task.assignments.get()
    done = services.task_complete(actor=member.user, assignment=assignment, file=docx_file(10))
    assert done.completed_on == datetime.date(2026, 11, 23)  # the day it was recorded
    assert done.is_late
    assert done.upload.owner == member
    assert AuditEntry.objects.get(action="task.complete").to_state == "late"
    with pytest.raises(DomainError):
        services.task_complete(actor=member.user, assignment=assignment)


def test_completion_on_time_is_not_late(banner):
    member = banner.a.members[0]
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="听课记录",
                                due_on=datetime.date(2026, 12, 31), teachers=[member])
    done = services.task_complete(actor=member.user, assignment=task.assignments.get())
    assert done.completed_on == datetime.date(2026, 11, 23) and not done.is_late


def test_deleting_a_task_discards_completion_files(banner):
    member = banner.a.members[0]
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="任务",
                                due_on=datetime.date(2026, 12, 31), teachers=[member])
    done = services.task_complete(actor=member.user, assignment=task.assignments.get(), file=docx_file(10))
    services.task_delete(actor=banner.a.host.user, task=task)
    assert not Upload.objects.filter(pk=done.upload_id).exists()
    assert not TaskAssignment.objects.exists()


# --- host evaluations (十六.4) ---------------------------------------------------------------------------------

SCORES = {"attitude": 95, "task_completion": 90, "research_ability": 85, "theory": 80, "teaching": 92}


def test_evaluation_is_once_a_year_and_saving_again_corrects_it(banner, years):
    member = banner.a.members[0]
    services.evaluation_save(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025],
                             teacher=member, scores=SCORES, comment="认真负责")
    services.evaluation_save(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025],
                             teacher=member, scores={**SCORES, "theory": 88})
    evaluation = HostEvaluation.objects.get()
    assert evaluation.theory == 88
    assert AuditEntry.objects.filter(action="evaluation.save").count() == 2


@pytest.mark.parametrize("bad", [101, -1, None])
def test_score_out_of_range_is_refused(banner, years, bad):
    with pytest.raises(DomainError):
        services.evaluation_save(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025],
                                 teacher=banner.a.members[0], scores={**SCORES, "teaching": bad})
    assert not HostEvaluation.objects.exists()


def test_evaluating_someone_outside_the_studio_is_refused(banner, years):
    with pytest.raises(DomainError):
        services.evaluation_save(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025],
                                 teacher=banner.b.members[0], scores=SCORES)


# --- mentoring pairs (十一) and projects (八) -------------------------------------------------------------------


def test_pair_with_visits(banner):
    member = banner.a.members[0]
    pair = services.pair_create(actor=member.user, teacher=member, studio=banner.a.studio, mentee_name="白老师",
                                mentee_school="苏力德苏木学校", started_on=datetime.date(2025, 9, 10))
    services.visit_add(actor=member.user, pair=pair, visited_on=datetime.date(2025, 10, 20), note="听课并评课")
    assert pair.visits.count() == 1
    with pytest.raises(DomainError):
        services.visit_add(actor=member.user, pair=pair, visited_on=datetime.date(2025, 9, 1), note="早于结对")


def test_pair_ending_before_it_starts_is_refused(banner):
    member = banner.a.members[0]
    with pytest.raises(DomainError):
        services.pair_create(actor=member.user, teacher=member, studio=banner.a.studio, mentee_name="白老师",
                             mentee_school="学校", started_on=datetime.date(2025, 9, 10),
                             ended_on=datetime.date(2025, 9, 1))
    assert not MentoringPair.objects.exists()


def test_project_with_leader_participants_and_documents(banner):
    host, members = banner.a.host, banner.a.members
    project = services.project_create(actor=host.user, studio=banner.a.studio, title="核心素养课题", level=2,
                                      approved_on=datetime.date(2024, 11, 1), leader=host,
                                      participants=[host, *members], approval_file=png_file("立项书.png"))
    assert set(project.participants.all()) == set(members)
    old = project.approval_document
    project = services.project_update(actor=host.user, project=project, title="核心素养课题", level=2,
                                      approved_on=datetime.date(2024, 11, 1), concluded_on=datetime.date(2026, 6, 1),
                                      leader=host, participants=members, approval_file=png_file("新立项书.png"),
                                      conclusion_file=docx_file(100, "结题报告.docx"))
    assert not Upload.objects.filter(pk=old.pk).exists()
    assert project.conclusion_document.original_name == "结题报告.docx"
    services.project_delete(actor=host.user, project=project)
    assert not Upload.objects.exists()


def test_project_with_an_outsider_is_refused(banner):
    with pytest.raises(DomainError):
        services.project_create(actor=banner.a.host.user, studio=banner.a.studio, title="课题", level=1,
                                approved_on=datetime.date(2024, 11, 1), leader=banner.b.host)


def test_active_members_leave_out_the_host_and_those_who_left(banner, years):
    leaver = banner.a.members[1]
    Membership.objects.filter(teacher=leaver).update(left_on=datetime.date(2025, 6, 30))
    assert selectors.active_members(banner.a.studio, years[2025]) == [banner.a.members[0]]

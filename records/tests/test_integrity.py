"""Every abuse of issue 10, tried as a dishonest user would: each now fails to change the result, and the person
is told why in Chinese (regulation.md, clarification 10)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from activities import services as activity_services
from activities.models import Activity, DocumentNumberCounter, Filing
from assessments import services as assessment_services
from assessments.selectors import studio_assessment
from core.models import AuditEntry
from core.services import DomainError
from excel.importer import ledger_import
from excel.tests.helpers import ledger_bytes, sample
from members import services as member_services
from members.models import Level, Teacher, Title
from records import services
from records.models import FundEntry, HostEvaluation, Task, Work
from studios.models import Membership
from studios.services import membership_leave
from studios.tests.factories import UserFactory

from .conftest import TODAY, docx_file, pdf_file
from .samples import make_docx, unique_text

D = datetime.date


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def instance(result, rule, period, teacher=None):
    block = result["team"] if teacher is None else next(m for m in result["members"] if m["teacher"] == teacher)
    return next(i for i in block["rules"] if i["rule"] == rule and i["period"] == period)


def assess(studio, years, start_year, kind="annual", as_of=None):
    return studio_assessment(studio=studio, school_year=years[start_year], kind=kind, as_of=as_of or TODAY)


def refused(message_part, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert message_part in str(caught.value), str(caught.value)
    return str(caught.value)


# --- a member records their own 骨干教师 title -------------------------------------------------------------


def test_a_title_awarded_in_the_future_cannot_be_recorded(client_for, banner):
    member = banner.a.members[0]
    response = client_for(member.user).post(reverse("members:title_create", args=[member.code]), {
        "kind": Title.Kind.BACKBONE, "level": Level.BANNER, "awarded_on": "2027-06-01"})
    assert "不能登记授予日期在今天之后的荣誉称号。" in response.content.decode()
    assert not Title.objects.exists()


def test_titles_members_record_themselves_wait_for_the_office_and_do_not_make_t_cultivate_met(banner, years):
    for member in banner.a.members:
        title = member_services.title_create(actor=member.user, teacher=member, kind=Title.Kind.BACKBONE,
                                             level=Level.BANNER, awarded_on=D(2025, 10, 1))
        assert title.check_status == Title.Check.PENDING
    cultivate = instance(assess(banner.a.studio, years, 2024, "cycle"), "T-CULTIVATE", "cycle")
    assert cultivate["actual"] == 0 and cultivate["status"] != "met"
    assert "称号待核实（2025-10-01 旗级骨干教师）" in cultivate["note"]
    for title in Title.objects.all():
        member_services.title_verify(actor=banner.officer, title=title)
    assert instance(assess(banner.a.studio, years, 2024, "cycle"), "T-CULTIVATE", "cycle")["status"] == "met"


def test_a_declined_title_never_counts_and_the_teacher_is_told_why(banner, years):
    member = banner.a.members[0]
    title = member_services.title_create(actor=member.user, teacher=member, kind=Title.Kind.BACKBONE,
                                         level=Level.BANNER, awarded_on=D(2025, 10, 1))
    refused("请说明该称号未通过核实的原因。", member_services.title_decline, actor=banner.officer, title=title,
            comment=" ")
    member_services.title_decline(actor=banner.officer, title=title, comment="证书扫描件与称号不符")
    assert member.user.notifications.get(verb="title.declined").message.endswith("证书扫描件与称号不符")
    cultivate = instance(assess(banner.a.studio, years, 2024, "cycle"), "T-CULTIVATE", "cycle")
    assert cultivate["actual"] == 0 and "待核实" not in cultivate["note"]
    refused("已由他人处理", member_services.title_verify, actor=banner.officer, title=title)


def test_only_the_office_verifies_a_title(banner):
    member = banner.a.members[0]
    title = member_services.title_create(actor=member.user, teacher=member, kind=Title.Kind.BACKBONE,
                                         level=Level.BANNER, awarded_on=D(2025, 10, 1))
    refused("只有教研中心可以核实证据。", member_services.title_verify, actor=banner.a.host.user, title=title)


# --- an empty PDF with a typed 字数 of 99,999 ----------------------------------------------------------------


def test_an_empty_scan_with_a_typed_count_of_99999_does_not_count_as_a_paper(banner, years):
    author = banner.a.members[0]
    scan = pdf_file(None, "扫描论文.pdf")  # a page with no text at all, 1.4 KB
    work = services.work_create(actor=author.user, teacher=author, studio=banner.a.studio, kind="paper",
                                title="扫描论文", date=D(2026, 10, 10), file=scan, char_count=99_999, submit=True)
    assert (work.char_count_source, work.count_check) == (Work.CountSource.MANUAL, Work.Check.PENDING)
    paper = instance(assess(banner.a.studio, years, 2026, as_of=D(2027, 2, 1)), "I-PAPER", "2026-2027-1",
                     author.code)
    assert paper["status"] == "not_met" and paper["evidence"] == []
    assert paper["note"] == f"{work.ref} 手填字数待核实（99999）"
    services.work_count_decline(actor=banner.officer, work=work, comment="扫描件为空白页")
    paper = instance(assess(banner.a.studio, years, 2026, as_of=D(2027, 2, 1)), "I-PAPER", "2026-2027-1",
                     author.code)
    assert paper["note"] == f"{work.ref} 手填字数核实未通过（99999）"


def test_a_typed_count_counts_once_the_office_has_verified_it(banner, years):
    author = banner.a.members[0]
    work = services.work_create(actor=author.user, teacher=author, studio=banner.a.studio, kind="paper",
                                title="扫描论文", date=D(2026, 10, 10), file=pdf_file(None), char_count=2400,
                                submit=True)
    services.work_count_verify(actor=banner.officer, work=work)
    paper = instance(assess(banner.a.studio, years, 2026, as_of=D(2027, 2, 1)), "I-PAPER", "2026-2027-1",
                     author.code)
    assert paper["status"] == "met" and paper["evidence"] == [work.ref]


# --- a host backdates into a locked year ----------------------------------------------------------------------


def test_a_host_cannot_backdate_an_activity_or_evaluations_into_a_locked_year(banner, years):
    studio, host = banner.a.studio, banner.a.host
    before = assess(studio, years, 2024, as_of=D(2025, 10, 31))
    services.year_lock(actor=banner.officer, studio=studio, school_year=years[2024])
    message = refused("2024-2025学年已锁定", activity_services.activity_create, actor=host.user, studio=studio,
                      title="补记的研讨", kind="seminar", scope="studio", date=D(2025, 3, 1),
                      organiser=banner.a.members[0])
    assert message == ("“第0名师工作室”2024-2025学年已锁定，该学年的记录不能再添加、修改或删除；"
                       "如需更正，请联系教研中心重新开放该学年。").replace("第0名师工作室", studio.name)
    for member in banner.a.members:
        refused("2024-2025学年已锁定", services.evaluation_save, actor=host.user, studio=studio,
                school_year=years[2024], teacher=member, scores=dict.fromkeys(HostEvaluation.SCORE_FIELDS, 90))
    assert not Activity.objects.exists() and not HostEvaluation.objects.exists()
    after = assess(studio, years, 2024, as_of=D(2025, 10, 31))
    assert after["team"]["verdict"] == before["team"]["verdict"] == "fail"


# --- an unfiled 全旗 activity ---------------------------------------------------------------------------------


def test_a_banner_activity_held_without_an_approved_filing_counts_for_no_rule(banner, years, monkeypatch):
    monkeypatch.setattr("activities.services.today", lambda: TODAY)
    studio, host, member = banner.a.studio, banner.a.host, banner.a.members[0]
    kinds = ("deployment_meeting", "work_seminar", "outreach", "seminar", "lecture")
    for kind in kinds:
        activity = activity_services.activity_create(actor=host.user, studio=studio, title=f"全旗{kind}", kind=kind,
                                                     scope="banner", date=D(2026, 10, 8), organiser=member)
        activity_services.activity_mark_held(actor=host.user, activity=activity, confirm_unfiled=True)
    result = assess(studio, years, 2026, as_of=D(2027, 9, 30))
    refs = {a.ref for a in Activity.objects.all()}
    checks = [("T-MEETINGS", "2026-2027-1", None), ("T-STUDY", "2026-2027-1", None),
              ("T-OUTREACH", "2026-2027", None), ("I-SEMINAR", "2026-2027", member.code),
              ("I-LECTURE", "2026-2027", member.code)]
    for rule, period, who in checks:
        found = instance(result, rule, period, who)
        assert found["actual"] == 0 and not refs & set(found["evidence"]), rule
        assert "全旗活动未经备案批准" in found["note"], rule


# --- a host records an allocation for their own studio ----------------------------------------------------------


def test_a_host_cannot_record_an_allocation(client_for, banner, years):
    refused("经费拨款只能由教研中心登记；主持人登记支出。", services.fund_allocate, actor=banner.a.host.user,
            studio=banner.a.studio, school_year=years[2025], amount=50000, date=D(2025, 10, 1))
    url = reverse("records:fund_allocate", kwargs={"code": banner.a.studio.code}) + "?year=2025-2026"
    assert client_for(banner.a.host.user).post(url, {"amount": "50000", "date": "2025-10-01"}).status_code == 403
    assert not FundEntry.objects.exists()
    services.expense_create(actor=banner.officer, studio=banner.a.studio, school_year=years[2025], amount=300,
                            category="books_equipment", date=D(2025, 10, 2), exception_reason="先行垫付")
    funds = instance(assess(banner.a.studio, years, 2025, as_of=D(2026, 9, 30)), "T-FUNDS", "2025-2026")
    assert funds["status"] == "not_met"


# --- a member picks a completion date before the due date -------------------------------------------------------


def test_a_member_cannot_pick_an_earlier_completion_date_for_a_late_task(client_for, banner, years):
    member = banner.a.members[0]
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="听课记录",
                                due_on=D(2026, 11, 1), teachers=[member])
    assignment = task.assignments.get()
    refused("任务的完成日期即登记完成的当天；只有工作室主持人或教研中心可以登记更早的完成日期。",
            services.task_complete, actor=member.user, assignment=assignment, completed_on=D(2026, 10, 30))
    # The page has no date to pick: a date posted anyway is ignored, the day of recording is kept.
    client_for(member.user).post(reverse("records:task_done", kwargs={"pk": assignment.pk}),
                                 {"completed_on": "2026-10-30", "note": "早就做完了"})
    assignment.refresh_from_db()
    assert assignment.completed_on == TODAY and assignment.is_late
    tasks = instance(assess(banner.a.studio, years, 2026, as_of=TODAY), "I-TASKS", "2026-2027", member.code)
    assert tasks["status"] == "not_met" and tasks["note"] == f"{task.ref} 逾期完成"


def test_the_host_may_record_an_earlier_day_with_a_reason_and_it_is_audited(client_for, banner):
    member = banner.a.members[0]
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="听课记录",
                                due_on=D(2026, 11, 1), teachers=[member])
    assignment = task.assignments.get()
    url = reverse("records:task_record_done", kwargs={"code": banner.a.studio.code, "pk": assignment.pk})
    page = client_for(banner.a.host.user).post(url, {"completed_on": "2026-10-30"}).content.decode()
    assert "请说明为何将任务记为在更早的日期完成。" in page
    client_for(banner.a.host.user).post(url, {"completed_on": "2026-10-30", "reason": "纸质记录补录"})
    assignment.refresh_from_db()
    assert assignment.completed_on == D(2026, 10, 30)
    entry = AuditEntry.objects.get(action="task.backdate")
    assert (entry.comment, entry.data["recorded_on"], entry.actor) == ("纸质记录补录", "2026-11-23",
                                                                        banner.a.host.user)


# --- the same file accepted as several works --------------------------------------------------------------------


def test_the_same_file_cannot_be_a_second_work_of_anyone(banner):
    first_author, second_author = banner.a.members
    data = make_docx(unique_text(2100))
    first = services.work_create(actor=first_author.user, teacher=first_author, studio=banner.a.studio,
                                 kind="paper", title="阅读教学研究", date=D(2026, 10, 1),
                                 file=SimpleUploadedFile("论文.docx", data), submit=True)
    expected = (f"该文件已作为成果“阅读教学研究”（{first.ref}，{first_author.name}，{banner.a.studio.name}）提交过："
                "同一文件只能计一次。")
    for author, studio in ((second_author, banner.a.studio), (first_author, banner.a.studio),
                           (banner.b.members[0], banner.b.studio)):
        assert refused("同一文件只能计一次", services.work_create, actor=author.user, teacher=author, studio=studio,
                       kind="paper", title="改个题目", date=D(2026, 10, 2),
                       file=SimpleUploadedFile("另一个名字.docx", data), submit=True) == expected
    other = services.work_create(actor=second_author.user, teacher=second_author, studio=banner.a.studio,
                                 kind="paper", title="自己的", date=D(2026, 10, 3), file=docx_file(2000), submit=True)
    refused("同一文件只能计一次", services.work_update, actor=second_author.user, work=other, kind="paper",
            title="自己的", date=D(2026, 10, 3), file=SimpleUploadedFile("换成别人的.docx", data))
    assert Work.objects.count() == 2


def test_a_near_copy_is_flagged_and_a_declined_one_counts_for_nothing(banner, years):
    first_author, second_author = banner.a.members
    text = unique_text(2600)
    original = services.work_create(actor=first_author.user, teacher=first_author, studio=banner.a.studio,
                                    kind="paper", title="原稿", date=D(2026, 10, 1),
                                    file=SimpleUploadedFile("原稿.docx", make_docx(text)), submit=True)
    copied = text[:1800] + unique_text(300) + text[1800:]  # a paragraph of its own slipped in
    copy = services.work_create(actor=second_author.user, teacher=second_author, studio=banner.a.studio,
                                kind="paper", title="我的论文", date=D(2026, 10, 5),
                                file=SimpleUploadedFile("我的论文.docx", make_docx(copied)), submit=True)
    assert copy.copy_of == original and copy.copy_check == Work.Check.PENDING and copy.copy_similarity > 0.9
    assert original.copy_check == Work.Check.NONE
    assert AuditEntry.objects.filter(action="work.near_copy", target_id=str(copy.pk)).exists()
    services.work_copy_decline(actor=banner.officer, work=copy, comment="与同组成员论文雷同")
    paper = instance(assess(banner.a.studio, years, 2026, as_of=D(2027, 2, 1)), "I-PAPER", "2026-2027-1",
                     second_author.code)
    assert paper["status"] == "not_met" and paper["note"] == f"{copy.ref} 未计入（查重未通过）"


# --- an officer who is also a host approves their own studio's filing ----------------------------------------------


@pytest.fixture
def officer_hosting_b(banner):
    """The officer is also the host of studio B."""
    teacher = Teacher.objects.create(code="T-OFF", name="兼任主持人", birth_date=D(1980, 1, 1), user=banner.officer)
    Membership.objects.create(studio=banner.b.studio, teacher=teacher, role=Membership.Role.HOST,
                              joined_on=D(2024, 9, 1))
    return teacher


DUTIES = "您是该工作室的主持人或成员，不能审批本工作室的备案和材料、核实其证据或签署其考核，请由其他教研员办理。"


def test_an_officer_who_hosts_a_studio_cannot_approve_its_filing_documents_or_sign_it_off(banner, years,
                                                                                          officer_hosting_b):
    studio = banner.b.studio
    activity = activity_services.activity_create(
        actor=banner.b.host.user, studio=studio, title="全旗讲座", kind="lecture", scope="banner",
        date=D(2026, 12, 20), organiser=banner.b.host,
        plan_file=SimpleUploadedFile("方案.txt", "活动方案".encode()))
    activity_services.filing_submit(actor=banner.b.host.user, filing=activity.filing)
    assert refused(DUTIES, activity_services.filing_approve, actor=banner.officer, filing=activity.filing) == DUTIES
    refused(DUTIES, activity_services.filing_return, actor=banner.officer, filing=activity.filing, comment="退回")
    assert Filing.objects.get().status == Filing.Status.SUBMITTED
    document = services.document_create(actor=banner.b.host.user, studio=studio, kind="work_plan",
                                        school_year=years[2026], title="计划",
                                        file=SimpleUploadedFile("计划.txt", "年度工作计划".encode()))
    services.document_submit(actor=banner.b.host.user, document=document)
    refused(DUTIES, services.document_approve, actor=banner.officer, document=document)
    refused(DUTIES, assessment_services.signoff_create, actor=banner.officer, studio=studio,
            school_year=years[2024], kind="annual", grade="excellent", comment="自评优秀", as_of=D(2025, 10, 1))
    refused(DUTIES, services.fund_allocate, actor=banner.officer, studio=studio, school_year=years[2026],
            amount=9000, date=TODAY)
    # The queue page says so too, and nothing changed.
    member = banner.b.members[0]
    title = member_services.title_create(actor=member.user, teacher=member, kind=Title.Kind.BACKBONE,
                                         level=Level.BANNER, awarded_on=D(2025, 10, 1))
    refused(DUTIES, member_services.title_verify, actor=banner.officer, title=title)
    # Studio A is not theirs: there the officer decides as usual.
    services.fund_allocate(actor=banner.officer, studio=banner.a.studio, school_year=years[2026], amount=9000,
                           date=TODAY)


def test_the_queue_refuses_the_officer_who_hosts_the_studio_with_the_reason(client_for, banner, officer_hosting_b):
    activity = activity_services.activity_create(
        actor=banner.b.host.user, studio=banner.b.studio, title="全旗讲座", kind="lecture", scope="banner",
        date=D(2026, 12, 20), organiser=banner.b.host,
        plan_file=SimpleUploadedFile("方案.txt", "活动方案".encode()))
    activity_services.filing_submit(actor=banner.b.host.user, filing=activity.filing)
    url = reverse("activities:queue_decide", args=["filing", activity.filing.pk, "approve"])
    response = client_for(banner.officer).post(url, follow=True)
    assert DUTIES in response.content.decode()
    assert Filing.objects.get().status == Filing.Status.SUBMITTED


# --- the Django admin as a back door ----------------------------------------------------------------------------


def test_an_admin_cannot_change_a_locked_years_paper_or_add_audit_entries_in_the_django_admin(client_for, banner,
                                                                                              years):
    author = banner.a.members[0]
    work = services.work_create(actor=author.user, teacher=author, studio=banner.a.studio, kind="paper",
                                title="论文", date=D(2025, 10, 1), file=docx_file(5000), submit=True)
    services.year_lock(actor=banner.officer, studio=banner.a.studio, school_year=years[2025])
    admin = client_for(UserFactory(username="installer", is_staff=True, is_superuser=True))  # sees every model
    change = reverse("admin:records_work_change", args=[work.pk])
    assert admin.get(change).status_code == 200  # shown …
    form = {"title": "论文", "char_count": "1200", "kind": "paper", "date": "2025-10-01", "status": "submitted",
            "teacher": author.pk, "studio": banner.a.studio.pk}
    assert admin.post(change, form).status_code == 403  # … never changed
    assert admin.post(reverse("admin:records_work_delete", args=[work.pk]), {"post": "yes"}).status_code == 403
    work.refresh_from_db()
    assert work.char_count == 5000
    entries = AuditEntry.objects.count()
    assert admin.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert admin.post(reverse("admin:core_auditentry_add"), {"action": "work.update",
                                                            "created_at_0": "2024-01-01"}).status_code == 403
    assert AuditEntry.objects.count() == entries


# --- imported document numbers ---------------------------------------------------------------------------------------


def test_an_approval_after_a_ledger_with_numbered_filings_takes_the_next_number(banner, years, settings):
    """The ledger brings in 乌教研发〔2024〕3号; the counter of 2024 moves to 3, so the next approval is 4号 — the
    app used to issue 1号, 2号 and then fail with a 500 on 3号."""
    prefix = settings.FILING_DOC_PREFIX
    data = sample()
    data["活动"][1]["备案文号"] = f"{prefix}〔2024〕3号"
    result = ledger_import(ledger_bytes(data), actor=banner.officer)
    assert result.ok, [str(e) for e in result.errors]
    assert DocumentNumberCounter.objects.get(year=2024).last_seq == 3
    assert Filing.objects.get(doc_number=f"{prefix}〔2024〕3号").doc_seq == 3
    numbers = []
    for index in range(2):
        activity = activity_services.activity_create(
            actor=banner.a.host.user, studio=banner.a.studio, title=f"全旗讲座{index}", kind="lecture",
            scope="banner", date=D(2026, 12, 20), organiser=banner.a.host,
            plan_file=SimpleUploadedFile("方案.txt", "活动方案".encode()))
        activity_services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
        numbers.append(activity_services.filing_approve(actor=banner.officer, filing=activity.filing,
                                                        on=D(2024, 12, 1)).doc_number)
    assert numbers == [f"{prefix}〔2024〕4号", f"{prefix}〔2024〕5号"]


def test_an_approval_meeting_a_number_taken_outside_the_counter_takes_the_next(banner, settings):
    """A number in the app's form recorded without its place in the sequence (an older import) is skipped."""
    prefix = settings.FILING_DOC_PREFIX
    taken = Activity.objects.create(studio=banner.a.studio, title="旧活动", kind="lecture", scope="banner",
                                    date=D(2026, 3, 1), status="held")
    Filing.objects.create(activity=taken, status="approved", approved_on=D(2026, 2, 1),
                          doc_number=f"{prefix}〔2026〕1号")
    activity = activity_services.activity_create(
        actor=banner.a.host.user, studio=banner.a.studio, title="全旗讲座", kind="lecture", scope="banner",
        date=D(2026, 12, 20), organiser=banner.a.host,
        plan_file=SimpleUploadedFile("方案.txt", "活动方案".encode()))
    activity_services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    filing = activity_services.filing_approve(actor=banner.officer, filing=activity.filing, on=D(2026, 12, 1))
    assert filing.doc_number == f"{prefix}〔2026〕2号"


# --- a member who has left ---------------------------------------------------------------------------------------


def test_a_member_who_has_left_reads_their_works_but_changes_nothing(client_for, banner):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind="paper",
                                title="论文", date=D(2026, 9, 20), file=docx_file(2000), submit=True)
    membership_leave(actor=banner.officer, membership=Membership.objects.get(teacher=member, studio=banner.a.studio),
                     left_on=D(2026, 10, 31), reason="调离本旗")
    member.user.__dict__.pop("_studio_roles", None)
    left = "您已退出“第"
    refused(left, services.work_update, actor=member.user, work=work, kind="paper", title="改日期",
            date=D(2026, 10, 30))
    refused(left, services.work_delete, actor=member.user, work=work)
    refused(left, services.work_create, actor=member.user, teacher=member, studio=banner.a.studio, kind="design",
            title="新设计", date=D(2026, 10, 1))
    client = client_for(member.user)
    assert client.get(reverse("records:work", kwargs={"pk": work.pk})).status_code == 200
    page = client.post(reverse("records:work_edit", kwargs={"pk": work.pk}),
                       {"kind": "paper", "title": "改日期", "date": "2026-10-30", "studio": banner.a.studio.pk},
                       follow=True).content.decode()
    assert "仍可查看在该工作室的记录，但不能再修改" in page
    work.refresh_from_db()
    assert (work.title, work.date) == ("论文", D(2026, 9, 20))
    assert Task.objects.count() == 0

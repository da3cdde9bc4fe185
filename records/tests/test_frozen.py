"""The one frozen-year guard (regulation.md, clarification 10), over every kind of dated record and every way in:
the services (which the pages call), the pages themselves, the ledger import and the Django admin; a year frozen
by a sign-off or by a lock; and the office reopening it with a reason."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from activities import services as activity_services
from activities.models import Activity, Attendance, Filing
from assessments import services as assessment_services
from assessments.models import AssessmentSignoff
from core.models import AuditEntry
from core.services import DomainError
from excel.importer import ledger_import
from excel.tests.helpers import ledger_bytes
from members import services as member_services
from members.models import Level, Title
from records import services
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    MentoringVisit,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)
from studios.tests.factories import UserFactory

from .conftest import TODAY, docx_file, pdf_file

D = datetime.date
IN_2025 = D(2025, 10, 15)  # inside school year 2025-2026, the one frozen below
FROZEN = "不能再添加、修改或删除"


@pytest.fixture(autouse=True)
def _chinese(monkeypatch):
    monkeypatch.setattr("activities.services.today", lambda: TODAY)
    with translation.override("zh-hans"):
        yield


def plan_file():
    return SimpleUploadedFile("方案.txt", "活动方案".encode())


@pytest.fixture
def world(banner, years):
    """Studio A with one record of every kind dated in 2025-2026, made before the year was frozen."""
    studio, host, member = banner.a.studio, banner.a.host, banner.a.members[0]
    actor = host.user
    w = SimpleNamespace(banner=banner, years=years, studio=studio, host=host, member=member,
                        year=years[2025])
    w.work = services.work_create(actor=member.user, teacher=member, studio=studio, kind="paper", title="论文",
                                  date=IN_2025, file=docx_file(2000), submit=True)
    w.scan = services.work_create(actor=member.user, teacher=member, studio=studio, kind="paper", title="扫描",
                                  date=IN_2025, file=pdf_file(None), char_count=2100, submit=True)
    w.planned = activity_services.activity_create(actor=actor, studio=studio, title="计划中", kind="seminar",
                                                  scope="banner", date=IN_2025, organiser=member,
                                                  plan_file=plan_file())
    w.held = activity_services.activity_create(actor=actor, studio=studio, title="已举行", kind="work_seminar",
                                               scope="studio", date=IN_2025)
    activity_services.activity_mark_held(actor=actor, activity=w.held)
    activity_services.attendance_record(actor=actor, activity=w.held, exceptions={})
    w.submitted = activity_services.activity_create(actor=actor, studio=studio, title="待审核", kind="lecture",
                                                    scope="banner", date=IN_2025, organiser=host,
                                                    plan_file=plan_file())
    activity_services.filing_submit(actor=actor, filing=w.submitted.filing)
    w.task = services.task_create(actor=actor, studio=studio, title="任务", due_on=IN_2025, teachers=[member])
    w.assignment = w.task.assignments.get()
    services.evaluation_save(actor=actor, studio=studio, school_year=w.year, teacher=member,
                             scores=dict.fromkeys(HostEvaluation.SCORE_FIELDS, 80))
    w.allocation = services.fund_allocate(actor=banner.officer, studio=studio, school_year=w.year, amount=9000,
                                          date=IN_2025)
    w.expense = services.expense_create(actor=actor, studio=studio, school_year=w.year, amount=300,
                                        category="books_equipment", date=IN_2025)
    w.document = services.document_create(actor=actor, studio=studio, kind="annual_summary", school_year=w.year,
                                          title="年度总结", file=SimpleUploadedFile("总结.txt", "年度总结".encode()))
    w.plan = services.document_create(actor=actor, studio=studio, kind="work_plan", school_year=w.year,
                                      title="计划", file=SimpleUploadedFile("计划.txt", "年度计划".encode()))
    services.document_submit(actor=actor, document=w.plan)
    w.title = member_services.title_create(actor=member.user, teacher=member, kind=Title.Kind.BACKBONE,
                                           level=Level.BANNER, awarded_on=IN_2025)
    w.pair = services.pair_create(actor=member.user, teacher=member, studio=studio, mentee_name="乡村教师",
                                  mentee_school="某乡村小学", started_on=IN_2025)
    w.project = services.project_create(actor=actor, studio=studio, title="课题", level=Level.BANNER,
                                        approved_on=IN_2025, leader=host)
    # Records of the next year, to try moving them into the frozen one; and a near-copy waiting for the office.
    w.later_work = services.work_create(actor=member.user, teacher=member, studio=studio, kind="design",
                                        title="今年", date=D(2026, 10, 1))
    w.later_activity = activity_services.activity_create(actor=actor, studio=studio, title="今年",
                                                         kind="work_seminar", scope="studio", date=D(2026, 12, 1))
    Work.objects.filter(pk=w.work.pk).update(copy_of=w.scan, copy_similarity=0.8, copy_check="pending")
    services.visit_add(actor=member.user, pair=w.pair, visited_on=D(2025, 11, 1), note="回访")
    return w


def sign_off(w):
    assessment_services.signoff_create(actor=w.banner.officer, studio=w.studio, school_year=w.year, kind="annual",
                                       grade="pass", comment="按计算结果", as_of=TODAY)


def lock(w):
    services.year_lock(actor=w.banner.officer, studio=w.studio, school_year=w.year)


def sign_off_cycle(w):
    assessment_services.signoff_create(actor=w.banner.officer, studio=w.studio, school_year=w.years[2024],
                                       kind="cycle", grade="pass", comment="提前签署以测试", as_of=D(2027, 9, 1))


FREEZES = {"signed off": sign_off, "locked": lock}

SCORES = dict.fromkeys(HostEvaluation.SCORE_FIELDS, 95)

# Every write of a dated record, as its service is called by the pages.
WRITES = {
    "work: new": lambda w: services.work_create(
        actor=w.member.user, teacher=w.member, studio=w.studio, kind="design", title="新设计", date=IN_2025),
    "work: change": lambda w: services.work_update(actor=w.member.user, work=w.work, kind="paper", title="改",
                                                   date=IN_2025),
    "work: moved into the year": lambda w: services.work_update(actor=w.member.user, work=w.later_work,
                                                                kind="design", title="今年", date=IN_2025),
    "work: moved out of the year": lambda w: services.work_update(actor=w.member.user, work=w.work, kind="paper",
                                                                  title="论文", date=D(2026, 10, 1)),
    "work: delete": lambda w: services.work_delete(actor=w.member.user, work=w.work),
    "work: typed count verified": lambda w: services.work_count_verify(actor=w.banner.officer, work=w.scan),
    "work: near-copy declined": lambda w: services.work_copy_decline(actor=w.banner.officer, work=w.work,
                                                                     comment="雷同"),
    "activity: new": lambda w: activity_services.activity_create(
        actor=w.host.user, studio=w.studio, title="补记", kind="work_seminar", scope="studio", date=IN_2025),
    "activity: change": lambda w: activity_services.activity_update(actor=w.host.user, activity=w.planned,
                                                                    title="改名"),
    "activity: moved into the year": lambda w: activity_services.activity_update(
        actor=w.host.user, activity=w.later_activity, date=IN_2025),
    "activity: held": lambda w: activity_services.activity_mark_held(actor=w.host.user, activity=w.planned,
                                                                     confirm_unfiled=True),
    "activity: cancelled": lambda w: activity_services.activity_cancel(actor=w.host.user, activity=w.planned,
                                                                       reason="取消"),
    "activity: its record": lambda w: activity_services.activity_record(actor=w.host.user, activity=w.held,
                                                                        summary="补写纪要"),
    "attendance": lambda w: activity_services.attendance_record(actor=w.host.user, activity=w.held,
                                                                exceptions={w.member.pk: "excused"}),
    "filing: submitted": lambda w: activity_services.filing_submit(actor=w.host.user, filing=w.planned.filing),
    "filing: approved": lambda w: activity_services.filing_approve(actor=w.banner.officer,
                                                                   filing=w.submitted.filing, on=D(2025, 10, 1)),
    "filing: returned": lambda w: activity_services.filing_return(actor=w.banner.officer,
                                                                  filing=w.submitted.filing, comment="退回"),
    "task: new": lambda w: services.task_create(actor=w.host.user, studio=w.studio, title="补派", due_on=IN_2025,
                                                teachers=[w.member]),
    "task: completed": lambda w: services.task_complete(actor=w.host.user, assignment=w.assignment,
                                                        completed_on=D(2025, 10, 1), reason="补录"),
    "task: delete": lambda w: services.task_delete(actor=w.host.user, task=w.task),
    "evaluation": lambda w: services.evaluation_save(actor=w.host.user, studio=w.studio, school_year=w.year,
                                                     teacher=w.member, scores=SCORES),
    "fund: allocation": lambda w: services.fund_allocate(actor=w.banner.officer, studio=w.studio,
                                                         school_year=w.year, amount=1000, date=IN_2025),
    "fund: expense": lambda w: services.expense_create(actor=w.host.user, studio=w.studio, school_year=w.year,
                                                       amount=100, category="research", date=IN_2025),
    "fund: delete": lambda w: services.fund_entry_delete(actor=w.host.user, entry=w.expense),
    "document: new": lambda w: services.document_create(actor=w.host.user, studio=w.studio, kind="research_report",
                                                        school_year=w.year, title="补交"),
    "document: change": lambda w: services.document_update(actor=w.host.user, document=w.document, title="改"),
    "document: submitted": lambda w: services.document_submit(actor=w.host.user, document=w.document),
    "document: approved": lambda w: services.document_approve(actor=w.banner.officer, document=w.plan),
    "document: returned": lambda w: services.document_return(actor=w.banner.officer, document=w.plan,
                                                             comment="退回"),
    "document: delete": lambda w: services.document_delete(actor=w.host.user, document=w.document),
    "title: new": lambda w: member_services.title_create(actor=w.member.user, teacher=w.member,
                                                         kind=Title.Kind.MASTER, level=Level.CITY,
                                                         awarded_on=IN_2025),
    "title: verified": lambda w: member_services.title_verify(actor=w.banner.officer, title=w.title),
    "title: declined": lambda w: member_services.title_decline(actor=w.banner.officer, title=w.title,
                                                               comment="不符"),
    "pair: new": lambda w: services.pair_create(actor=w.member.user, teacher=w.member, studio=w.studio,
                                                mentee_name="另一位", mentee_school="某小学", started_on=IN_2025),
    "pair: change": lambda w: services.pair_update(actor=w.member.user, pair=w.pair, mentee_name="改名",
                                                   mentee_school="某小学", started_on=IN_2025),
    "pair: visit": lambda w: services.visit_add(actor=w.member.user, pair=w.pair, visited_on=D(2025, 11, 1),
                                                note="回访"),
    "pair: delete": lambda w: services.pair_delete(actor=w.member.user, pair=w.pair),
    "project: new": lambda w: services.project_create(actor=w.host.user, studio=w.studio, title="补报",
                                                      level=Level.BANNER, approved_on=IN_2025, leader=w.host),
    "project: concluded": lambda w: services.project_update(
        actor=w.host.user, project=w.project, title="课题", level=Level.BANNER, approved_on=IN_2025,
        concluded_on=D(2026, 10, 1), leader=w.host),
    "project: delete": lambda w: services.project_delete(actor=w.host.user, project=w.project),
}

COUNTED = (Work, Activity, Attendance, Filing, Task, TaskAssignment, HostEvaluation, FundEntry, StudioDocument,
           Title, MentoringPair, MentoringVisit, ResearchProject)


def snapshot():
    return {model.__name__: sorted(map(str, model.objects.values_list())) for model in COUNTED}


@pytest.mark.parametrize("freeze", FREEZES)
@pytest.mark.parametrize("write", WRITES)
def test_every_write_of_a_record_dated_in_a_frozen_year_is_refused(world, freeze, write):
    FREEZES[freeze](world)
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        WRITES[write](world)
    assert FROZEN in str(caught.value)
    assert ("考核已由教研中心签署" if freeze == "signed off" else "2025-2026学年已锁定") in str(caught.value)
    assert snapshot() == before


def test_a_cycle_sign_off_freezes_every_year_of_the_cycle(world):
    sign_off_cycle(world)
    for day in (D(2024, 10, 1), IN_2025, D(2026, 10, 1)):
        with pytest.raises(DomainError, match="考核已由教研中心签署"):
            services.work_create(actor=world.member.user, teacher=world.member, studio=world.studio, kind="design",
                                 title="补记", date=day)


def test_the_freeze_holds_for_that_studio_and_year_only(world):
    sign_off(world)
    b = world.banner.b
    services.work_create(actor=b.members[0].user, teacher=b.members[0], studio=b.studio, kind="design",
                         title="乙室", date=IN_2025)
    services.work_create(actor=world.member.user, teacher=world.member, studio=world.studio, kind="design",
                         title="下一学年", date=D(2026, 10, 1))
    services.work_create(actor=world.member.user, teacher=world.member, studio=world.studio, kind="design",
                         title="上一学年", date=D(2025, 3, 1))


def test_a_title_is_frozen_for_the_studios_the_teacher_was_in_on_its_day(world):
    sign_off(world)
    outsider = world.banner.outsider
    member_services.title_create(actor=world.banner.officer, teacher=outsider, kind=Title.Kind.BACKBONE,
                                 level=Level.BANNER, awarded_on=IN_2025)


def test_the_office_reopens_with_a_reason_audited_and_the_sign_off_says_so(world, client_for):
    sign_off(world)
    officer = world.banner.officer
    with pytest.raises(DomainError, match="请填写重新开放该学年的原因。"):
        services.year_reopen(actor=officer, studio=world.studio, school_year=world.year, reason=" ")
    with pytest.raises(DomainError, match="只有教研中心可以重新开放学年。"):
        services.year_reopen(actor=world.host.user, studio=world.studio, school_year=world.year, reason="更正")
    url = reverse("records:year_unlock", kwargs={"code": world.studio.code})
    client_for(officer).post(url, {"school_year": world.year.pk, "reason": "成员补交的论文日期有误"})
    signoff = AssessmentSignoff.objects.get()
    assert signoff.reopen_reason == "成员补交的论文日期有误" and not signoff.freezes
    assert AuditEntry.objects.filter(action="year.reopen", comment="成员补交的论文日期有误").exists()
    assert AuditEntry.objects.filter(action="assessment.reopen", target_id=str(signoff.pk)).exists()
    page = client_for(officer).get(reverse("assessments:studio", kwargs={"code": world.studio.code})
                                   + "?kind=annual&year=2025-2026").content.decode()
    assert "重新开放：成员补交的论文日期有误" in page and "再次签署之前，其记录可以更正。" in page
    # Reopened: the studio corrects, then the office signs off again and the year is frozen again.
    services.work_update(actor=world.member.user, work=world.work, kind="paper", title="论文（更正）", date=IN_2025)
    sign_off(world)
    with pytest.raises(DomainError, match=FROZEN):
        services.work_delete(actor=world.member.user, work=world.work)
    page = client_for(officer).get(reverse("assessments:studio", kwargs={"code": world.studio.code})
                                   + "?kind=annual&year=2025-2026").content.decode()
    assert "此后已再次签署，记录重新冻结。" in page


# --- through the pages ----------------------------------------------------------------------------------------

PAGES = {
    "work": ("member", lambda w: reverse("records:work_create"),
             lambda w: {"kind": "design", "title": "补记设计", "date": IN_2025.isoformat(), "studio": w.studio.pk}),
    "work edit": ("member", lambda w: reverse("records:work_edit", kwargs={"pk": w.work.pk}),
                  lambda w: {"kind": "paper", "title": "改", "date": IN_2025.isoformat(), "studio": w.studio.pk}),
    "activity": ("host", lambda w: reverse("activities:create", kwargs={"code": w.studio.code}),
                 lambda w: {"title": "补记", "kind": "work_seminar", "scope": "studio", "date": IN_2025.isoformat(),
                            "attendance_required": "on"}),
    "evaluation": ("host", lambda w: reverse("records:evaluation_edit", kwargs={
        "code": w.studio.code, "year": w.year.label, "teacher_code": w.member.code}),
        lambda w: {**SCORES, "comment": "改分"}),
    "expense": ("host", lambda w: reverse("records:expense_create", kwargs={"code": w.studio.code})
                + "?year=2025-2026",
                lambda w: {"amount": "100", "category": "research", "date": IN_2025.isoformat(),
                           "description": "补记"}),
    "title": ("member", lambda w: reverse("members:title_create", args=[w.member.code]),
              lambda w: {"kind": Title.Kind.MASTER, "level": Level.CITY, "awarded_on": IN_2025.isoformat()}),
    "pair": ("member", lambda w: reverse("records:pair_create"),
             lambda w: {"studio": w.studio.pk, "mentee_name": "补记", "mentee_school": "某小学",
                        "started_on": IN_2025.isoformat()}),
    "attendance": ("host", lambda w: reverse("activities:attendance", kwargs={"code": w.studio.code,
                                                                             "pk": w.held.pk}),
                   lambda w: {f"t{w.host.pk}": "present", f"t{w.member.pk}": "absent",
                              **{f"t{m.pk}": "present" for m in w.banner.a.members[1:]}}),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_refuses_a_frozen_years_record_with_the_message(world, client_for, page):
    sign_off(world)
    who, url, data = PAGES[page]
    user = world.member.user if who == "member" else world.host.user
    before = snapshot()
    response = client_for(user).post(url(world), data(world), follow=True)
    assert response.status_code == 200
    assert FROZEN in response.content.decode()
    assert snapshot() == before


# --- through the ledger import --------------------------------------------------------------------------------


def test_the_import_refuses_every_row_dated_in_a_frozen_year_and_writes_nothing(world):
    sign_off(world)
    w = world
    code, teacher = w.studio.code, w.member.code
    day, year = IN_2025, "2025-2026"
    data = {
        "活动": [{"活动编号": "A-F1", "工作室编号": code, "名称": "补记", "类型": "工作研讨", "范围": "工作室",
                "日期": day}],
        "考勤": [{"活动编号": w.held.ref, "教师编号": teacher, "出勤": "缺席"}],
        "成果": [{"成果编号": "W-F1", "教师编号": teacher, "工作室编号": code, "类型": "论文", "标题": "补记",
                "日期": day, "字数": 3000},
               {"成果编号": w.work.ref, "教师编号": teacher, "工作室编号": code, "类型": "论文", "标题": "改名",
                "日期": D(2026, 10, 1)}],
        "荣誉": [{"教师编号": teacher, "称号": "名师", "级别": "市级", "授予日期": day}],
        "课题": [{"课题编号": "P-F1", "工作室编号": code, "名称": "补记", "级别": "旗级", "立项日期": day,
                "主持人教师编号": w.host.code}],
        "帮扶": [{"帮扶编号": "M-F1", "教师编号": teacher, "帮扶对象姓名": "某人", "帮扶对象学校": "某校",
                "开始日期": day}],
        "任务": [{"任务编号": "K-F1", "工作室编号": code, "名称": "补记", "截止日期": day, "教师编号": teacher,
                "完成日期": day}],
        "工作室材料": [{"材料编号": "D-F1", "工作室编号": code, "类型": "研究报告", "学年": year,
                   "提交日期": D(2025, 12, 1), "审核状态": "待审核"}],
        "经费": [{"经费编号": "F-F1", "工作室编号": code, "学年": year, "类型": "支出", "金额": 100,
                "类别": "课题研究", "日期": day}],
        "主持人评价": [{"工作室编号": code, "学年": year, "教师编号": teacher, **dict.fromkeys(
            ("工作态度", "任务完成量", "研究能力", "理论提高", "教学能力"), 99)}],
    }
    before = snapshot()
    result = ledger_import(ledger_bytes(data), actor=w.banner.officer)
    assert not result.written
    refused = {(error.sheet, error.column) for error in result.errors if FROZEN in error.message}
    assert refused == {("活动", "日期"), ("考勤", "活动编号"), ("成果", "日期"), ("荣誉", "授予日期"),
                       ("课题", "立项日期"), ("帮扶", "开始日期"), ("任务", "截止日期"), ("工作室材料", "学年"),
                       ("经费", "学年"), ("主持人评价", "学年")}
    assert {error.row for error in result.errors if error.sheet == "成果"} == {2, 3}
    assert len(result.errors) == 11, [str(e) for e in result.errors]
    assert snapshot() == before


def test_importing_unchanged_rows_of_a_frozen_year_is_no_error(world):
    """A ledger that only repeats what is on record changes nothing, so it is not refused."""
    sign_off(world)
    w = world
    data = {"成果": [{"成果编号": w.work.ref, "教师编号": w.member.code, "工作室编号": w.studio.code,
                    "类型": "论文", "标题": "论文", "日期": IN_2025}]}
    result = ledger_import(ledger_bytes(data), actor=w.banner.officer)
    assert result.ok and result.changes == 0, [str(e) for e in result.errors]


# --- through the Django admin ---------------------------------------------------------------------------------

ADMIN_MODELS = ["records_work", "records_studiodocument", "records_researchproject", "records_mentoringpair",
                "records_mentoringvisit", "records_task", "records_taskassignment", "records_hostevaluation",
                "records_fundentry", "records_yearlock", "activities_activity", "activities_filing",
                "activities_attendance", "members_title", "studios_membership", "studios_cycle", "studios_schoolyear",
                "assessments_assessmentsignoff", "assessments_ruleoverride"]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_the_django_admin_shows_counting_records_but_changes_none(world, client_for, model):
    sign_off(world)
    lock(world)
    assessment_services.override_create(actor=world.banner.officer, studio=world.studio, teacher=None,
                                        rule="T-PLAN", period="2025-2026", status="met", reason="纸质计划已审")
    # The installation's superuser, who sees every model in the admin (the system administrator sees accounts and
    # schools only, security/tests/test_roles.py).
    admin = client_for(UserFactory(username="installer", is_staff=True, is_superuser=True))
    app_label, name = model.split("_", 1)
    from django.apps import apps

    obj = apps.get_model(app_label, name).objects.first()
    assert obj is not None, model
    before = snapshot()
    assert admin.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert admin.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200
    assert admin.get(reverse(f"admin:{model}_add")).status_code == 403
    assert admin.post(reverse(f"admin:{model}_change", args=[obj.pk]), {}).status_code == 403
    assert admin.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert snapshot() == before

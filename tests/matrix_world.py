"""The world of the permission matrix: one object of every kind, all of studio A and its people.

Everything is made through the apps' own services (as a host, a member or an officer would make it), so the
objects carry their uploads, audit trails and states exactly as in production. Dates are relative to the
app's today, inside studio A's cycle (2024-2025 … 2026-2027).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, Attendance
from assessments import services as assessment_services
from assessments.models import RuleSettings
from core.models import Notification
from excel import services as excel_services
from members import services as member_services
from records import services as record_services
from records.models import FundEntry, HostEvaluation, StudioDocument, Work
from records.tests.samples import make_docx, make_png
from studios import services as studio_services
from studios.access import today
from studios.models import Membership, SchoolYear

PAST_YEAR = "2024-2025"  # the first year of studio A's cycle: over, so it can be signed off


def _text(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def _png(name: str = "活动照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_png(), content_type="image/png")


def current_school_year(day: datetime.date) -> SchoolYear:
    return SchoolYear.get_or_create_for(day.year if day.month >= 9 else day.year - 1)


def build_world(banner) -> SimpleNamespace:
    """Studio A with a work, a document, a project, a pair, a task, an evaluation, funds, two activities, a photo,
    a title with its certificate, an application, an export job, a sign-off, an override and a login lockout."""
    host, member = banner.a.host, banner.a.members[0]
    officer = banner.officer
    # A name no other page could contain by chance: studio B's people must never see it.
    studio = studio_services.studio_update(actor=officer, studio=banner.a.studio, name="甲旗阅读教学名师工作室")
    day = today()
    year = current_school_year(day)
    RuleSettings.current()  # the office's thresholds: a running bureau has the row since its first page
    past_year = SchoolYear.get_or_create_for(int(PAST_YEAR[:4]))

    work = record_services.work_create(
        actor=member.user, teacher=member, studio=studio, kind=Work.Kind.PAPER, title="小学语文整本书阅读教学研究",
        date=day, file=SimpleUploadedFile("阅读教学论文.docx", make_docx("研" * 2100)), submit=True,
    )
    # A fellow member's work that the office is to compare with the member's (a near-copy, clarification 10).
    fellow = banner.a.members[1]
    copy = record_services.work_create(
        actor=fellow.user, teacher=fellow, studio=studio, kind=Work.Kind.PAPER, title="雷同的论文", date=day,
        file=SimpleUploadedFile("雷同的论文.docx", make_docx("读" * 2100)), submit=True,
    )
    Work.objects.filter(pk=copy.pk).update(copy_of=work, copy_similarity=0.9, copy_check=Work.Check.PENDING)
    document = record_services.document_create(
        actor=host.user, studio=studio, kind=StudioDocument.Kind.WORK_PLAN, school_year=year,
        title=f"{year.label} 年度工作计划", file=_text("年度工作计划.txt", "年度工作计划：研修、课题、送教下乡。"),
    )
    project = record_services.project_create(
        actor=host.user, studio=studio, title="乡村小学阅读教学策略研究", level=1,
        approved_on=year.start, leader=host, participants=[member],
    )
    pair = record_services.pair_create(
        actor=member.user, teacher=member, studio=studio, mentee_name="乡村青年教师", mentee_school="乌审旗第九小学",
        started_on=day,
    )
    task = record_services.task_create(
        actor=host.user, studio=studio, title="提交一篇教学设计", due_on=day + datetime.timedelta(days=14),
        teachers=[member],
    )
    assignment = task.assignments.get(teacher=member)
    notification = Notification.objects.get(recipient=member.user, verb="task.assign")
    evaluation = record_services.evaluation_save(
        actor=host.user, studio=studio, school_year=year, teacher=member,
        scores=dict.fromkeys(HostEvaluation.SCORE_FIELDS, 90), comment="认真负责",
    )
    allocation = record_services.fund_allocate(
        actor=officer, studio=studio, school_year=year, amount=Decimal("20000"), date=max(year.start, day),
    )
    expense = record_services.expense_create(
        actor=host.user, studio=studio, school_year=year, amount=Decimal("300"),
        category=FundEntry.Category.BOOKS_EQUIPMENT, date=day, description="购买教学参考书",
        receipt_file=SimpleUploadedFile("发票.png", make_png(), content_type="image/png"),
    )

    # A whole-banner seminar still to come, its filing (备案) waiting for the office.
    planned = activity_services.activity_create(
        actor=host.user, studio=studio, title="全旗专题研讨：整本书阅读", kind=Activity.Kind.SEMINAR,
        scope=Activity.Scope.BANNER, date=day + datetime.timedelta(days=10),
        plan_file=_text("活动方案.txt", "全旗专题研讨活动方案：时间、地点、议程。"),
    )
    filing = activity_services.filing_submit(actor=host.user, filing=planned.filing)
    # A studio seminar already held, with its attendance and a photo.
    held = activity_services.activity_create(
        actor=host.user, studio=studio, title="工作室研修：读书交流", kind=Activity.Kind.WORK_SEMINAR,
        scope=Activity.Scope.STUDIO, date=day - datetime.timedelta(days=3),
    )
    activity_services.activity_mark_held(actor=host.user, activity=held)
    activity_services.attendance_record(actor=host.user, activity=held,
                                        exceptions={banner.a.members[1].pk: Attendance.Status.EXCUSED})
    activity_services.activity_record(actor=host.user, activity=held, summary="交流了三本书。",
                                      photo_files=[_png()])
    now = timezone.now()
    activity_services.signin_open(actor=host.user, activity=held, opens_at=now - datetime.timedelta(hours=1),
                                  closes_at=now + datetime.timedelta(hours=1))
    held.refresh_from_db()
    photo = held.photos.get()

    title = member_services.title_create(
        actor=member.user, teacher=member, kind="backbone", level=1, awarded_on=year.start,
        certificate_file=SimpleUploadedFile("骨干教师证书.png", make_png(), content_type="image/png"),
    )
    application = member_services.application_submit(
        actor=banner.outsider.user, teacher=banner.outsider, studio=studio,
        statement="希望加入工作室，提升阅读教学能力。",
    )
    job = excel_services.archive_start(user=host.user, studio=studio, school_year=year, cycle=False)
    job = excel_services.job_run(job_id=job.pk)  # the test transaction never commits, so on_commit never queues it

    signoff = assessment_services.signoff_create(
        actor=officer, studio=studio, school_year=past_year, kind="annual", grade="fail", comment="记录不全",
    )
    override = assessment_services.override_create(
        actor=officer, studio=studio, teacher=member, rule="I-PAPER", period=f"{PAST_YEAR}-1", status="met",
        reason="纸质稿已核",
    )
    lockout = AccessAttempt.objects.create(
        username=member.user.username, ip_address="10.0.0.5", user_agent="test", get_data="", post_data="",
        http_accept="", path_info="/accounts/login/", failures_since_start=settings.AXES_FAILURE_LIMIT,
    )

    # What studio B's people must never read on a page they can open.
    markers = [studio.name, studio.code, work.title, document.title, project.title, task.title, planned.title,
               held.title]
    return SimpleNamespace(
        markers=markers, banner=banner, studio=studio, code=studio.code, host=host, member=member, day=day, year=year,
        past_year=past_year, cycle=banner.a.cycle,
        membership=Membership.objects.get(studio=studio, teacher=member),
        work=work, copy=copy, document=document, project=project, pair=pair, task=task, assignment=assignment,
        notification=notification,
        evaluation=evaluation, allocation=allocation, expense=expense, planned=planned, filing=filing, held=held,
        photo=photo, title=title, application=application, job=job, signoff=signoff, override=override, lockout=lockout,
    )

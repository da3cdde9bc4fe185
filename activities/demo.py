"""Two school years and the current one so far of activities for every demo studio (ORDER 40).

Filings in every state (approved on time with a 文号, one approved late, one held without filing, drafts,
returned, and a queue of submitted ones for the office), attendance with some excused and absent, presenters
for lectures and open classes, and notifications. Some studios miss rules on purpose (a semester with only one
专题研讨, a semester without its summary meeting) so that the assessment shows gaps.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import AuditEntry, Notification, fill_missing_codes
from core.services import upload_create
from core.uploads import CheckedFile
from studios.models import Membership

from .models import Activity, Attendance, DocumentNumberCounter, Filing

ORDER = 40

K = Activity.Kind
S = Activity.Scope

PLACES = ["旗教研中心报告厅", "乌审旗第一中学多功能厅", "工作室活动室", "乌审旗第二小学录播教室", "嘎鲁图镇中心小学"]
UPCOMING = [
    (6, K.SEMINAR, "全旗{subject}专题研讨：期末复习策略"),
    (17, K.LECTURE, "专题讲座：{subject}命题研究"),
    (29, K.OPEN_CLASS, "全旗{subject}公开课观摩"),
]
RETURN_COMMENTS = ["请补充活动议程和参会人员范围。", "方案中专家讲座的题目和时间请写具体。",
                   "请说明经费来源并附日程安排。"]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _semester_plan(subject: str):
    """(day offset in the semester, kind, scope, title) of a typical semester."""
    return [
        (6, K.DEPLOYMENT_MEETING, S.STUDIO, "本学期工作部署会"),
        (20, K.SEMINAR, S.BANNER, f"全旗{subject}专题研讨：大单元教学设计"),
        (34, K.OPEN_CLASS, S.SCHOOL, f"{subject}公开课展示"),
        (48, K.WORK_SEMINAR, S.STUDIO, "工作研讨：课堂观察量表的使用"),
        (62, K.LECTURE, S.BANNER, f"专题讲座：核心素养导向的{subject}教学"),
        (76, K.SEMINAR, S.BANNER, f"全旗{subject}专题研讨：作业设计与评价"),
        (90, K.REPORT_MEETING, S.STUDIO, "阶段成果汇报会"),
        (100, K.OPEN_CLASS, S.SCHOOL, "公开课：同课异构"),
        (104, K.OBSERVATION, S.STUDIO, "听课磨课"),
        (118, K.READING, S.STUDIO, "读书交流会"),
        (135, K.SUMMARY_MEETING, S.STUDIO, "阶段性总结会"),
    ]


def seed(ctx):
    rng = ctx.rng
    today = ctx.today
    officer = ctx.officer
    activities: list[Activity] = []
    filing_plans: list[tuple[Activity, str, dict]] = []  # (activity, status, extra)
    memberships = list(Membership.objects.all())
    ctx_studios = ctx.studios

    plans = {}
    for item in ctx_studios:
        data = f"{item.studio.name}活动方案：目的、时间、地点、议程、参加人员。".encode()
        plans[item.studio.pk] = upload_create(
            checked=CheckedFile(kind="txt", content_type="text/plain; charset=utf-8", size=len(data), data=data),
            original_name=f"{item.studio.code}活动方案.txt", user=None, studio=item.studio,
            visibility="studio",
        )

    counter = 0
    for index, item in enumerate(ctx_studios):
        studio, host, members = item.studio, item.host, item.members
        presenters = iter(members * 10)
        for start_year in sorted(ctx.years):
            year = ctx.years[start_year]
            for semester in (1, 2):
                first, last = year.semester_bounds(semester)
                if first > today + datetime.timedelta(days=70):
                    continue
                for offset, kind, scope, title in _semester_plan(studio.subject):
                    day = first + datetime.timedelta(days=offset + rng.randint(-3, 3))
                    if day > last or day > today + datetime.timedelta(days=70):
                        continue
                    # Gaps on purpose: some studios hold only one 专题研讨 or skip the summary meeting.
                    if index in (3, 6) and semester == 2 and start_year == 2025 and offset == 76:
                        continue
                    if index == 5 and start_year == 2024 and semester == 1 and kind == K.SUMMARY_MEETING:
                        continue
                    if index % 4 == 1 and semester == 2 and kind == K.READING:
                        kind, title, scope = (K.OUTREACH, "送教下乡：走进乡村学校", S.SCHOOL) if start_year % 2 else (
                            K.TEACHING_SUPPORT, "乡镇学校支教活动", S.SCHOOL)
                    if index % 4 != 1 and semester == 2 and kind == K.OBSERVATION and start_year != 2024 + index % 2:
                        kind, title = K.OUTREACH, "送教下乡：课堂诊断与示范"
                    if kind == K.WORK_SEMINAR and rng.random() < 0.3:
                        kind, title = K.STUDY_TRIP, "外出学习：赴鄂尔多斯市名校跟岗"
                    organiser = next(presenters) if kind in Activity.PRESENTER_KINDS else host
                    status = Activity.Status.HELD if day < today else Activity.Status.PLANNED
                    counter += 1
                    activity = Activity(
                        studio=studio, title=title, kind=kind, scope=scope, date=day,
                        start_time=datetime.time(14, 30) if counter % 2 else datetime.time(9, 0),
                        end_time=datetime.time(17, 0) if counter % 2 else datetime.time(11, 30),
                        place=rng.choice(PLACES), organiser=organiser, status=status,
                        attendance_required=kind not in (K.STUDY_TRIP, K.TEACHING_SUPPORT),
                        plan=plans[studio.pk] if scope == S.BANNER or day >= today else None,
                        summary=f"{title}顺利开展，成员积极参与研讨交流，形成了可推广的经验。"
                        if status == "held" else "",
                    )
                    activities.append(activity)
                    if scope == S.BANNER:
                        filing_plans.append((activity, *_filing_state(activity, today, index, rng)))
        # 二十一.5: every member organises a seminar of the studio each school year; a few forget, so gaps show.
        for start_year in sorted(ctx.years):
            year = ctx.years[start_year]
            for position, member in enumerate(members):
                day = year.start + datetime.timedelta(days=30 + (position * 29 + index * 7) % 300)
                if day >= today or rng.random() < 0.12:
                    continue
                activities.append(Activity(
                    studio=studio, title=f"专题研讨：{member.name}主持的课例研究", kind=K.SEMINAR, scope=S.STUDIO,
                    date=day, start_time=datetime.time(15, 0), end_time=datetime.time(17, 0),
                    place=rng.choice(PLACES), organiser=member, status=Activity.Status.HELD,
                    summary="成员围绕课例开展专题研讨，形成改进建议。",
                ))
        # One activity cancelled this semester.
        if index == 2:
            activities.append(Activity(studio=studio, title="全旗专题研讨（因故取消）", kind=K.SEMINAR, scope=S.STUDIO,
                                       date=today - datetime.timedelta(days=12), status=Activity.Status.CANCELLED,
                                       organiser=host))
        # Overdue on the office's side: submitted, the date has passed, still waiting.
        if index % 3 == 0:
            overdue = Activity(studio=studio, title=f"全旗{studio.subject}教学开放日", kind=K.REPORT, scope=S.BANNER,
                               date=today - datetime.timedelta(days=2 + index), status=Activity.Status.PLANNED,
                               organiser=host, plan=plans[studio.pk], place=PLACES[0])
            activities.append(overdue)
            filing_plans.append((overdue, Filing.Status.SUBMITTED, {}))
        # What is coming up in the next weeks, filed in every state: most of it is in the office's queue.
        for ahead, kind, title in UPCOMING:
            day = today + datetime.timedelta(days=ahead + index)
            upcoming = Activity(studio=studio, title=title.format(subject=studio.subject), kind=kind, scope=S.BANNER,
                                date=day, start_time=datetime.time(9, 0), end_time=datetime.time(11, 30),
                                place=rng.choice(PLACES), plan=plans[studio.pk], status=Activity.Status.PLANNED,
                                organiser=next(presenters) if kind in Activity.PRESENTER_KINDS else host)
            activities.append(upcoming)
            filing_plans.append((upcoming, *_filing_state(upcoming, today, index, rng)))

    # The held-without-filing example (WS-03, spring 2025) and the approved-late one (WS-05, autumn 2025).
    unfiled = next(a for a, *_ in filing_plans if a.studio == ctx_studios[2].studio and a.date.year == 2025
                   and a.date.month >= 3 and a.status == "held")
    unfiled.held_without_filing = True
    late = next(a for a, *_ in filing_plans if a.studio == ctx_studios[4].studio and a.kind == K.LECTURE
                and datetime.date(2025, 9, 1) <= a.date < datetime.date(2026, 2, 1))
    late.held_without_filing = True
    filing_plans = [
        (a, Filing.Status.DRAFT, {}) if a is unfiled
        else (a, Filing.Status.APPROVED, {"approved_on": a.date + datetime.timedelta(days=4)}) if a is late
        else (a, state, extra)
        for a, state, extra in filing_plans
    ]

    Activity.objects.bulk_create(activities)
    fill_missing_codes(Activity)  # bulk_create skips save(): every activity has its code, as typed ones do
    filings = _create_filings(filing_plans, officer, rng)
    _create_trails(filings, officer, ctx_studios)
    _create_attendance(activities, memberships, rng)
    _create_notifications(filings, officer, ctx_studios, today)
    ctx.activities = activities


def _filing_state(activity: Activity, today: datetime.date, index: int, rng) -> tuple[str, dict]:
    if activity.date < today:
        return Filing.Status.APPROVED, {"approved_on": activity.date - datetime.timedelta(days=rng.randint(5, 15))}
    ahead = (activity.date - today).days
    cycle = (index + ahead // 5) % 5
    if cycle in (0, 1, 2):
        return Filing.Status.SUBMITTED, {}
    if cycle == 3:
        return Filing.Status.RETURNED, {"return_comment": RETURN_COMMENTS[index % len(RETURN_COMMENTS)]}
    return (Filing.Status.DRAFT, {}) if ahead > 30 else (
        Filing.Status.APPROVED, {"approved_on": today - datetime.timedelta(days=rng.randint(1, 6))})


def _create_filings(filing_plans, officer, rng) -> list[Filing]:
    filings = []
    approved = sorted((extra["approved_on"], activity.pk) for activity, state, extra in filing_plans
                      if state == Filing.Status.APPROVED)
    numbers: dict[int, tuple[int, int]] = {}
    per_year: dict[int, int] = {}
    for day, pk in approved:
        per_year[day.year] = per_year.get(day.year, 0) + 1
        numbers[pk] = (day.year, per_year[day.year])
    for activity, state, extra in filing_plans:
        filing = Filing(activity=activity, status=state, **extra)
        if state != Filing.Status.DRAFT:
            filing.submitted_at = _at(activity.date - datetime.timedelta(days=rng.randint(16, 25)))
        if state in (Filing.Status.APPROVED, Filing.Status.RETURNED):
            filing.decided_by = officer
            decided = filing.approved_on or activity.date - datetime.timedelta(days=14)
            filing.decided_at = _at(decided, 15)
        if state == Filing.Status.APPROVED:
            year, seq = numbers[activity.pk]
            filing.doc_year, filing.doc_seq = year, seq
            filing.doc_number = f"{settings.FILING_DOC_PREFIX}〔{year}〕{seq}号"
        filings.append(filing)
    Filing.objects.bulk_create(filings)
    DocumentNumberCounter.objects.bulk_create([DocumentNumberCounter(year=y, last_seq=n) for y, n in per_year.items()])
    return filings


def _create_trails(filings, officer, ctx_studios) -> None:
    hosts = {item.studio.pk: item.host.user for item in ctx_studios}
    content_type = ContentType.objects.get_for_model(Filing)
    entries = []

    def add(filing, actor, action, before, after, when, comment=""):
        entries.append(AuditEntry(actor=actor, action=action, studio=filing.activity.studio, target_type=content_type,
                                  target_id=str(filing.pk), target_repr=str(filing)[:255], from_state=before,
                                  to_state=after, comment=comment, created_at=when))

    for filing in filings:
        host = hosts[filing.activity.studio_id]
        created = filing.submitted_at or _at(filing.activity.date - datetime.timedelta(days=30))
        add(filing, host, "filing.create", "", "draft", created - datetime.timedelta(days=1))
        if filing.submitted_at:
            add(filing, host, "filing.submit", "draft", "submitted", filing.submitted_at)
        if filing.status == Filing.Status.APPROVED:
            add(filing, officer, "filing.approve", "submitted", "approved", filing.decided_at)
        elif filing.status == Filing.Status.RETURNED:
            add(filing, officer, "filing.return", "submitted", "returned", filing.decided_at, filing.return_comment)
    AuditEntry.objects.bulk_create(entries)


def _create_attendance(activities, memberships, rng) -> None:
    by_studio: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_studio.setdefault(membership.studio_id, []).append(membership)
    rows = []
    for activity in activities:
        if activity.status != Activity.Status.HELD or not activity.attendance_required:
            continue
        for membership in by_studio.get(activity.studio_id, []):
            if not membership.is_active_on(activity.date):
                continue
            roll = rng.random()
            status = (Attendance.Status.EXCUSED if roll < 0.06 else Attendance.Status.ABSENT if roll < 0.07
                      else Attendance.Status.PRESENT)
            rows.append(Attendance(activity=activity, teacher_id=membership.teacher_id, status=status))
    Attendance.objects.bulk_create(rows, batch_size=2000)


def _create_notifications(filings, officer, ctx_studios, today) -> None:
    hosts = {item.studio.pk: item.host.user for item in ctx_studios}
    recent = [filing for filing in filings if filing.activity.date >= today - datetime.timedelta(days=20)]
    notes = []
    for filing in recent:
        activity = filing.activity
        url = f"/activities/studio/{activity.studio.code}/{activity.pk}/"
        if filing.status == Filing.Status.SUBMITTED:
            notes.append(Notification(recipient=officer, verb="filing.submit", url=url, created_at=filing.submitted_at,
                                      emailed_at=filing.submitted_at,
                                      message=f"{activity.studio.name}提交了“{activity.title}”（{activity.date}）的备案，请审核。"))
        elif filing.status == Filing.Status.RETURNED:
            notes.append(Notification(recipient=hosts[activity.studio_id], verb="filing.return", url=url,
                                      created_at=filing.decided_at, emailed_at=filing.decided_at,
                                      message=f"“{activity.title}”的备案被退回：{filing.return_comment}"))
        elif filing.status == Filing.Status.APPROVED:
            notes.append(Notification(recipient=hosts[activity.studio_id], verb="filing.approve", url=url,
                                      created_at=filing.decided_at, emailed_at=filing.decided_at,
                                      read_at=filing.decided_at + datetime.timedelta(hours=3),
                                      message=f"“{activity.title}”的备案已批准：{filing.doc_number}。"))
    Notification.objects.bulk_create(notes)

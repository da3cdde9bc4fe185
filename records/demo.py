"""Records of the demo banner (ORDER 30): two school years and the current one so far, with gaps to show.

Most rows stand for records moved in from the offices' ledgers (counts "from the ledger"); a few works of the
first studio carry real small .docx/.txt files so that downloads work. Rows go in with bulk_create.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry, Upload, fill_missing_codes
from core.services import upload_create
from core.uploads import WRITING, check_upload
from members.models import Level
from studios.models import Membership

from .models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    MentoringVisit,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
    YearLock,
)

ORDER = 30

RURAL_SCHOOLS = ["无定河镇中心学校", "图克镇中心学校", "乌兰陶勒盖镇学校", "苏力德苏木学校", "乌审召镇中心学校"]
MENTEE_NAMES = ["白银花", "其木格", "乌云", "高娃", "巴特尔", "萨仁", "那日苏", "阿拉坦", "图雅", "斯琴", "额尔敦",
                "苏和", "宝音", "朝鲁", "格日勒"]
PAPER_TOPICS = ["核心素养导向的课堂教学研究", "大单元教学设计的实践探索", "作业设计与学业负担", "课堂提问的有效性研究",
                "信息技术与学科教学融合", "乡村学校教学质量提升策略", "跨学科主题学习的实践", "学生阅读习惯的培养"]
TASKS = ["整理本学期听课记录", "提交一节公开课教学设计", "撰写课题中期研究报告", "完成学情调研问卷分析"]

PAPER_TEXT = ("核心素养导向下的课堂教学，需要教师从学生的真实学习出发，重新设计学习任务与评价方式。"
              "本文结合乌审旗小学语文课堂的实践，讨论大单元教学中阅读、表达与思维发展的关系。")
RETURN_COMMENT = "请补充每学期的活动安排和经费预算。"
EVALUATION_COMMENTS = ["工作认真，按时完成任务。", "研究能力提升明显。", "课堂教学扎实，需加强理论学习。"]
VISIT_NOTE = "送教下乡，听课评课并交流教学设计。"
SPENDING = [
    (FundEntry.Category.BOOKS_EQUIPMENT, "购买教学参考书籍"), (FundEntry.Category.RESEARCH, "课题研究资料与印刷"),
    (FundEntry.Category.EXPERTS, "邀请专家讲座"), (FundEntry.Category.MEMBER_TRAVEL, "成员外出考察学习"),
]
REFLECTION_TEXT = "参加工作室研修一年来，我在课堂观察、教学设计与课题研究等方面都有了新的认识。"


def _rng_date(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _docx(text: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _real_file(name: str, data: bytes, *, user, studio, owner) -> Upload:
    checked = check_upload(SimpleUploadedFile(name, data), WRITING)
    return upload_create(checked=checked, original_name=name, user=user, studio=studio, owner=owner,
                         count_text=True)


def seed(ctx):
    rng, today = ctx.rng, ctx.today
    years = [ctx.years[start] for start in sorted(ctx.years)]
    works, documents, projects, pairs, tasks, evaluations, funds, locks = [], [], [], [], [], [], [], []
    participants, visit_specs, assignment_specs = [], [], []
    counter = {"W": 0, "D": 0}

    def code(prefix: str, studio) -> str:
        counter[prefix] = counter.get(prefix, 0) + 1
        return f"{prefix}-{studio.code}-{counter[prefix]:05d}"

    for index, ns in enumerate(ctx.studios):
        studio, host, members = ns.studio, ns.host, ns.members
        spans = {m.teacher_id: m for m in Membership.objects.filter(studio=studio)}

        def active(teacher, day, spans=spans):
            span = spans.get(teacher.pk)
            return span is not None and span.is_active_on(day)

        # Works: per semester a paper and a stage summary, per year a reflection and two designs or cases,
        # once a development plan. Some gaps: a paper of 1799 字, a missing stage summary, a late plan.
        for position, teacher in enumerate(members):
            for year in years:
                for semester in (1, 2):
                    first, last = year.semester_bounds(semester)
                    day = _rng_date(rng, first + datetime.timedelta(days=20), last - datetime.timedelta(days=20))
                    if day > today or not active(teacher, day):
                        continue
                    chars = rng.randint(1850, 2800)
                    if position == 1 and semester == 1 and year.start_year == 2025:
                        chars = 1799  # one character short: the assessment shows the gap
                    works.append(Work(code=code("W", studio), teacher=teacher, studio=studio, kind=Work.Kind.PAPER,
                                      title=rng.choice(PAPER_TOPICS), date=day, char_count=chars,
                                      char_count_source=Work.CountSource.LEDGER, status=Work.Status.SUBMITTED))
                    if not (position == 2 and semester == 2):  # one member forgets the stage summary
                        works.append(Work(code=code("W", studio), teacher=teacher, studio=studio,
                                          kind=Work.Kind.STAGE_SUMMARY,
                                          title=f"{year.label}第{'一' if semester == 1 else '二'}学期阶段成果总结",
                                          date=min(last - datetime.timedelta(days=10), today), char_count=1200,
                                          char_count_source=Work.CountSource.LEDGER, status=Work.Status.SUBMITTED))
                day = _rng_date(rng, year.start + datetime.timedelta(days=60), year.end - datetime.timedelta(days=60))
                if day <= today and active(teacher, day):
                    works.append(Work(code=code("W", studio), teacher=teacher, studio=studio,
                                      kind=Work.Kind.REFLECTION, title="研修心得体会", date=day,
                                      char_count=rng.randint(880, 1400), char_count_source=Work.CountSource.LEDGER,
                                      status=Work.Status.SUBMITTED))
                    for kind in (Work.Kind.DESIGN, Work.Kind.CASE if position % 3 else Work.Kind.DESIGN):
                        works.append(Work(code=code("W", studio), teacher=teacher, studio=studio, kind=kind,
                                          title=f"《{rng.choice(PAPER_TOPICS)[:6]}》课例", date=day,
                                          char_count=rng.randint(600, 3000),
                                          char_count_source=Work.CountSource.LEDGER, status=Work.Status.SUBMITTED))
            plan_day = datetime.date(2024, 10, 15) if position != len(members) - 1 else datetime.date(2025, 4, 1)
            if active(teacher, plan_day):
                works.append(Work(code=code("W", studio), teacher=teacher, studio=studio, kind=Work.Kind.DEV_PLAN,
                                  title="三年个人发展规划", date=plan_day, char_count=1500,
                                  char_count_source=Work.CountSource.LEDGER, status=Work.Status.SUBMITTED))

        # Studio documents: plans and summaries for each year; the current year's plan awaits review.
        for year in years:
            plan_status = StudioDocument.Status.APPROVED
            if year.start_year == 2026:
                plan_status = StudioDocument.Status.SUBMITTED if index % 2 == 0 else StudioDocument.Status.RETURNED
            submitted = year.start + datetime.timedelta(days=14)
            documents.append(StudioDocument(
                code=code("D", studio), studio=studio, kind=StudioDocument.Kind.WORK_PLAN, school_year=year,
                title=f"{studio.name}{year.label}学年工作计划", status=plan_status, submitted_on=submitted,
                decided_on=None if plan_status == StudioDocument.Status.SUBMITTED else submitted
                + datetime.timedelta(days=5),
                decided_by=None if plan_status == StudioDocument.Status.SUBMITTED else ctx.officer,
                review_comment=RETURN_COMMENT if plan_status == StudioDocument.Status.RETURNED else "",
            ))
            if year.end < today and not (year.start_year == 2025 and index == 3):  # one studio's summary missing
                late = year.start_year == 2025 and index == 5
                handed = year.end + datetime.timedelta(days=45 if late else 20)
                documents.append(StudioDocument(
                    code=code("D", studio), studio=studio, kind=StudioDocument.Kind.ANNUAL_SUMMARY, school_year=year,
                    title=f"{studio.name}{year.label}学年工作总结", status=StudioDocument.Status.APPROVED,
                    submitted_on=handed, decided_on=handed + datetime.timedelta(days=7), decided_by=ctx.officer,
                ))
        documents.append(StudioDocument(
            code=code("D", studio), studio=studio, kind=StudioDocument.Kind.TRAINING_PLAN, school_year=years[0],
            title=f"{studio.name}成员培养计划（2024—2027）", status=StudioDocument.Status.APPROVED,
            submitted_on=datetime.date(2024, 9, 20), decided_on=datetime.date(2024, 9, 28), decided_by=ctx.officer,
        ))
        if index % 3 == 0:
            documents.append(StudioDocument(
                code=code("D", studio), studio=studio, kind=StudioDocument.Kind.SURVEY_REPORT, school_year=years[1],
                title=f"关于{studio.subject}学科乡村教学现状的调研报告", status=StudioDocument.Status.APPROVED,
                submitted_on=datetime.date(2026, 5, 10), decided_on=datetime.date(2026, 5, 20),
                decided_by=ctx.officer,
            ))

        # A research project of the cycle; the first studios concluded theirs.
        concluded = datetime.date(2026, 6, 20) if index < 5 else None
        project = ResearchProject(
            code=f"P-{studio.code}-1", studio=studio, title=f"{studio.subject}{rng.choice(PAPER_TOPICS)}",
            level=Level.CITY if index % 2 == 0 else Level.BANNER, approved_on=datetime.date(2024, 11, 10),
            concluded_on=concluded, leader=host,
        )
        projects.append(project)
        participants.append((project, members[: max(2, len(members) - 2)]))

        # Mentoring pairs: the host and most members, a visit or two each; the last member has none yet.
        for position, teacher in enumerate([host, *members[:-1]]):
            started = datetime.date(2024 + position % 2, 10, rng.randint(1, 28))
            if not (spans.get(teacher.pk) and spans[teacher.pk].joined_on <= started):
                continue
            pair = MentoringPair(code=f"M-{studio.code}-{position + 1:02d}", teacher=teacher, studio=studio,
                                 mentee_name=rng.choice(MENTEE_NAMES), mentee_school=rng.choice(RURAL_SCHOOLS),
                                 started_on=started, notes="每学期至少送教一次，线上交流教学设计。")
            pairs.append(pair)
            visit_days = [started + datetime.timedelta(days=30 * (n + 1)) for n in range(rng.randint(1, 3))]
            visit_specs.append((pair, visit_days))

        # Tasks: two a year to every active member; one completed late, and one overdue now.
        for year in years:
            for number, (first, last) in enumerate((year.semester_bounds(1), year.semester_bounds(2))):
                due = last - datetime.timedelta(days=15)
                if first + datetime.timedelta(days=30) > today:
                    continue
                task = Task(code=f"K-{studio.code}-{year.start_year}-{number + 1}", studio=studio,
                            title=TASKS[(number + year.start_year) % len(TASKS)], due_on=due,
                            created_by=host.user)
                tasks.append(task)
                people = [teacher for teacher in members if active(teacher, first + datetime.timedelta(days=30))]
                specs = []
                for position, teacher in enumerate(people):
                    if due > today:
                        done = None if position % 2 else today - datetime.timedelta(days=rng.randint(0, 5))
                    elif position == 0 and number == 1 and year.start_year == 2025:
                        done = due + datetime.timedelta(days=9)  # late, and it stays late
                    else:
                        done = due - datetime.timedelta(days=rng.randint(1, 20))
                    specs.append((teacher, done))
                assignment_specs.append((task, specs))
            if year.start_year == 2026 and index % 2 == 1:
                overdue = Task(code=f"K-{studio.code}-2026-x", studio=studio, title="提交学期初教学计划",
                               due_on=datetime.date(2026, 10, 15), created_by=host.user)
                tasks.append(overdue)
                assignment_specs.append((overdue, [(teacher, None) for teacher in members[:2]]))

        # Host evaluations for the finished years; one member of one studio not yet evaluated for 2025-2026.
        for year in years[:2]:
            for position, teacher in enumerate(members):
                span = spans.get(teacher.pk)
                if span is None or span.joined_on > year.end or (span.left_on and span.left_on < year.start):
                    continue
                if year.start_year == 2025 and index == 2 and position == 0:
                    continue
                evaluations.append(HostEvaluation(
                    studio=studio, school_year=year, teacher=teacher, evaluated_by=host.user,
                    **{name: rng.randint(72, 98) for name in HostEvaluation.SCORE_FIELDS},
                    comment=rng.choice(EVALUATION_COMMENTS),
                ))

        # Funds: an allocation a year and expenses in the allowed categories, with one 其他 expense.
        for year in years:
            allocation_day = year.start + datetime.timedelta(days=20)
            if allocation_day > today:
                continue
            funds.append(FundEntry(code=f"F-{studio.code}-{year.start_year}-0", studio=studio, school_year=year,
                                   kind=FundEntry.Kind.ALLOCATION, amount=Decimal("30000"), date=allocation_day,
                                   description="旗教体局名师工作室专项经费"))
            spend = list(SPENDING)
            if index == 4 and year.start_year == 2025:
                spend.append((FundEntry.Category.OTHER, "工作室聚餐"))
            for number, (category, description) in enumerate(spend, start=1):
                day = _rng_date(rng, allocation_day, min(year.end, today))
                funds.append(FundEntry(code=f"F-{studio.code}-{year.start_year}-{number}", studio=studio,
                                       school_year=year, kind=FundEntry.Kind.EXPENSE, category=category,
                                       amount=Decimal(rng.randint(1500, 6000)), date=day, description=description))

        locks.append(YearLock(studio=studio, school_year=years[0], locked_by=ctx.officer))

    Work.objects.bulk_create(works, batch_size=500)
    # Every document handed in carries its file, as the service requires; the studio's members may read it.
    for document in documents:
        if document.status != StudioDocument.Status.DRAFT and document.upload_id is None:
            text = f"{document.title}\n\n一、指导思想\n二、工作目标\n三、主要任务与措施\n四、时间安排\n五、保障措施\n"
            checked = check_upload(SimpleUploadedFile(f"{document.title}.txt", text.encode()), WRITING)
            document.upload = upload_create(checked=checked, original_name=f"{document.title}.txt", user=None,
                                            studio=document.studio, visibility=Upload.Visibility.STUDIO)
    StudioDocument.objects.bulk_create(documents, batch_size=500)
    ResearchProject.objects.bulk_create(projects)
    through = ResearchProject.participants.through
    through.objects.bulk_create([through(researchproject_id=project.pk, teacher_id=teacher.pk)
                                 for project, people in participants for teacher in people])
    MentoringPair.objects.bulk_create(pairs)
    MentoringVisit.objects.bulk_create([MentoringVisit(pair=pair, visited_on=day, note=VISIT_NOTE)
                                        for pair, days in visit_specs for day in days if day <= today])
    Task.objects.bulk_create(tasks)
    TaskAssignment.objects.bulk_create([TaskAssignment(task=task, teacher=teacher, completed_on=done)
                                        for task, specs in assignment_specs for teacher, done in specs])
    HostEvaluation.objects.bulk_create(evaluations)
    FundEntry.objects.bulk_create(funds)
    YearLock.objects.bulk_create(locks)
    for model in (Work, StudioDocument, ResearchProject, MentoringPair, Task, FundEntry):
        fill_missing_codes(model)  # bulk_create skips save(): every record has its code, as typed ones do
    _document_trail(documents, ctx)
    _real_files(ctx)
    _evidence_to_verify(ctx)


def _document_trail(documents, ctx):
    """The review trail of each demo document, as the workflow would have written it."""
    content_type = ContentType.objects.get_for_model(StudioDocument)
    entries = []
    for document in documents:
        submitted = datetime.datetime.combine(document.submitted_on, datetime.time(9, 0),
                                              tzinfo=datetime.UTC)
        host = next((ns.host for ns in ctx.studios if ns.studio.pk == document.studio_id), None)
        common = {"target_type": content_type, "target_id": str(document.pk), "target_repr": document.title[:255],
                  "studio_id": document.studio_id}
        entries.append(AuditEntry(created_at=submitted, actor=host.user if host else None, action="document.submit",
                                  from_state="draft", to_state="submitted", **common))
        if document.decided_on:
            decided = datetime.datetime.combine(document.decided_on, datetime.time(15, 0),
                                                tzinfo=datetime.UTC)
            action = "document.approve" if document.status == StudioDocument.Status.APPROVED else "document.return"
            entries.append(AuditEntry(created_at=decided, actor=ctx.officer, action=action, from_state="submitted",
                                      to_state=document.status, comment=document.review_comment, **common))
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def _real_files(ctx):
    """A .docx paper and a .txt reflection with real files for the first members of the first studio."""
    ns = ctx.studios[0]
    for position, teacher in enumerate(ns.members[:2]):
        paper = _real_file("阅读教学研究论文.docx", _docx("\n".join([PAPER_TEXT] * (25 + position * 3))),
                           user=teacher.user, studio=ns.studio, owner=teacher)
        Work.objects.create(teacher=teacher, studio=ns.studio, kind=Work.Kind.PAPER, title="小学语文阅读教学研究",
                            date=min(ctx.today, datetime.date(2026, 10, 20)), upload=paper,
                            char_count=paper.text_chars, char_count_source=Work.CountSource.FILE,
                            status=Work.Status.SUBMITTED)
        reflection = _real_file("研修心得.txt", ("\n".join([REFLECTION_TEXT] * 26)).encode(), user=teacher.user,
                                studio=ns.studio, owner=teacher)
        Work.objects.create(teacher=teacher, studio=ns.studio, kind=Work.Kind.REFLECTION, title="研修心得体会（一）",
                            date=min(ctx.today, datetime.date(2026, 11, 2)), upload=reflection,
                            char_count=reflection.text_chars, char_count_source=Work.CountSource.FILE,
                            status=Work.Status.SUBMITTED)
    Work.objects.create(teacher=ns.members[0], studio=ns.studio, kind=Work.Kind.CASE, title="整本书阅读教学案例",
                        date=min(ctx.today, datetime.date(2026, 11, 15)), status=Work.Status.DRAFT)


NEAR_COPY_SENTENCES = [
    "大单元教学要求教师把零散的课文放回单元整体中思考，先明确单元的核心任务，再安排每一课的学习活动。",
    "在四年级《观潮》一课中，我们让学生先圈画描写声音的词语，再用自己的话复述潮来时的情景。",
    "课堂观察发现，学生在小组合作中往往只分工不合作，教师需要给出明确的讨论规则和汇报要求。",
    "作业设计应当分层，基础题保证人人能完成，拓展题让学有余力的学生有机会挑战自己。",
    "我们用学习单记录学生的预习情况，课上根据学习单的反馈调整讲解的重点和顺序。",
    "评价不只看结果，也要看过程：课堂发言、小组记录和课后反思都是评价学生的依据。",
    "乡村学校的学生阅读量普遍偏少，工作室为每个班配送了整本书阅读书目并安排共读时间。",
    "一学期下来，班级学生的阅读理解平均得分提高了八分，愿意主动表达的学生明显增多。",
]
OWN_SENTENCES = [
    "结合本校实际，我把每周二的午读时间改为主题阅读分享，由学生轮流主持。",
    "下一步我准备把这一做法推广到五年级，并在期末做一次前后测对比。",
]


def _page_photo(seed: int) -> bytes:
    """A small grey photo of a page, different for each seed (a scan has no text the app can read)."""
    import struct
    import zlib

    width, height = 64, 90
    rows = b"".join(b"\x00" + bytes((200 + (x * 7 + y * 3 + seed) % 40) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _evidence_to_verify(ctx):
    """What waits for the office's verification (clarification 10), through the services as a member would hand
    it in: titles recorded by members with their certificates, counts typed for photos of handwritten pages, and a
    near-copy of a colleague's paper. (A year signed off and then reopened: assessments.demo, once every record
    is in.)"""
    from members import services as member_services
    from members.models import Title

    from . import services

    day = min(ctx.today, datetime.date(2026, 11, 20))
    for position, ns in enumerate(ctx.studios[1:3]):
        member = ns.members[-1]
        member_services.title_create(
            actor=member.user, teacher=member, kind=Title.Kind.BACKBONE, level=Level.BANNER,
            awarded_on=datetime.date(2026, 9, 10 + position),
            certificate_file=SimpleUploadedFile("骨干教师证书.png", _page_photo(100 + position),
                                                content_type="image/png"))
        services.work_create(
            actor=member.user, teacher=member, studio=ns.studio, kind=Work.Kind.REFLECTION,
            title="手写研修心得（拍照）", date=day, char_count=1150 + position * 40, submit=True,
            file=SimpleUploadedFile("心得照片.png", _page_photo(position), content_type="image/png"))
    ns = ctx.studios[3]
    original, copier = ns.members[0], ns.members[1]
    services.work_create(
        actor=original.user, teacher=original, studio=ns.studio, kind=Work.Kind.PAPER, title="大单元阅读教学的实践",
        date=day - datetime.timedelta(days=20), submit=True,
        file=SimpleUploadedFile("大单元阅读教学.docx", _docx("\n".join(NEAR_COPY_SENTENCES * 4))))
    copied = NEAR_COPY_SENTENCES[2:] + NEAR_COPY_SENTENCES[:2] + OWN_SENTENCES
    services.work_create(
        actor=copier.user, teacher=copier, studio=ns.studio, kind=Work.Kind.PAPER, title="单元整体教学中的阅读指导",
        date=day, submit=True, file=SimpleUploadedFile("阅读指导.docx", _docx("\n".join(copied * 4))))

"""The scenarios' common ground, in ledger rows: a studio whose cycle is 2022-2023 … 2024-2025 (all in the past,
so that nothing is refused as future-dated), its people, and a school year in which it does everything the
regulation asks — the tests then take one thing away or move one date.

Calendar (the default one, ledger-workbook.md): a school year runs 1 September – 31 August, semester 2 from
1 February. So 2022-2023-1 is 2022-09-01 … 2023-01-31 and 2022-2023-2 is 2023-02-01 … 2023-08-31.
"""

from __future__ import annotations

import datetime

from .ledger import Ledger, d

STUDIO = "WS-01"
CYCLE_START = "2022-2023"
YEARS = ("2022-2023", "2023-2024", "2024-2025")
HOST = "T-001"
YOUNG = "T-002"  # 27 on the cycle's first day
SENIOR = "T-003"  # 42 on the cycle's first day
MEMBERS = (YOUNG, SENIOR)


def year_bounds(label: str):
    first = int(label[:4])
    return (datetime.date(first, 9, 1), datetime.date(first + 1, 1, 31), datetime.date(first + 1, 2, 1),
            datetime.date(first + 1, 8, 31))


def iso(day: datetime.date) -> str:
    return day.isoformat()


def shift(day: str, days: int) -> str:
    return iso(d(day) + datetime.timedelta(days=days))


def studio_world(ledger: Ledger | None = None, *, studio=STUDIO, start=CYCLE_START, host=HOST, members=MEMBERS,
                 joined=None, teachers=True) -> Ledger:
    """A studio with its host and members, everyone a member from the cycle's first day."""
    ledger = ledger or Ledger()
    joined = joined or f"{start[:4]}-09-01"
    if teachers:
        people = {HOST: ("王主持", "1975-03-01"), YOUNG: ("李青", "1995-03-01"), SENIOR: ("赵成", "1980-03-01")}
        for code in sorted({host, *members}):
            name, born = people.get(code, (f"教师{code}", "1985-03-01"))
            ledger.teacher(code, name, born)
    ledger.studio(studio, f"{studio}名师工作室", start, host)
    ledger.member(studio, host, joined, role="主持人")
    for code in members:
        ledger.member(studio, code, joined)
    return ledger


def good_year(ledger: Ledger, year: str, *, studio=STUDIO, host=HOST, members=MEMBERS, skip=()) -> Ledger:
    """Everything one school year asks of the studio and of each member, every activity attended. `skip` leaves
    out named parts (e.g. {"T-OUTREACH"}) so that a test can take exactly one thing away."""
    start1, end1, start2, end2 = year_bounds(year)
    tag = f"{studio}-{year[:4]}"
    held = []

    def act(kind, day, **options):
        code = f"{tag}-A{len(held) + 1:02d}"
        if options.pop("filed", False):
            ledger.filed(code, studio, kind, iso(day), approved=iso(day - datetime.timedelta(days=10)),
                         number=f"乌教研发〔{day.year}〕{tag}-{len(held) + 1}号", **options)
        else:
            ledger.activity(code, studio, kind, iso(day), **options)
        held.append(code)
        return code

    for semester, first in ((1, start1), (2, start2)):
        def day(offset, first=first):
            return first + datetime.timedelta(days=offset)

        if "T-PUBLIC-LECTURE" not in skip:
            act("报告会", day(20), filed=True, organiser=host)
        if "T-SEMINAR" not in skip:
            act("专题研讨", day(30), filed=True, organiser=members[0])
            act("专题研讨", day(40), filed=True, organiser=members[-1])
        if "T-MEETINGS" not in skip:
            act("工作部署会", day(3), organiser=host)
            act("阶段性总结会", day(100), organiser=host)
        if "T-STUDY" not in skip:
            act("工作研讨", day(50), organiser=host)
            act("外出学习", day(60), organiser=host)
        for number, teacher in enumerate(members):
            if "I-PAPER" not in skip:
                ledger.work(f"{tag}-P{semester}{teacher}", teacher, studio, "论文", iso(day(70 + number)), 2000)
            if "I-STAGE-SUMMARY" not in skip:
                ledger.work(f"{tag}-S{semester}{teacher}", teacher, studio, "阶段总结", iso(day(110)), 1200)
    if "T-OUTREACH" not in skip:
        act("送教下乡", start2 + datetime.timedelta(days=45), organiser=host)
    for number, teacher in enumerate(members):
        if "I-LECTURE" not in skip:
            act("公开课" if number % 2 else "专题讲座", start1 + datetime.timedelta(days=80 + number),
                organiser=teacher)
        if "I-REFLECTION" not in skip:
            ledger.work(f"{tag}-R{teacher}", teacher, studio, "反思总结", iso(start2 + datetime.timedelta(days=90)),
                        1000)
        if "I-DESIGNS" not in skip:
            ledger.work(f"{tag}-D1{teacher}", teacher, studio, "教学设计", iso(start1 + datetime.timedelta(days=15)))
            ledger.work(f"{tag}-D2{teacher}", teacher, studio, "教学案例", iso(start2 + datetime.timedelta(days=15)))
        if "I-TASKS" not in skip:
            ledger.task(f"{tag}-K{teacher}", studio, teacher, iso(start2 + datetime.timedelta(days=30)),
                        done=iso(start2 + datetime.timedelta(days=20)))
        if "T-EVALUATION" not in skip:
            ledger.evaluation(studio, year, teacher, 88)
    if "I-ATTENDANCE" not in skip:
        for code in held:
            for teacher in members:
                ledger.attendance(code, teacher, "出席")
    if "T-PLAN" not in skip:
        ledger.document(f"{tag}-PLAN", studio, "年度工作计划", year, iso(start1 - datetime.timedelta(days=10)))
    if "T-SUMMARY" not in skip:
        ledger.document(f"{tag}-SUM", studio, "年度总结", year, iso(end2 + datetime.timedelta(days=10)))
    if "T-FUNDS" not in skip:
        ledger.fund(f"{tag}-F1", studio, year, "拨款", 20000, iso(start1 + datetime.timedelta(days=5)))
        ledger.fund(f"{tag}-F2", studio, year, "支出", 3000, iso(start1 + datetime.timedelta(days=35)), "图书设备")
        ledger.fund(f"{tag}-F3", studio, year, "支出", 5000, iso(start2 + datetime.timedelta(days=35)), "专家费用")
    return ledger


def good_cycle_rules(ledger: Ledger, *, studio=STUDIO, start=CYCLE_START, host=HOST, members=MEMBERS,
                     skip=()) -> Ledger:
    """What the cycle rules ask, done in the cycle's first year."""
    first = int(start[:4])
    tag = f"{studio}-C"
    if "T-RESEARCH" not in skip:
        ledger.project(f"{tag}-PR1", studio, "市级", f"{first}-10-01", host, concluded=f"{first + 1}-06-30",
                       members="、".join(members))
    if "T-YOUNG-BACKBONE" not in skip:
        ledger.title(YOUNG, "骨干教师", "旗级", f"{first + 1}-03-01")
    if "T-CULTIVATE" not in skip:
        ledger.title(SENIOR, "学科带头人", "市级", f"{first + 1}-05-01")
        if "T-YOUNG-BACKBONE" in skip:
            ledger.title(YOUNG, "骨干教师", "旗级", f"{first + 1}-03-01")
    if "T-TRAINING-PLAN" not in skip:
        ledger.document(f"{tag}-TP", studio, "培养计划", start, f"{first}-09-20")
    if "T-REPORT" not in skip:
        ledger.document(f"{tag}-RR", studio, "研究报告", start, f"{first + 3}-08-20", state="待审核")
    for number, teacher in enumerate((host, *members)):
        if "I-MENTOR" not in skip:
            ledger.mentoring(f"{tag}-M{number}", teacher, f"{first}-10-{10 + number}", partner=f"乡村教师{number}")
        if teacher != host and "I-DEV-PLAN" not in skip:
            ledger.work(f"{tag}-DP{teacher}", teacher, studio, "发展规划", f"{first}-09-15", 1500)
    return ledger

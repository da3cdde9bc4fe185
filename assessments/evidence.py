"""Plain, database-free description of the evidence the assessment rules read.

The ORM loader maps Django models onto these frozen dataclasses; the rules and
the engine never see the database. Vocabulary constants live here so that the
Django models can import them for their ``choices``.

All codes are English value strings; Chinese labels are given alongside for
pages, exports and the ledger workbook.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

# --- vocabulary -------------------------------------------------------------

ROLES = ("host", "member")
ROLE_LABELS = {"host": "主持人", "member": "成员"}

# Ordered from lowest to highest; "旗级以上" means rank >= banner.
LEVELS = ("banner", "city", "region", "national")
LEVEL_LABELS = {
    "banner": "旗级",
    "city": "市级",
    "region": "自治区级",
    "national": "国家级",
}
LEVEL_RANK = {code: rank for rank, code in enumerate(LEVELS, start=1)}
BANNER = "banner"

TITLE_KINDS = (
    "teaching_expert",
    "backbone",
    "subject_leader",
    "master",
    "special_grade",
    "skills_first_prize",
    "moral_first_prize",
)
TITLE_KIND_LABELS = {
    "teaching_expert": "教学能手",
    "backbone": "骨干教师",
    "subject_leader": "学科带头人",
    "master": "名师",
    "special_grade": "特级教师",
    "skills_first_prize": "基本功大赛一等奖",
    "moral_first_prize": "德育类竞赛一等奖",
}
# "Backbone or above" per the regulation's reading (二十.2, 九).
BACKBONE_OR_ABOVE = frozenset({"backbone", "subject_leader", "master", "special_grade"})

ACTIVITY_KINDS = (
    "deployment_meeting",
    "summary_meeting",
    "work_seminar",
    "report_meeting",
    "study_trip",
    "lecture",
    "report",
    "seminar",
    "open_class",
    "observation",
    "outreach",
    "teaching_support",
    "reading",
    "other",
)
ACTIVITY_KIND_LABELS = {
    "deployment_meeting": "工作部署会",
    "summary_meeting": "阶段性总结会",
    "work_seminar": "工作研讨",
    "report_meeting": "汇报会",
    "study_trip": "外出学习",
    "lecture": "专题讲座",
    "report": "报告会",
    "seminar": "专题研讨",
    "open_class": "公开课",
    "observation": "听课磨课",
    "outreach": "送教下乡",
    "teaching_support": "支教",
    "reading": "读书交流",
    "other": "其他",
}

SCOPES = ("studio", "school", "banner")
SCOPE_LABELS = {"studio": "工作室", "school": "学校", "banner": "全旗"}

ACTIVITY_STATUSES = ("planned", "held", "cancelled")
ACTIVITY_STATUS_LABELS = {"planned": "计划", "held": "已举行", "cancelled": "已取消"}

FILING_STATUSES = ("none", "draft", "submitted", "approved", "returned", "withdrawn")
FILING_STATUS_LABELS = {
    "none": "无需备案",
    "draft": "草稿",
    "submitted": "待审核",
    "approved": "已批准",
    "returned": "退回",
    "withdrawn": "已撤回",
}

ATTENDANCE_STATUSES = ("present", "excused", "absent")
ATTENDANCE_STATUS_LABELS = {"present": "出席", "excused": "请假", "absent": "缺席"}

WORK_KINDS = ("paper", "reflection", "design", "case", "stage_summary", "dev_plan")
WORK_KIND_LABELS = {
    "paper": "论文",
    "reflection": "反思总结",
    "design": "教学设计",
    "case": "教学案例",
    "stage_summary": "阶段总结",
    "dev_plan": "发展规划",
}
# A work counts once it is handed in; drafts and returned works do not.
# "declined": the office declined it as a near-copy of another work (clarification 10); it counts for nothing.
WORK_STATUSES = ("draft", "submitted", "approved", "returned", "declined")
WORK_STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交",
    "approved": "已通过",
    "returned": "退回",
    "declined": "查重未通过",
}
COUNTED_WORK_STATUSES = frozenset({"submitted", "approved"})

# Whether a work's 字数 can be trusted (clarification 10): the file's own count, a ledger's, or a typed count that
# the office verified or text recognition (OCR) confirmed — "confirmed"; a typed count for a scan still waiting —
# "unverified" (待核实); a typed count the office declined — "declined".
COUNT_STATUSES = ("confirmed", "unverified", "declined")

DOCUMENT_KINDS = (
    "work_plan",
    "annual_summary",
    "training_plan",
    "research_report",
    "survey_report",
)
DOCUMENT_KIND_LABELS = {
    "work_plan": "年度工作计划",
    "annual_summary": "年度总结",
    "training_plan": "培养计划",
    "research_report": "研究报告",
    "survey_report": "调研报告",
}
DOCUMENT_STATUSES = ("draft", "submitted", "approved", "returned")
DOCUMENT_STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "待审核",
    "approved": "已通过",
    "returned": "退回",
}

FUND_KINDS = ("allocation", "expense")
FUND_KIND_LABELS = {"allocation": "拨款", "expense": "支出"}
FUND_CATEGORIES = ("books_equipment", "research", "experts", "member_travel", "other")
FUND_CATEGORY_LABELS = {
    "books_equipment": "图书设备",
    "research": "课题研究",
    "experts": "专家费用",
    "member_travel": "成员考察差旅劳务",
    "other": "其他",
}
# 十九: the uses the regulation allows; "other" needs an office exception.
ALLOWED_FUND_CATEGORIES = frozenset(
    {"books_equipment", "research", "experts", "member_travel"}
)

PERIOD_KINDS = ("semester", "year", "cycle")
STATUSES = ("met", "not_met", "pending", "not_applicable")
STATUS_LABELS = {
    "met": "达标",
    "not_met": "未达标",
    "pending": "进行中",
    "not_applicable": "不适用",
}
VERDICTS = ("pass", "fail", "pending")
VERDICT_LABELS = {"pass": "合格", "fail": "不合格", "pending": "待定"}

CYCLE_LABEL = "cycle"
CYCLE_YEARS = 3


def level_rank(level: str | int) -> int:
    """Rank of a level code (banner=1 … national=4); ints pass through."""
    if isinstance(level, int):
        return level
    return LEVEL_RANK[level]


def as_tuple(values) -> tuple:
    return tuple(values) if values is not None else ()


# --- calendar ---------------------------------------------------------------


@dataclass(frozen=True)
class SchoolYear:
    """A school year such as "2024-2025" with its office-set semester boundary."""

    label: str
    start: date
    end: date
    semester2_start: date

    def __post_init__(self):
        if not (self.start < self.semester2_start <= self.end):
            raise ValueError(f"{self.label}: need start < semester2_start <= end")

    @classmethod
    def default(cls, label: str) -> SchoolYear:
        """The default calendar: 1 September – 31 August, semester 2 from 1 February."""
        first = first_calendar_year(label)
        return cls(
            label=label,
            start=date(first, 9, 1),
            end=date(first + 1, 8, 31),
            semester2_start=date(first + 1, 2, 1),
        )


def first_calendar_year(label: str) -> int:
    """2024 for "2024-2025"; rejects labels whose years do not follow each other."""
    try:
        first, second = (int(part) for part in label.split("-"))
    except ValueError as exc:
        raise ValueError(f"bad school year label {label!r}") from exc
    if second != first + 1:
        raise ValueError(f"bad school year label {label!r}")
    return first


def school_year_label(first_year: int) -> str:
    return f"{first_year}-{first_year + 1}"


@dataclass(frozen=True)
class Period:
    """One evaluation period. Labels follow assessment-json.md:
    "2024-2025-1" / "2024-2025-2" for semesters, "2024-2025" for a year, "cycle"."""

    kind: str
    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


# --- settings ---------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Thresholds the office can change; a result records the ones it used."""

    paper_min_chars: int = 1800  # 二十一.2 "2000字左右"
    reflection_min_chars: int = 900  # 二十一.3 "1000字左右"
    young_max_age: int = 35  # 二十.2 青年成员: 35周岁以下 on the cycle's first day
    summary_grace_days: int = (
        30  # 十四 annual summary may come this long after year end
    )
    attendance_min_ratio: float = 1.0  # 二十一.6
    cultivate_min: int = 2  # 九 "培养出2-3名骨干教师"
    public_lecture_min: int = 1  # 二十.3 per semester
    seminar_min: int = 2  # 二十.4 per semester
    study_min: int = 2  # 十八.1 per semester
    outreach_min: int = 1  # 十一 per year
    research_min: int = 1  # 八/二十.1 per cycle
    designs_min: int = 2  # 二十一.4 per year
    lecture_min: int = 1  # 十七.3 per year (I-LECTURE)

    def as_dict(self) -> dict:
        # Stored settings may hold Decimals (a DecimalField ratio); JSON wants plain numbers.
        return {
            key: float(value) if isinstance(value, Decimal) else value
            for key, value in dataclasses.asdict(self).items()
        }

    @classmethod
    def from_dict(cls, values: dict | None) -> Settings:
        """Build from stored values, ignoring unknown keys and keeping defaults for missing ones."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known})


# --- people -----------------------------------------------------------------


class Span(NamedTuple):
    """A membership from ``joined`` to ``left`` inclusive; ``left`` None = still a member."""

    joined: date
    left: date | None = None


class Title(NamedTuple):
    kind: str  # one of TITLE_KINDS
    level: str  # one of LEVELS
    awarded_on: date
    verified: bool = True  # clarification 10: counts only once the office has verified it (待核实 until then)


@dataclass(frozen=True)
class Person:
    teacher: str  # teacher code, e.g. "T-003"
    name: str
    role: str  # "host" | "member"
    birth_date: date | None
    memberships: tuple[Span, ...] = ()
    titles: tuple[Title, ...] = ()

    def __post_init__(self):
        # Loaders may hand in plain tuples/lists; normalise so rules can use attributes.
        object.__setattr__(
            self, "memberships", tuple(Span(*s) for s in as_tuple(self.memberships))
        )
        object.__setattr__(
            self, "titles", tuple(Title(*t) for t in as_tuple(self.titles))
        )

    @property
    def is_host(self) -> bool:
        return self.role == "host"


# --- records ----------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    ref: str  # activity code (活动编号)
    kind: str  # one of ACTIVITY_KINDS
    scope: str  # one of SCOPES
    date: date
    status: str = "held"
    organiser: str | None = None  # teacher code; the presenter for lecture/open_class
    attendance_required: bool = True
    filing_status: str = "none"
    filing_approved_on: date | None = None
    doc_number: str = ""
    title: str = ""


@dataclass(frozen=True)
class Attendance:
    activity: str  # Activity.ref
    teacher: str
    status: str  # "present" | "excused" | "absent"


@dataclass(frozen=True)
class Work:
    ref: str
    teacher: str
    kind: str  # one of WORK_KINDS
    date: date
    char_count: int | None = None
    status: str = "submitted"
    title: str = ""
    count_status: str = "confirmed"  # one of COUNT_STATUSES


@dataclass(frozen=True)
class Project:
    ref: str
    level: str
    approved_on: date
    concluded_on: date | None = None
    leader: str | None = None
    participants: tuple[str, ...] = ()
    title: str = ""

    def __post_init__(self):
        object.__setattr__(self, "participants", as_tuple(self.participants))

    def involves(self, teacher: str) -> bool:
        return teacher == self.leader or teacher in self.participants


@dataclass(frozen=True)
class MentoringPair:
    ref: str
    teacher: str
    started_on: date
    ended_on: date | None = None
    mentee: str = ""


@dataclass(frozen=True)
class TaskAssignment:
    ref: str  # task code; several rows may share it (one per assignee)
    teacher: str
    due_on: date
    completed_on: date | None = None
    title: str = ""


@dataclass(frozen=True)
class StudioDocument:
    ref: str
    kind: str  # one of DOCUMENT_KINDS
    school_year: str  # label, e.g. "2024-2025"
    submitted_on: date | None
    status: str  # one of DOCUMENT_STATUSES
    approved_on: date | None = None


@dataclass(frozen=True)
class Evaluation:
    """The host's scores (0–100) for one member and school year (十六.4)."""

    teacher: str
    school_year: str
    attitude: Decimal | int | None = None  # 工作态度
    task_completion: Decimal | int | None = None  # 任务完成量
    research: Decimal | int | None = None  # 研究能力
    theory: Decimal | int | None = None  # 理论提高
    teaching: Decimal | int | None = None  # 教学能力

    @property
    def complete(self) -> bool:
        scores = (
            self.attitude,
            self.task_completion,
            self.research,
            self.theory,
            self.teaching,
        )
        return all(score is not None for score in scores)


@dataclass(frozen=True)
class FundEntry:
    ref: str
    kind: str  # "allocation" | "expense"
    school_year: str
    amount: Decimal
    category: str | None = None  # expenses only; one of FUND_CATEGORIES
    date: date | None = None
    exception_approved: bool = (
        False  # office approved an expense outside the allowed uses
    )


@dataclass(frozen=True)
class StudioEvidence:
    """Everything the rules read about one studio and its current cycle."""

    studio: str
    cycle_start: str  # school year label of cycle year 1
    school_years: tuple[SchoolYear, ...]  # the 3 school years of the cycle, in order
    people: tuple[Person, ...] = ()
    activities: tuple[Activity, ...] = ()
    attendances: tuple[Attendance, ...] = ()
    works: tuple[Work, ...] = ()
    projects: tuple[Project, ...] = ()
    mentoring_pairs: tuple[MentoringPair, ...] = ()
    tasks: tuple[TaskAssignment, ...] = ()
    documents: tuple[StudioDocument, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    funds: tuple[FundEntry, ...] = ()
    name: str = ""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
        labels = [year.label for year in self.school_years]
        expected = cycle_year_labels(self.cycle_start)
        if labels != expected:
            raise ValueError(
                f"{self.studio}: cycle years {labels} should be {expected}"
            )

    def year(self, label: str) -> SchoolYear:
        for school_year in self.school_years:
            if school_year.label == label:
                return school_year
        raise KeyError(f"{label} is not a school year of {self.studio}'s cycle")

    def person(self, teacher: str) -> Person | None:
        return next((p for p in self.people if p.teacher == teacher), None)

    def replace(self, **changes) -> StudioEvidence:
        return dataclasses.replace(self, **changes)

    @cached_property
    def index(self) -> EvidenceIndex:
        """The records grouped for the rules' look-ups, built on first use (the evidence never changes;
        ``replace`` makes new evidence with an index of its own)."""
        return EvidenceIndex(self)

    def drop_index(self) -> None:
        """Free the index; it is built again if needed. The engine drops it after assessing, so that a
        region's evidence held in memory at once does not also hold every studio's index."""
        self.__dict__.pop("index", None)


def _grouped(records: Iterable, key: Callable) -> dict:
    groups: dict = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return {value: tuple(group) for value, group in groups.items()}


class EvidenceIndex:
    """One studio's records grouped once, so that a rule instance reads only its own rows instead of
    scanning the whole studio's evidence for every person and period.

    Every group keeps the order of the evidence, so a rule lists the records that counted (and the
    notes on those that did not) in the same order as a scan of the whole evidence would.
    """

    def __init__(self, evidence: StudioEvidence):
        self._works = _grouped(evidence.works, lambda work: work.teacher)
        self._works_of_kinds: dict[tuple[str, frozenset[str]], tuple[Work, ...]] = {}
        self._tasks = _grouped(evidence.tasks, lambda task: task.teacher)
        self._pairs = _grouped(evidence.mentoring_pairs, lambda pair: pair.teacher)
        self._organised = _grouped(evidence.activities, lambda activity: activity.organiser)
        # The last row wins when an activity has two rows for the same teacher.
        self.attendance: dict[tuple[str, str], str] = {
            (row.activity, row.teacher): row.status for row in evidence.attendances
        }
        self._required = tuple(a for a in evidence.activities if a.status == "held" and a.attendance_required)
        self._required_in: dict[tuple[date, date, date], tuple[Activity, ...]] = {}

    def works_of(self, teacher: str) -> tuple[Work, ...]:
        return self._works.get(teacher, ())

    def works_of_kinds(self, teacher: str, kinds: frozenset[str]) -> tuple[Work, ...]:
        """The teacher's works of these kinds, in the evidence's order: picked once per teacher and set of kinds,
        then read by every period's instance of the rules that count them."""
        key = (teacher, kinds)
        found = self._works_of_kinds.get(key)
        if found is None:
            found = self._works_of_kinds[key] = tuple(w for w in self._works.get(teacher, ()) if w.kind in kinds)
        return found

    def tasks_of(self, teacher: str) -> tuple[TaskAssignment, ...]:
        return self._tasks.get(teacher, ())

    def pairs_of(self, teacher: str) -> tuple[MentoringPair, ...]:
        return self._pairs.get(teacher, ())

    def organised_by(self, teacher: str) -> tuple[Activity, ...]:
        return self._organised.get(teacher, ())

    def required_activities(self, period: Period, as_of: date) -> tuple[Activity, ...]:
        """Held activities that required attendance, dated inside ``period`` and on or before ``as_of``."""
        key = (period.start, period.end, as_of)
        found = self._required_in.get(key)
        if found is None:
            found = self._required_in[key] = tuple(
                a for a in self._required if period.contains(a.date) and a.date <= as_of
            )
        return found


def cycle_year_labels(cycle_start: str) -> list[str]:
    first = first_calendar_year(cycle_start)
    return [school_year_label(first + offset) for offset in range(CYCLE_YEARS)]


def default_school_years(cycle_start: str) -> tuple[SchoolYear, ...]:
    return tuple(SchoolYear.default(label) for label in cycle_year_labels(cycle_start))

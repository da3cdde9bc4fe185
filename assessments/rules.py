"""Every assessment rule of regulation.md as a small pure function.

Team rules:       fn(evidence, period, as_of, settings) -> RuleResult
Individual rules: fn(evidence, person, period, as_of, settings) -> RuleResult

``evaluate()`` wraps both and decides applicability (host ✱, active ≥ half the
period) before calling a rule. ``REGISTRY`` lists every rule once, in the order
pages, exports and JSON show them.

The clarifications of December 2026 (regulation.md, "Clarifications"), as the rules read them:
1. A rule whose requirement is already broken for good (a task overdue or done late, an unexcused absence at a
   100% attendance threshold, a disallowed expense) is ``not_met`` at once, before its period ends; the note
   says why (``failed_for_good``).
2. The "every …" rules (I-TASKS, I-ATTENDANCE, T-FUNDS, T-EVALUATION) are ``pending`` while their period runs
   and nothing has broken them, and ``met`` once it has ended (``whole_period``). A period that has not begun is
   ``pending`` for every rule that applies (``_result``).
3. I-ATTENDANCE with every required activity excused: nothing was required, so ``met`` once the year ends.
4. T-SUMMARY and T-REPORT: handed in by the period's last day + summary_grace_days; ``pending`` inside that window.
5. T-EVALUATION scores the members active at least half of the year; ``not_applicable`` when there are none.
6. Studio documents are matched by the school year or cycle they are for, not by the day they were written.
7. A 全旗 activity held without an approved filing counts for no rule; every rule that would have counted it
   names it in its note (``_held``, ``i_attendance``).
8. A work counts for the studio it is filed under (the loader keeps each studio's works apart).
10. Only trustworthy evidence counts: a title once the office has verified it (``Title.verified``); a typed 字数
    once verified or confirmed by text recognition (``Work.count_status``); a work the office declined as a
    near-copy counts for nothing (status ``declined``).

Choices common to all rules where the spec is silent:
- A record counts only if it is dated on or before the as-of date as well as
  inside the period: the assessment shows what was on record by that day, so
  moving the as-of date forward can only add evidence.
- Records of the wrong status (activities not held, draft or returned works)
  never count; the note names them.
- Applicability comes before time: the host's exemption from rules without ✱, a person active less than half of
  a period, a studio with no young members or no member to score are ``not_applicable`` even in a period that
  has not begun, since they follow from the roster, not from records still to come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .evidence import (
    ACTIVITY_KIND_LABELS,
    ALLOWED_FUND_CATEGORIES,
    BACKBONE_OR_ABOVE,
    BANNER,
    COUNTED_WORK_STATUSES,
    DOCUMENT_STATUS_LABELS,
    FUND_CATEGORY_LABELS,
    LEVEL_LABELS,
    TITLE_KIND_LABELS,
    WORK_STATUS_LABELS,
    Activity,
    Period,
    Person,
    Settings,
    StudioDocument,
    StudioEvidence,
    Title,
    Work,
    level_rank,
)
from .periods import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    active_days,
    active_for_half,
    active_on,
    age_on,
    period_ended,
)

NOTE_SEPARATOR = "；"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    period: str  # period label: "2024-2025-1", "2024-2025" or "cycle"
    status: str  # met | not_met | pending | not_applicable
    required: int | float
    actual: int | float
    evidence: tuple[str, ...] = ()  # codes of the records that counted
    note: str = ""  # what did not count, and why (Chinese)
    missing: str = (
        ""  # checklist phrase for what is still lacking (Chinese); "" once met
    )

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "period": self.period,
            "status": self.status,
            "required": self.required,
            "actual": self.actual,
            "evidence": list(self.evidence),
            "note": self.note,
            "missing": self.missing,
        }


def _result(
    rule_id: str,
    period: Period,
    as_of: date,
    *,
    satisfied: bool,
    required: float,
    actual: float,
    evidence: Iterable[str] = (),
    notes: Iterable[str] = (),
    missing: str = "",
    last_day: date | None = None,
    failed_for_good: bool = False,
    whole_period: bool = False,
) -> RuleResult:
    """Turn a rule's findings into a status per the spec's status table.

    ``last_day`` overrides the period's end as the deadline (the +30 days of T-SUMMARY and T-REPORT, clarification
    4). ``whole_period`` rules are judged on the whole period, so they are only met once it has ended
    (clarification 2); ``failed_for_good`` makes a rule not_met at once (clarification 1). A period that has not
    begun is pending whatever is on record (clarification 2).
    """
    deadline = last_day or period.end
    ended = period_ended(as_of, deadline)
    if as_of < period.start:
        status = PENDING
    elif failed_for_good:
        status = NOT_MET
    elif satisfied and (ended or not whole_period):
        status = MET
    else:
        status = NOT_MET if ended else PENDING
    return RuleResult(
        rule=rule_id,
        period=period.label,
        status=status,
        required=required,
        actual=actual,
        evidence=tuple(evidence),
        note=NOTE_SEPARATOR.join(notes),
        missing="" if status == MET else missing,
    )


def not_applicable(rule_id: str, period: Period, note: str) -> RuleResult:
    return RuleResult(rule_id, period.label, NOT_APPLICABLE, 0, 0, (), note, "")


def _shortfall(required: int, actual: int) -> int:
    return max(required - actual, 0)


# --- activities -------------------------------------------------------------


def filing_problem(activity: Activity) -> str | None:
    """Why a 全旗 activity lacks an approved filing (十五), or None when it has one.

    Approved filing = approved, with a document number, on or before the activity's date.
    """
    if activity.filing_status != "approved":
        return "全旗活动未经备案批准"
    if not activity.doc_number.strip():
        return "全旗活动备案缺少文号"
    if activity.filing_approved_on is None:
        return "全旗活动备案缺少批准日期"
    if activity.filing_approved_on > activity.date:
        return (
            f"全旗活动备案批准晚于活动日期（批准 {activity.filing_approved_on.isoformat()}，"
            f"活动 {activity.date.isoformat()}）"
        )
    return None


def _activities_in(
    evidence: StudioEvidence,
    period: Period,
    as_of: date,
    kinds: Iterable[str],
    organiser: str | None = None,
):
    """Activities of ``kinds`` dated inside the period and by the as-of date (only ``organiser``'s, if given)."""
    kinds = frozenset(kinds)
    activities = (
        evidence.activities
        if organiser is None
        else evidence.index.organised_by(organiser)
    )
    return [
        a
        for a in activities
        if a.kind in kinds and period.contains(a.date) and a.date <= as_of
    ]


def _not_held_note(activity: Activity) -> str:
    return (
        f"{activity.ref} 已取消"
        if activity.status == "cancelled"
        else f"{activity.ref} 未举行"
    )


def unfiled(activity: Activity) -> str | None:
    """Clarification 7: why a held 全旗 activity counts for no rule (it was held without an approved filing),
    as the note of every rule that would otherwise have counted it; None when it may count."""
    if activity.scope != BANNER:
        return None
    problem = filing_problem(activity)
    return f"{activity.ref} {problem}" if problem else None


def _held(activities, notes: list[str]):
    """The held activities that may count: not cancelled or still planned, and no 全旗 activity without an
    approved filing (clarification 7); a note for each one left out."""
    held = []
    for activity in activities:
        if activity.status != "held":
            notes.append(_not_held_note(activity))
            continue
        problem = unfiled(activity)
        if problem:
            notes.append(problem)
            continue
        held.append(activity)
    return held


def _count_activities(
    rule_id: str,
    evidence: StudioEvidence,
    period: Period,
    as_of: date,
    *,
    kinds: Iterable[str],
    required: int,
    missing_what: str,
    banner_filed_only: bool = False,
    organiser: str | None = None,
) -> RuleResult:
    notes: list[str] = []
    candidates = _activities_in(evidence, period, as_of, kinds, organiser)
    counted = []
    for activity in _held(candidates, notes):
        if banner_filed_only and activity.scope != BANNER:
            notes.append(f"{activity.ref} 非全旗活动")
            continue
        counted.append(activity.ref)
    lacking = _shortfall(required, len(counted))
    return _result(
        rule_id,
        period,
        as_of,
        satisfied=len(counted) >= required,
        required=required,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing=f"还差 {lacking} 次{missing_what}",
    )


# --- works and documents ----------------------------------------------------


def _counted_works(
    evidence: StudioEvidence,
    teacher: str,
    period: Period,
    as_of: date,
    kinds: Iterable[str],
    min_chars: int | None = None,
) -> tuple[list[str], list[str]]:
    """Refs of the works that count, and notes on the ones that do not."""
    kinds = frozenset(kinds)
    counted: list[str] = []
    notes: list[str] = []
    for work in evidence.index.works_of_kinds(teacher, kinds):
        if not period.contains(work.date) or work.date > as_of:
            continue
        problem = _work_problem(work, min_chars)
        if problem:
            notes.append(f"{work.ref} {problem}")
        else:
            counted.append(work.ref)
    return counted, notes


def _work_problem(work: Work, min_chars: int | None) -> str | None:
    if work.status not in COUNTED_WORK_STATUSES:
        return f"未计入（{WORK_STATUS_LABELS.get(work.status, work.status)}）"
    if min_chars is None:
        return None
    if work.char_count is None:
        return "字数未知"
    if work.count_status == "unverified":
        return f"手填字数待核实（{work.char_count}）"
    if work.count_status == "declined":
        return f"手填字数核实未通过（{work.char_count}）"
    if work.char_count < min_chars:
        return f"字数不足（{work.char_count}/{min_chars}）"
    return None


def _count_works(
    rule_id: str,
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    *,
    kinds: Iterable[str],
    required: int,
    missing_what: str,
    min_chars: int | None = None,
) -> RuleResult:
    counted, notes = _counted_works(
        evidence, person.teacher, period, as_of, kinds, min_chars
    )
    lacking = _shortfall(required, len(counted))
    return _result(
        rule_id,
        period,
        as_of,
        satisfied=len(counted) >= required,
        required=required,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing=f"还差 {lacking} {missing_what}",
    )


def _documents(
    evidence: StudioEvidence, kind: str, year_labels: Iterable[str], as_of: date
):
    labels = frozenset(year_labels)
    return [
        d
        for d in evidence.documents
        if d.kind == kind
        and d.school_year in labels
        and d.submitted_on is not None
        and d.submitted_on <= as_of
    ]


def approval_date(document: StudioDocument) -> date | None:
    """When the office approved it; the ledger records no approval date, so fall back to submission."""
    if document.status != "approved":
        return None
    return document.approved_on or document.submitted_on


def _status_note(document: StudioDocument) -> str:
    return (
        f"{document.ref} {DOCUMENT_STATUS_LABELS.get(document.status, document.status)}"
    )


def _approved_document_rule(
    rule_id: str,
    evidence: StudioEvidence,
    period: Period,
    as_of: date,
    *,
    kind: str,
    year_labels: Iterable[str],
    missing: str,
) -> RuleResult:
    """A document of ``kind`` approved by the office on or before the period's last day (and as_of)."""
    counted, notes = [], []
    for document in _documents(evidence, kind, year_labels, as_of):
        approved = approval_date(document)
        if approved is None or approved > as_of:
            notes.append(_status_note(document))
        elif approved > period.end:
            notes.append(f"{document.ref} 批准晚于期末（{approved.isoformat()}）")
        else:
            counted.append(document.ref)
    return _result(
        rule_id,
        period,
        as_of,
        satisfied=bool(counted),
        required=1,
        actual=min(len(counted), 1),
        evidence=counted,
        notes=notes,
        missing=missing,
    )


def _cycle_labels(evidence: StudioEvidence) -> list[str]:
    return [year.label for year in evidence.school_years]


# --- titles -----------------------------------------------------------------


def _backbone_titles(person: Person, as_of: date, *, verified: bool = True) -> list[Title]:
    """Backbone-or-above titles of banner level or above, awarded by the as-of date; only those the office has
    verified (clarification 10), or with ``verified=False`` only those still waiting (待核实)."""
    return [
        t
        for t in person.titles
        if t.kind in BACKBONE_OR_ABOVE
        and level_rank(t.level) >= level_rank(BANNER)
        and t.awarded_on <= as_of
        and t.verified == verified
    ]


def _unverified_note(person: Person, titles: list[Title]) -> str:
    shown = "、".join(f"{t.awarded_on.isoformat()} {LEVEL_LABELS[t.level]}{TITLE_KIND_LABELS[t.kind]}" for t in titles)
    return f"{person.teacher} 称号待核实（{shown}）"


def is_young(person: Person, cycle: Period, settings: Settings) -> bool:
    """青年成员: role member, active ≥ half the cycle, aged ≤ young_max_age on the cycle's first day."""
    return (
        person.role == "member"
        and person.birth_date is not None
        and active_for_half(person.memberships, cycle)
        and age_on(person.birth_date, cycle.start) <= settings.young_max_age
    )


# === team rules =============================================================


def t_research(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（八）、（二十）1: ≥ 1 project of banner level or above concluded (结题) inside the cycle.

    Silent in the spec: the conclusion date is what places a project in the cycle;
    a project approved before the cycle but concluded inside it counts.
    """
    counted, notes = [], []
    for project in evidence.projects:
        if level_rank(project.level) < level_rank(BANNER):
            continue
        if project.concluded_on is None or project.concluded_on > as_of:
            if project.concluded_on is None and period.end >= project.approved_on:
                notes.append(f"{project.ref} 尚未结题")
            continue
        if period.contains(project.concluded_on):
            counted.append(project.ref)
        else:
            notes.append(f"{project.ref} 结题日期不在本周期内")
    required = settings.research_min
    return _result(
        "T-RESEARCH",
        period,
        as_of,
        satisfied=len(counted) >= required,
        required=required,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing=f"还差 {_shortfall(required, len(counted))} 项旗级以上课题结题",
    )


def t_young_backbone(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（二十）2: ⌈n/3⌉ of the n young members hold a backbone-or-above title of banner level or above.

    Titles awarded before the cycle count too ("hold"), up to the cycle's last day; only titles the office has
    verified count, a title waiting for it is named in the note (待核实, clarification 10).
    Silent in the spec: a member without a birth date cannot be judged young and is left out (noted).
    """
    notes = [
        f"{p.teacher} 出生日期未知"
        for p in evidence.people
        if p.role == "member" and p.birth_date is None
    ]
    young = [p for p in evidence.people if is_young(p, period, settings)]
    if not young:
        return not_applicable("T-YOUNG-BACKBONE", period, "无青年成员")
    required = -(-len(young) // 3)
    counted = []
    for person in young:
        titles = [
            t for t in _backbone_titles(person, as_of) if t.awarded_on <= period.end
        ]
        waiting = [t for t in _backbone_titles(person, as_of, verified=False) if t.awarded_on <= period.end]
        if titles:
            counted.append(person.teacher)
        elif waiting:
            notes.append(_unverified_note(person, waiting))
        else:
            notes.append(f"{person.teacher} 青年成员尚无旗级以上骨干称号")
    return _result(
        "T-YOUNG-BACKBONE",
        period,
        as_of,
        satisfied=len(counted) >= required,
        required=required,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing=f"还差 {_shortfall(required, len(counted))} 名青年成员获旗级以上骨干称号（青年成员 {len(young)} 人）",
    )


def newly_cultivated(person: Person, cycle: Period, as_of: date, *, verified: bool = True) -> bool:
    """A backbone-or-above title awarded inside the cycle while a member, higher than any held before it.

    With ``verified=False``: a title still waiting for the office would make the person newly cultivated."""
    titles = _backbone_titles(person, as_of)
    if not verified:
        titles = titles + _backbone_titles(person, as_of, verified=False)
    prior_rank = max(
        (level_rank(t.level) for t in titles if t.awarded_on < cycle.start), default=0
    )
    return any(
        cycle.contains(t.awarded_on)
        and active_on(person.memberships, t.awarded_on)
        and level_rank(t.level) > prior_rank
        for t in titles
    )


def t_cultivate(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（九）: ≥ cultivate_min members newly awarded a backbone-or-above title (banner+) inside the cycle.

    A member who held one of the same or higher level before the cycle does not count. Only titles the office
    has verified count (clarification 10); one waiting that would count is named in the note (待核实).
    Silent in the spec: only role member counts (the host is the one cultivating), and
    the title must be awarded while the person is a member of the studio.
    """
    counted, notes = [], []
    for person in evidence.people:
        if person.role != "member":
            continue
        if newly_cultivated(person, period, as_of):
            counted.append(person.teacher)
        elif newly_cultivated(person, period, as_of, verified=False):
            waiting = [t for t in _backbone_titles(person, as_of, verified=False) if period.contains(t.awarded_on)]
            notes.append(_unverified_note(person, waiting))
        elif any(
            period.contains(t.awarded_on) for t in _backbone_titles(person, as_of)
        ):
            notes.append(
                f"{person.teacher} 周期前已有同级或更高级骨干称号，或获称号时不在工作室"
            )
    required = settings.cultivate_min
    return _result(
        "T-CULTIVATE",
        period,
        as_of,
        satisfied=len(counted) >= required,
        required=required,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing=f"还差 {_shortfall(required, len(counted))} 名新培养的旗级以上骨干教师",
    )


def t_public_lecture(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（二十）3: each semester ≥ 1 held 专题讲座 or 报告会, scope 全旗, with an approved filing （十五）."""
    return _count_activities(
        "T-PUBLIC-LECTURE",
        evidence,
        period,
        as_of,
        kinds=("lecture", "report"),
        required=settings.public_lecture_min,
        missing_what="经备案的全旗专题讲座或报告会",
        banner_filed_only=True,
    )


def t_seminar(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（二十）4: each semester ≥ 2 held 专题研讨, scope 全旗, with an approved filing （十五）."""
    return _count_activities(
        "T-SEMINAR",
        evidence,
        period,
        as_of,
        kinds=("seminar",),
        required=settings.seminar_min,
        missing_what="经备案的全旗专题研讨",
        banner_filed_only=True,
    )


def t_meetings(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十八）1: each semester ≥ 1 held 工作部署会 and ≥ 1 held 阶段性总结会.

    required is 2 (one of each); actual counts the kinds present, so two deployment
    meetings and no summary meeting is 1 of 2.
    """
    notes: list[str] = []
    held = _held(
        _activities_in(
            evidence, period, as_of, ("deployment_meeting", "summary_meeting")
        ),
        notes,
    )
    lacking = [
        ACTIVITY_KIND_LABELS[kind]
        for kind in ("deployment_meeting", "summary_meeting")
        if not any(a.kind == kind for a in held)
    ]
    return _result(
        "T-MEETINGS",
        period,
        as_of,
        satisfied=not lacking,
        required=2,
        actual=2 - len(lacking),
        evidence=[a.ref for a in held],
        notes=notes,
        missing="还差 " + "、".join(lacking),
    )


def t_study(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十八）1: each semester ≥ 2 held 工作研讨, 汇报会 or 外出学习 (any scope)."""
    return _count_activities(
        "T-STUDY",
        evidence,
        period,
        as_of,
        kinds=("work_seminar", "report_meeting", "study_trip"),
        required=settings.study_min,
        missing_what="工作研讨、汇报会或外出学习",
    )


def t_outreach(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十一）: each school year ≥ 1 held 送教下乡 or 支教 (any scope)."""
    return _count_activities(
        "T-OUTREACH",
        evidence,
        period,
        as_of,
        kinds=("outreach", "teaching_support"),
        required=settings.outreach_min,
        missing_what="送教下乡或支教",
    )


def t_plan(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十三）: the year's work plan (年度工作计划) approved by the office.

    Silent in the spec: the plan is matched by its school-year label, not its date
    (plans are often handed in before the year starts); approval must come by the year's end.
    """
    return _approved_document_rule(
        "T-PLAN",
        evidence,
        period,
        as_of,
        kind="work_plan",
        year_labels=(period.label,),
        missing="还差 经审核通过的年度工作计划",
    )


def summary_deadline(period: Period, settings: Settings) -> date:
    return period.end + timedelta(days=settings.summary_grace_days)


def t_summary(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十四）: the year's written summary submitted by year end + summary_grace_days, and accepted.

    The status deadline is the grace deadline, not the year's end: until then the rule is pending.
    Silent in the spec: acceptance may be recorded after the deadline; only submission is timed.
    """
    deadline = summary_deadline(period, settings)
    counted, notes = [], []
    for document in _documents(evidence, "annual_summary", (period.label,), as_of):
        approved = approval_date(document)
        if document.submitted_on > deadline:
            notes.append(
                f"{document.ref} 逾期提交（{document.submitted_on.isoformat()}，截止 {deadline.isoformat()}）"
            )
        elif approved is None or approved > as_of:
            notes.append(_status_note(document))
        else:
            counted.append(document.ref)
    return _result(
        "T-SUMMARY",
        period,
        as_of,
        satisfied=bool(counted),
        required=1,
        actual=min(len(counted), 1),
        evidence=counted,
        notes=notes,
        missing=f"还差 年度总结（{deadline.isoformat()} 前提交并通过）",
        last_day=deadline,
    )


def t_training_plan(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十六）1: the host's training plan (培养计划) for the cycle approved by the office.

    Silent in the spec: any training plan labelled with one of the cycle's school years counts.
    """
    return _approved_document_rule(
        "T-TRAINING-PLAN",
        evidence,
        period,
        as_of,
        kind="training_plan",
        year_labels=_cycle_labels(evidence),
        missing="还差 经审核通过的培养计划",
    )


def t_report(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十六）3: the host's research report (研究报告) for the cycle submitted by the cycle's last day +
    summary_grace_days (clarification 4: the same window as T-SUMMARY; pending inside it).

    Matched by the school year it is for (clarification 6): a report labelled with one of the cycle's years.
    Silent in the spec: "submitted" means status submitted or approved (a returned or draft
    report does not count).
    """
    deadline = summary_deadline(period, settings)
    counted, notes = [], []
    for document in _documents(
        evidence, "research_report", _cycle_labels(evidence), as_of
    ):
        if document.status not in ("submitted", "approved"):
            notes.append(_status_note(document))
        elif document.submitted_on > deadline:
            notes.append(
                f"{document.ref} 逾期提交（{document.submitted_on.isoformat()}，截止 {deadline.isoformat()}）"
            )
        else:
            counted.append(document.ref)
    return _result(
        "T-REPORT",
        period,
        as_of,
        satisfied=bool(counted),
        required=1,
        actual=min(len(counted), 1),
        evidence=counted,
        notes=notes,
        missing=f"还差 研究报告（{deadline.isoformat()} 前提交）",
        last_day=deadline,
    )


def t_evaluation(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十六）4: the host has scored every active member on all five dimensions for the year.

    Clarification 5: the members to score are those (role member) active at least half of the school year;
    not_applicable when there are none. Clarification 2: an "every …" rule, pending while the year runs and met
    once it has ended. Evaluations carry no date, so they count whatever the as-of date. Evidence lists the
    teacher codes scored.
    """
    members = [
        p
        for p in evidence.people
        if p.role == "member" and active_for_half(p.memberships, period)
    ]
    if not members:
        return not_applicable("T-EVALUATION", period, "本学年无在岗成员")
    scored = {
        e.teacher
        for e in evidence.evaluations
        if e.school_year == period.label and e.complete
    }
    partly = {
        e.teacher
        for e in evidence.evaluations
        if e.school_year == period.label and not e.complete
    }
    counted = [p.teacher for p in members if p.teacher in scored]
    notes = [
        f"{p.teacher} 评分不完整" if p.teacher in partly else f"{p.teacher} 未评价"
        for p in members
        if p.teacher not in scored
    ]
    return _result(
        "T-EVALUATION",
        period,
        as_of,
        satisfied=len(counted) == len(members),
        required=len(members),
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing=f"还有 {len(members) - len(counted)} 名成员未评价" if len(counted) < len(members)
        else "成员考核待学年结束后确认",
        whole_period=True,
    )


def t_funds(
    evidence: StudioEvidence, period: Period, as_of: date, settings: Settings
) -> RuleResult:
    """（十八）4、（十九）: every expense of the year is in an allowed category and the year's
    expenses do not exceed the year's allocation.

    Silent in the spec: an expense in category "other" (or with no category) is allowed only
    when the office approved it as an exception (exception_approved). A disallowed expense
    fails the year at once; overspending is judged when the year ends (an allocation may
    still come), so until then the rule is pending. Entries belong to a year by their
    school-year label; undated entries count, dated ones only once as_of has reached them.
    """
    entries = [
        f
        for f in evidence.funds
        if f.school_year == period.label and (f.date is None or f.date <= as_of)
    ]
    allocated = sum(
        (Decimal(f.amount) for f in entries if f.kind == "allocation"), Decimal(0)
    )
    expenses = [f for f in entries if f.kind == "expense"]
    spent = sum((Decimal(f.amount) for f in expenses), Decimal(0))
    notes = []
    disallowed = [
        f
        for f in expenses
        if f.category not in ALLOWED_FUND_CATEGORIES and not f.exception_approved
    ]
    for entry in disallowed:
        category = (
            FUND_CATEGORY_LABELS.get(entry.category, "未填写")
            if entry.category
            else "未填写"
        )
        notes.append(f"{entry.ref} 类别“{category}”不属于允许用途")
    overspent = spent > allocated
    if overspent:
        notes.append(f"支出 {spent:.2f} 超过拨款 {allocated:.2f}")
    problems = []
    if disallowed:
        problems.append(f"{len(disallowed)} 笔支出不属于允许用途")
    if overspent:
        problems.append("支出超过拨款")
    satisfied = not disallowed and not overspent
    return _result(
        "T-FUNDS",
        period,
        as_of,
        satisfied=satisfied,
        required=1,
        actual=int(satisfied),
        evidence=[f.ref for f in entries],
        notes=notes,
        missing="；".join(problems) or "经费使用待学年结束后确认",
        failed_for_good=bool(disallowed),
        whole_period=True,
    )


# === individual rules =======================================================


def i_research(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）1 ✱: leads or takes part in ≥ 1 project of banner level or above, approved (立项)
    on or before the cycle's last day and not concluded before the cycle's first day."""
    counted, notes = [], []
    for project in evidence.projects:
        if not project.involves(person.teacher) or level_rank(
            project.level
        ) < level_rank(BANNER):
            continue
        if project.approved_on > min(period.end, as_of):
            continue
        if project.concluded_on is not None and project.concluded_on < period.start:
            notes.append(f"{project.ref} 周期开始前已结题")
            continue
        counted.append(project.ref)
    return _result(
        "I-RESEARCH",
        period,
        as_of,
        satisfied=len(counted) >= 1,
        required=1,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing="还差 1 项旗级以上课题（主持或参与）",
    )


def i_paper(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）2: each semester ≥ 1 research paper of ≥ paper_min_chars characters (≈2000字)."""
    return _count_works(
        "I-PAPER",
        evidence,
        person,
        period,
        as_of,
        kinds=("paper",),
        required=1,
        min_chars=settings.paper_min_chars,
        missing_what=f"篇论文（≥{settings.paper_min_chars}字）",
    )


def i_reflection(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）3: each school year ≥ 1 reflective summary / 心得体会 of ≥ reflection_min_chars (≈1000字)."""
    return _count_works(
        "I-REFLECTION",
        evidence,
        person,
        period,
        as_of,
        kinds=("reflection",),
        required=1,
        min_chars=settings.reflection_min_chars,
        missing_what=f"篇反思性总结或心得体会（≥{settings.reflection_min_chars}字）",
    )


def i_designs(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）4: each school year ≥ designs_min teaching designs or teaching cases."""
    return _count_works(
        "I-DESIGNS",
        evidence,
        person,
        period,
        as_of,
        kinds=("design", "case"),
        required=settings.designs_min,
        missing_what="份教学设计或教学案例",
    )


def i_seminar(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）5: each school year organised ≥ 1 held 专题研讨 of the studio (any scope, no filing needed)."""
    return _count_activities(
        "I-SEMINAR",
        evidence,
        period,
        as_of,
        kinds=("seminar",),
        required=1,
        missing_what="由本人组织的专题研讨",
        organiser=person.teacher,
    )


def i_attendance(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）6: attended every required activity held in the year while active, excused aside:
    attended ÷ (required − excused) ≥ attendance_min_ratio; met when nothing was required.

    Clarifications 1–3: attendance is judged on the whole year (pending until it ends), except that an unexcused
    absence at a 100% threshold fails it at once; every required activity excused means nothing was required, so
    met once the year ends. Clarification 7: a 全旗 activity held without an approved filing is not required (it
    counts for no rule) and is named in the note.
    Silent in the spec: a required activity with no attendance record counts as an absence.
    """
    recorded = evidence.index.attendance
    attended, excused, absent = [], [], []
    notes = []
    for activity in evidence.index.required_activities(period, as_of):
        if not active_on(person.memberships, activity.date):
            continue
        problem = unfiled(activity)
        if problem:
            notes.append(problem)
            continue
        status = recorded.get((activity.ref, person.teacher))
        if status == "present":
            attended.append(activity.ref)
        elif status == "excused":
            excused.append(activity.ref)
        else:
            absent.append(activity.ref)
            notes.append(
                f"{activity.ref} {'缺席' if status == 'absent' else '无考勤记录（按缺席计）'}"
            )
    expected = len(attended) + len(absent)  # required − excused
    minimum = Decimal(str(settings.attendance_min_ratio))
    satisfied = expected == 0 or Decimal(len(attended)) >= minimum * expected
    if excused:
        notes.append("请假不计：" + "、".join(excused))
    ratio = f"{len(attended)}/{expected}" if expected else "无须出勤的活动"
    return _result(
        "I-ATTENDANCE",
        period,
        as_of,
        satisfied=satisfied,
        required=expected,
        actual=len(attended),
        evidence=attended,
        notes=notes,
        missing=f"出勤 {ratio}，需达到 {float(minimum):.0%}" if expected else "出勤待学年结束后确认",
        failed_for_good=bool(absent) and minimum >= 1,
        whole_period=True,
    )


def i_tasks(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（二十一）6: every task assigned to the person and due in the year was completed on or
    before its due date; tasks due outside the year are not counted.

    Clarification 1: a late completion, or an incomplete task whose due date has passed (as_of > due date), is
    not_met at once; the note names it. Clarification 2: otherwise pending while the year runs (a task may still
    be given and missed) and met once it has ended, also when no task was due in the year. A completion dated
    after as_of is not yet known.
    """
    on_time, notes = [], []
    broken = open_tasks = 0
    for task in evidence.index.tasks_of(person.teacher):
        if not period.contains(task.due_on):
            continue
        completed = (
            task.completed_on
            if task.completed_on and task.completed_on <= as_of
            else None
        )
        if completed is not None and completed <= task.due_on:
            on_time.append(task.ref)
        elif completed is not None:
            broken += 1
            notes.append(f"{task.ref} 逾期完成")
        elif as_of > task.due_on:
            broken += 1
            notes.append(f"{task.ref} 逾期未完成")
        else:
            open_tasks += 1
    total = len(on_time) + broken + open_tasks
    if broken:
        missing = f"{broken} 项任务未按时完成"
    elif open_tasks:
        missing = f"还有 {open_tasks} 项任务未完成"
    else:
        missing = "任务完成情况待学年结束后确认"
    return _result(
        "I-TASKS",
        period,
        as_of,
        satisfied=len(on_time) == total,
        required=total,
        actual=len(on_time),
        evidence=on_time,
        notes=notes,
        missing=missing,
        failed_for_good=broken > 0,
        whole_period=True,
    )


def i_lecture(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（十七）3: each school year gave ≥ 1 held 专题讲座 or 公开课 as presenter (the organiser field)."""
    return _count_activities(
        "I-LECTURE",
        evidence,
        period,
        as_of,
        kinds=("lecture", "open_class"),
        required=settings.lecture_min,
        missing_what="本人主讲的专题讲座或公开课",
        organiser=person.teacher,
    )


def i_stage_summary(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（十七）3: each semester a stage summary of research results (阶段成果总结)."""
    return _count_works(
        "I-STAGE-SUMMARY",
        evidence,
        person,
        period,
        as_of,
        kinds=("stage_summary",),
        required=1,
        missing_what="份阶段成果总结",
    )


def i_dev_plan(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（十七）1: a personal development plan (个人发展规划) for the cycle, dated inside the cycle."""
    return _count_works(
        "I-DEV-PLAN",
        evidence,
        person,
        period,
        as_of,
        kinds=("dev_plan",),
        required=1,
        missing_what="份个人发展规划",
    )


def i_mentor(
    evidence: StudioEvidence,
    person: Person,
    period: Period,
    as_of: date,
    settings: Settings,
) -> RuleResult:
    """（十一） ✱: ≥ 1 mentoring pair (互助帮扶对子) with a rural teacher, started inside the cycle."""
    counted, notes = [], []
    for pair in evidence.index.pairs_of(person.teacher):
        if pair.started_on > as_of:
            continue
        if period.contains(pair.started_on):
            counted.append(pair.ref)
        else:
            notes.append(f"{pair.ref} 结对日期不在本周期内")
    return _result(
        "I-MENTOR",
        period,
        as_of,
        satisfied=bool(counted),
        required=1,
        actual=len(counted),
        evidence=counted,
        notes=notes,
        missing="还差 1 个互助帮扶对子",
    )


# === registry ===============================================================


@dataclass(frozen=True)
class Rule:
    id: str
    clause: str  # the regulation's clause, e.g. "（二十一）2"
    scope: str  # "team" | "individual"
    period_kind: str  # "semester" | "year" | "cycle"
    applies_to_host: bool  # individual rules marked ✱; always True for team rules
    title: str  # Chinese title for pages and exports
    function: Callable[..., RuleResult]
    monotone: bool = True  # adding records can never turn met into not_met

    @property
    def short(self) -> str:
        """A column heading of two to five characters, for matrices where the full title does not fit."""
        return SHORT_TITLES.get(self.id, self.title)


SHORT_TITLES = {
    "T-RESEARCH": "课题", "T-YOUNG-BACKBONE": "青年骨干", "T-CULTIVATE": "培养骨干", "T-PUBLIC-LECTURE": "全旗讲座",
    "T-SEMINAR": "全旗研讨", "T-MEETINGS": "部署总结会", "T-STUDY": "研讨学习", "T-OUTREACH": "送教支教",
    "T-PLAN": "工作计划", "T-SUMMARY": "年度总结", "T-TRAINING-PLAN": "培养计划", "T-REPORT": "研究报告",
    "T-EVALUATION": "成员考评", "T-FUNDS": "经费", "I-RESEARCH": "参与课题", "I-PAPER": "论文",
    "I-REFLECTION": "反思", "I-DESIGNS": "教学设计", "I-SEMINAR": "组织研讨", "I-ATTENDANCE": "出勤",
    "I-TASKS": "任务", "I-LECTURE": "讲座/公开课", "I-STAGE-SUMMARY": "阶段总结", "I-DEV-PLAN": "发展规划",
    "I-MENTOR": "帮扶对子",
}


REGISTRY: tuple[Rule, ...] = (
    Rule(
        "T-RESEARCH",
        "（八）、（二十）1",
        "team",
        "cycle",
        True,
        "周期内完成旗级以上课题研究",
        t_research,
    ),
    Rule(
        "T-YOUNG-BACKBONE",
        "（二十）2",
        "team",
        "cycle",
        True,
        "1/3青年成员成为旗级骨干教师",
        t_young_backbone,
    ),
    Rule(
        "T-CULTIVATE",
        "（九）",
        "team",
        "cycle",
        True,
        "周期内培养骨干教师",
        t_cultivate,
        monotone=False,
    ),
    Rule(
        "T-PUBLIC-LECTURE",
        "（二十）3",
        "team",
        "semester",
        True,
        "面向全旗的公开讲座、报告会",
        t_public_lecture,
    ),
    Rule(
        "T-SEMINAR",
        "（二十）4",
        "team",
        "semester",
        True,
        "旗级专题研讨活动",
        t_seminar,
    ),
    Rule(
        "T-MEETINGS",
        "（十八）1",
        "team",
        "semester",
        True,
        "工作部署会和阶段性总结会",
        t_meetings,
    ),
    Rule(
        "T-STUDY",
        "（十八）1",
        "team",
        "semester",
        True,
        "工作研讨、汇报会或外出学习",
        t_study,
    ),
    Rule("T-OUTREACH", "（十一）", "team", "year", True, "支教或送教下乡", t_outreach),
    Rule("T-PLAN", "（十三）", "team", "year", True, "年度工作计划经审核", t_plan),
    Rule("T-SUMMARY", "（十四）", "team", "year", True, "年度书面总结", t_summary),
    Rule(
        "T-TRAINING-PLAN",
        "（十六）1",
        "team",
        "cycle",
        True,
        "主持人制定培养计划",
        t_training_plan,
    ),
    Rule(
        "T-REPORT", "（十六）3", "team", "cycle", True, "主持人撰写研究报告", t_report
    ),
    Rule(
        "T-EVALUATION",
        "（十六）4",
        "team",
        "year",
        True,
        "主持人考核成员",
        t_evaluation,
    ),
    Rule(
        "T-FUNDS",
        "（十八）4、（十九）",
        "team",
        "year",
        True,
        "经费专款专用",
        t_funds,
        monotone=False,
    ),
    Rule(
        "I-RESEARCH",
        "（二十一）1",
        "individual",
        "cycle",
        True,
        "主持或参与旗级以上课题",
        i_research,
    ),
    Rule(
        "I-PAPER",
        "（二十一）2",
        "individual",
        "semester",
        False,
        "每学期一篇研究论文",
        i_paper,
    ),
    Rule(
        "I-REFLECTION",
        "（二十一）3",
        "individual",
        "year",
        False,
        "每学年一份反思性总结或心得体会",
        i_reflection,
    ),
    Rule(
        "I-DESIGNS",
        "（二十一）4",
        "individual",
        "year",
        False,
        "每学年2份教学设计或教学案例",
        i_designs,
    ),
    Rule(
        "I-SEMINAR",
        "（二十一）5",
        "individual",
        "year",
        False,
        "每学年组织1次专题研讨",
        i_seminar,
    ),
    Rule(
        "I-ATTENDANCE",
        "（二十一）6",
        "individual",
        "year",
        False,
        "按要求参加工作室活动",
        i_attendance,
        monotone=False,
    ),
    Rule(
        "I-TASKS",
        "（二十一）6",
        "individual",
        "year",
        False,
        "按时完成交派任务",
        i_tasks,
        monotone=False,
    ),
    Rule(
        "I-LECTURE",
        "（十七）3",
        "individual",
        "year",
        False,
        "每学年一次专题讲座或公开展示课",
        i_lecture,
    ),
    Rule(
        "I-STAGE-SUMMARY",
        "（十七）3",
        "individual",
        "semester",
        False,
        "每学期阶段成果总结",
        i_stage_summary,
    ),
    Rule(
        "I-DEV-PLAN",
        "（十七）1",
        "individual",
        "cycle",
        False,
        "个人发展规划",
        i_dev_plan,
    ),
    Rule(
        "I-MENTOR",
        "（十一）",
        "individual",
        "cycle",
        True,
        "结成互助帮扶对子",
        i_mentor,
    ),
)

RULES_BY_ID = {rule.id: rule for rule in REGISTRY}
TEAM_RULES = tuple(rule for rule in REGISTRY if rule.scope == "team")
INDIVIDUAL_RULES = tuple(rule for rule in REGISTRY if rule.scope == "individual")


def evaluate(
    rule: Rule,
    evidence: StudioEvidence,
    period: Period,
    as_of: date,
    settings: Settings,
    person: Person | None = None,
) -> RuleResult:
    """One rule instance, with applicability decided first for individual rules.

    not_applicable when the rule is not ✱ and the person is the host, or when the
    person was active for less than half of the instance's period.
    """
    if rule.scope == "team":
        return rule.function(evidence, period, as_of, settings)
    if person is None:
        raise ValueError(f"{rule.id} is an individual rule and needs a person")
    return evaluate_for(
        rule,
        evidence,
        period,
        as_of,
        settings,
        person,
        active_days(person.memberships, period),
    )


def evaluate_for(
    rule: Rule,
    evidence: StudioEvidence,
    period: Period,
    as_of: date,
    settings: Settings,
    person: Person,
    days_active: int,
) -> RuleResult:
    """``evaluate`` for an individual rule, given the person's active days in the period
    (the engine counts them once per person and period rather than once per rule)."""
    if person.is_host and not rule.applies_to_host:
        return not_applicable(rule.id, period, "主持人不适用")
    if 2 * days_active < period.days:  # active_for_half
        return not_applicable(
            rule.id,
            period,
            f"在本期在工作室不足一半时间（{days_active}/{period.days} 天）",
        )
    return rule.function(evidence, person, period, as_of, settings)

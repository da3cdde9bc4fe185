"""Reads for records: what a work counts for, a person's records by period, a studio's records, fund usage."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils.translation import gettext as _

from studios.models import Cycle, Membership, SchoolYear

from .models import FundEntry, MentoringPair, ResearchProject, Task, TaskAssignment, Work, YearLock

# Which period a kind of work counts for (regulation.md, individual rules).
SEMESTER_KINDS = {Work.Kind.PAPER, Work.Kind.STAGE_SUMMARY}
YEAR_KINDS = {Work.Kind.REFLECTION, Work.Kind.DESIGN, Work.Kind.CASE}
CYCLE_KINDS = {Work.Kind.DEV_PLAN}

ALLOWED_FUND_CATEGORIES = {
    FundEntry.Category.BOOKS_EQUIPMENT, FundEntry.Category.RESEARCH, FundEntry.Category.EXPERTS,
    FundEntry.Category.MEMBER_TRAVEL,
}


# --- calendar ------------------------------------------------------------------------------------------------


class Calendar:
    """The school years the office has set up, loaded once; days outside them get the default calendar."""

    def __init__(self, years=None):
        self.years = list(years if years is not None else SchoolYear.objects.all())
        self._by_start = {year.start_year: year for year in self.years}

    def year_of(self, day: datetime.date) -> SchoolYear:
        for year in self.years:
            if year.start <= day <= year.end:
                return year
        start_year = day.year if day.month >= 9 else day.year - 1
        return SchoolYear(start_year=start_year, **SchoolYear.default_dates(start_year))

    def semester_of(self, day: datetime.date) -> tuple[SchoolYear, int]:
        year = self.year_of(day)
        return year, year.semester_of(day)


def semester_label(number: int) -> str:
    return _("Semester 1") if number == 1 else _("Semester 2")


def period_label(year: SchoolYear, semester: int | None = None) -> str:
    if semester is None:
        return _("%(year)s school year") % {"year": year.label}
    return f"{year.label} {semester_label(semester)}"


def threshold_for(kind: str, rules) -> int | None:
    if kind == Work.Kind.PAPER:
        return rules.paper_min_chars
    if kind == Work.Kind.REFLECTION:
        return rules.reflection_min_chars
    return None


def format_count(number: int | None) -> str:
    return "—" if number is None else f"{number:,}"


@dataclass
class CountsFor:
    """What a work counts for, said in one line: "计入：2025-2026 第二学期 论文", or why it does not count."""

    counts: bool
    text: str
    chars: str = ""  # "2,013 字 / 要求 1,800 字 ✓"
    short: bool = False
    unverified: bool = False


def counts_for(work: Work, *, rules, calendar: Calendar, cycles=None) -> CountsFor:
    kind_label = work.get_kind_display()
    year, semester = calendar.semester_of(work.date)
    if work.kind in SEMESTER_KINDS:
        period = period_label(year, semester)
    elif work.kind in YEAR_KINDS:
        period = period_label(year)
    else:
        cycle = _cycle_containing(work, year, cycles)
        period = _("cycle %(cycle)s") % {"cycle": cycle.label} if cycle else period_label(year)
    minimum = threshold_for(work.kind, rules)
    chars = ""
    short = False
    if work.char_count is not None:
        if minimum is not None:
            short = work.char_count < minimum
            chars = _("%(count)s characters / %(minimum)s required %(mark)s") % {
                "count": format_count(work.char_count), "minimum": format_count(minimum), "mark": "✗" if short else "✓",
            }
        else:
            chars = _("%(count)s characters") % {"count": format_count(work.char_count)}
    elif minimum is not None:
        short = True
        chars = _("no character count / %(minimum)s required") % {"minimum": format_count(minimum)}
    unverified = work.char_count_source == Work.CountSource.MANUAL and work.count_check == Work.Check.PENDING
    if work.declined:
        return CountsFor(False, _("Does not count: the office declined it as a near-copy of another work"), chars,
                         short, False)
    if work.status == Work.Status.DRAFT:
        return CountsFor(False, _("Draft: does not count until it is submitted (would count for %(period)s %(kind)s)")
                         % {"period": period, "kind": kind_label}, chars, short, unverified)
    if short:
        return CountsFor(False, _("Does not count: too short for %(period)s %(kind)s")
                         % {"period": period, "kind": kind_label}, chars, short, unverified)
    if minimum is not None and work.char_count_source == Work.CountSource.MANUAL:
        # Clarification 10: a count typed for a scan counts once the office has verified it (or text recognition
        # confirms it, which the assessment also takes).
        if work.count_check == Work.Check.DECLINED:
            return CountsFor(False, _("Does not count: the office declined the typed count (%(reason)s)")
                             % {"reason": work.check_comment}, chars, short, False)
        if work.count_check == Work.Check.PENDING and not _ocr_confirms(work):
            return CountsFor(False, _("Awaiting verification: counts for %(period)s %(kind)s once the office has "
                                      "checked the typed count") % {"period": period, "kind": kind_label},
                             chars, short, unverified)
    return CountsFor(True, _("Counts for: %(period)s %(kind)s") % {"period": period, "kind": kind_label}, chars,
                     short, unverified)


def _ocr_confirms(work: Work) -> bool:
    from core.uploads import ocr_confirms

    upload = work.upload if work.upload_id else None
    return upload is not None and upload.ocr_status == "done" and ocr_confirms(work.char_count, upload.ocr_chars)


def _cycle_containing(work: Work, year: SchoolYear, cycles) -> Cycle | None:
    candidates = cycles if cycles is not None else list(
        Cycle.objects.filter(studio_id=work.studio_id).select_related("start_year")
    )
    for cycle in candidates:
        if cycle.studio_id == work.studio_id and cycle.contains_year(year.start_year):
            return cycle
    return None


def annotate_works(works, *, rules=None, calendar: Calendar | None = None) -> list[Work]:
    """Attach `counts_for` to each work, with the rules, calendar and cycles read once."""
    from assessments.models import RuleSettings

    works = list(works)
    rules = rules or RuleSettings.current()
    calendar = calendar or Calendar()
    studio_ids = {work.studio_id for work in works}
    cycles = list(Cycle.objects.filter(studio_id__in=studio_ids).select_related("start_year")) if works else []
    for work in works:
        work.counts_for = counts_for(work, rules=rules, calendar=calendar, cycles=cycles)
    return works


# --- locks ---------------------------------------------------------------------------------------------------


def is_year_locked(studio_id: int, school_year: SchoolYear) -> bool:
    if school_year.pk is None:
        return False
    return YearLock.objects.filter(studio_id=studio_id, school_year=school_year).exists()


# --- a person's records --------------------------------------------------------------------------------------


@dataclass
class PeriodGroup:
    year: SchoolYear
    semester: int | None  # None: the whole year (tasks, evaluations)
    works: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    pairs: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return period_label(self.year, self.semester)

    @property
    def empty(self) -> bool:
        return not (self.works or self.tasks or self.pairs or self.evaluations)


def person_records(teacher, *, studio=None) -> dict:
    """A person's works, task assignments, mentoring pairs and evaluations, grouped by school year and semester,
    newest first; `studio` narrows to one studio (a host looking at a member)."""
    calendar = Calendar()
    studio_filter = Q(studio=studio) if studio is not None else Q()
    works = annotate_works(
        Work.objects.filter(studio_filter, teacher=teacher).select_related("studio", "upload"), calendar=calendar
    )
    assignments = list(
        TaskAssignment.objects.filter(teacher=teacher, **({"task__studio": studio} if studio else {}))
        .select_related("task", "task__studio", "upload")
    )
    pairs = list(MentoringPair.objects.filter(studio_filter, teacher=teacher).select_related("studio")
                 .prefetch_related("visits"))
    evaluations = list(teacher.evaluations.filter(**({"studio": studio} if studio else {}))
                       .select_related("school_year", "studio"))
    groups: dict[tuple[int, int], PeriodGroup] = {}

    def group(day: datetime.date) -> PeriodGroup:
        year, semester = calendar.semester_of(day)
        key = (year.start_year, semester)
        if key not in groups:
            groups[key] = PeriodGroup(year=year, semester=semester)
        return groups[key]

    for work in works:
        group(work.date).works.append(work)
    for assignment in assignments:
        group(assignment.task.due_on).tasks.append(assignment)
    for pair in pairs:
        group(pair.started_on).pairs.append(pair)
    for evaluation in evaluations:
        # An evaluation scores the whole year: shown with the year's second semester.
        group(evaluation.school_year.semester2_start).evaluations.append(evaluation)
    ordered = OrderedDict()
    for key in sorted(groups, reverse=True):
        ordered.setdefault(key[0], []).append(groups[key])
    return {"years": [(groups_of_year[0].year, groups_of_year) for groups_of_year in ordered.values()],
            "works": works, "assignments": assignments, "pairs": pairs, "evaluations": evaluations}


# --- a studio's records --------------------------------------------------------------------------------------


def parse_period(value: str, calendar: Calendar) -> tuple[datetime.date, datetime.date] | None:
    """'2025-2026' → the school year; '2025-2026-2' → its second semester; anything else → None."""
    value = (value or "").strip()
    label, semester = value, None
    if value.count("-") == 2:
        label, _sep, number = value.rpartition("-")
        if number not in ("1", "2"):
            return None
        semester = int(number)
    try:
        start_year = SchoolYear.parse_label(label)
    except ValueError:
        return None
    year = next((y for y in calendar.years if y.start_year == start_year), None)
    if year is None:
        year = SchoolYear(start_year=start_year, **SchoolYear.default_dates(start_year))
    if semester is None:
        return year.start, year.end
    return year.semester_bounds(semester)


def period_choices(calendar: Calendar) -> list[tuple[str, str]]:
    choices = []
    for year in sorted(calendar.years, key=lambda y: y.start_year, reverse=True):
        choices.append((year.label, period_label(year)))
        for number in (1, 2):
            choices.append((f"{year.label}-{number}", period_label(year, number)))
    return choices


def studio_works(studio, *, kind: str = "", teacher=None, period: tuple | None = None):
    queryset = Work.objects.filter(studio=studio).select_related("teacher", "upload", "studio")
    if kind:
        queryset = queryset.filter(kind=kind)
    if teacher is not None:
        queryset = queryset.filter(teacher=teacher)
    if period is not None:
        queryset = queryset.filter(date__range=period)
    return queryset


def studio_people(studio):
    """Everyone who is or was in the studio, host first."""
    memberships = Membership.objects.filter(studio=studio).select_related("teacher").order_by("role", "teacher__code")
    seen, people = set(), []
    for membership in memberships:
        if membership.teacher_id not in seen:
            seen.add(membership.teacher_id)
            people.append(membership.teacher)
    return people


def active_members(studio, school_year: SchoolYear):
    """Members (not the host) active on any day of the school year."""
    memberships = (Membership.objects.filter(studio=studio, role=Membership.Role.MEMBER, joined_on__lte=school_year.end)
                   .filter(Q(left_on__isnull=True) | Q(left_on__gte=school_year.start))
                   .select_related("teacher").order_by("teacher__code"))
    seen, people = set(), []
    for membership in memberships:
        if membership.teacher_id not in seen:
            seen.add(membership.teacher_id)
            people.append(membership.teacher)
    return people


def studio_tasks(studio):
    return (Task.objects.filter(studio=studio)
            .prefetch_related(Prefetch("assignments", queryset=TaskAssignment.objects.select_related("teacher",
                                                                                                      "upload"))))


def studio_projects(studio):
    return (ResearchProject.objects.filter(studio=studio)
            .select_related("leader", "approval_document", "conclusion_document").prefetch_related("participants"))


# --- funds ---------------------------------------------------------------------------------------------------


@dataclass
class FundUsage:
    school_year: SchoolYear
    allocated: Decimal
    spent: Decimal
    by_category: list  # [(category value, label, amount, allowed)]
    entries: list

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def overdrawn(self) -> bool:
        return self.spent > self.allocated

    @property
    def outside_allowed(self) -> bool:
        return any(not allowed and amount for _value, _label, amount, allowed in self.by_category)


def fund_totals(studio, school_year) -> tuple[Decimal, Decimal]:
    rows = (FundEntry.objects.filter(studio=studio, school_year=school_year).values("kind")
            .annotate(total=Sum("amount")))
    totals = {row["kind"]: row["total"] or Decimal("0") for row in rows}
    return totals.get(FundEntry.Kind.ALLOCATION, Decimal("0")), totals.get(FundEntry.Kind.EXPENSE, Decimal("0"))


def fund_usage(studio, school_year) -> FundUsage:
    entries = list(FundEntry.objects.filter(studio=studio, school_year=school_year)
                   .select_related("receipt", "exception_by").order_by("date", "id"))
    allocated = sum((e.amount for e in entries if e.kind == FundEntry.Kind.ALLOCATION), Decimal("0"))
    spent = sum((e.amount for e in entries if e.kind == FundEntry.Kind.EXPENSE), Decimal("0"))
    by_category = []
    for value, label in FundEntry.Category.choices:
        amount = sum((e.amount for e in entries if e.kind == FundEntry.Kind.EXPENSE and e.category == value),
                     Decimal("0"))
        by_category.append((value, label, amount, value in ALLOWED_FUND_CATEGORIES))
    return FundUsage(school_year=school_year, allocated=allocated, spent=spent, by_category=by_category,
                     entries=entries)


# --- verification by the office (clarification 10) -------------------------------------------------------------


def _typed_counts_pending():
    return Work.objects.filter(char_count_source=Work.CountSource.MANUAL, count_check=Work.Check.PENDING,
                               kind__in=[Work.Kind.PAPER, Work.Kind.REFLECTION])


def _needs_checking(char_count, ocr_status, ocr_chars) -> bool:
    from core.uploads import ocr_confirms

    return not (ocr_status == "done" and ocr_confirms(char_count, ocr_chars))


def counts_to_verify():
    """Works whose count was typed by hand for a scan and still waits for the office (待核实), where a length is
    required (papers, reflections); those that text recognition already confirms need nobody."""
    works = _typed_counts_pending().select_related("studio", "teacher", "upload").order_by("date", "pk")
    return [w for w in works
            if not w.upload or _needs_checking(w.char_count, w.upload.ocr_status, w.upload.ocr_chars)]


def counts_to_verify_count() -> int:
    """len(counts_to_verify()) from three columns a row, not whole works."""
    return sum(1 for row in _typed_counts_pending().values_list("char_count", "upload__ocr_status", "upload__ocr_chars")
               if _needs_checking(*row))


def copies_to_verify():
    """Works found to be near-copies of another work of the banner, waiting for the office (a queryset)."""
    return (
        Work.objects.filter(copy_check=Work.Check.PENDING)
        .select_related("studio", "teacher", "upload", "copy_of__teacher", "copy_of__studio")
        .order_by("date", "pk")
    )


def work_text(work: Work) -> str | None:
    """The text of a work's file as the app reads it (None for a scan or an unreadable file)."""
    from django.core.exceptions import ValidationError

    from core.uploads import KINDS, CheckedFile, extract_text

    if work is None or work.upload is None:
        return None
    try:
        with work.upload.file.open("rb") as stream:
            data = stream.read()
        kind = KINDS.get(work.upload.content_type, "")
        return extract_text(CheckedFile(kind=kind, content_type=work.upload.content_type, size=len(data),
                                        data=data))
    except (OSError, ValidationError):
        return None


SENTENCE_ENDS = "。！？；!?;\n"
SHOWN_CHARS = 20_000


def _sentences(text: str) -> list[str]:
    pieces, current = [], []
    for ch in text[:SHOWN_CHARS]:
        current.append(ch)
        if ch in SENTENCE_ENDS:
            pieces.append("".join(current))
            current = []
    if current:
        pieces.append("".join(current))
    return pieces  # line breaks kept, so that the paragraphs read as in the file


def side_by_side(first: str | None, second: str | None) -> tuple[list, list]:
    """Both texts as sentences, each marked when the other text holds it too (ignoring white space and
    punctuation), so that the officer sees at a glance what was copied."""
    from .similarity import meaningful

    def marked(text, other):
        other_chars = meaningful(other or "")
        result = []
        for sentence in _sentences(text or ""):
            core = meaningful(sentence)
            result.append((sentence, len(core) >= 8 and core in other_chars))
        return result if any(sentence.strip() for sentence, _shared in result) else []

    return marked(first, second), marked(second, first)

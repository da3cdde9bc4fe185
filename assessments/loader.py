"""The ORM loader: turns the database into the plain evidence the rules read (evidence.py).

    cycles = studio_cycles(studios=Studio.objects.all(), year=2024)
    evidence = load_evidence(cycles=cycles, annual_year=2024, as_of=day)   # {studio_id: StudioEvidence}

Whatever the number of studios, people or records, the loader issues a fixed number of queries: one for
the cycles, one for the school years, then one per kind of record (memberships with teachers, titles,
activities with their filings, attendance, works, projects, project participants, mentoring pairs, task
assignments with their tasks, studio documents, host evaluations, fund entries). No query runs in a loop;
rows come back as ``values_list`` tuples, streamed with ``.iterator()`` where they can be many, and are
mapped onto the frozen dataclasses of evidence.py.

Choices where the spec is silent:
- The cycle of a studio for school year Y is the cycle with first year ≤ Y < first year + 3; a studio
  without one is left out. A dissolved cycle still counts for its past years.
- A person's role is the role of their latest membership span in the studio (a member who became host
  is assessed as host); all their spans are kept for the activity tests.
- A school year the office has not set up yet gets the default calendar (1 September – 31 August,
  semester 2 from 1 February), as the ledger import does.
- A mentoring pair recorded without a studio belongs to the person, so it counts in every studio of the
  loaded set that the person is in; one recorded for a studio counts only there.

What counts (regulation.md, clarifications 8 and 10):
- A work is read for the studio it is filed under only, never for the author's other studio.
- Titles are read with whether the office has verified them; a declined title is left out.
- A work's count is "confirmed" when it came from the file or a ledger, or was typed by hand and then verified by
  the office or confirmed by text recognition (``core.uploads.ocr_confirms``); a typed count still waiting is
  "unverified", one the office declined "declined". A work the office declined as a near-copy has status
  "declined" and counts for nothing.

Narrowing (``annual_year``, ``as_of``) only leaves out records that no rule would read, so the result of
the engine is the same as with the whole cycle loaded (test_loader checks this):
- annual: activities, attendance, tasks, works (except development plans, a cycle rule) of that school
  year only; fund entries and host evaluations of that year only.
- as_of: works, activities (and their attendance), mentoring pairs and dated fund entries after the
  as-of day are never read by a rule (each rule only counts records dated on or before it).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import date
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from activities.models import Activity, Attendance
from core.models import Upload
from core.uploads import ocr_confirms
from members.models import Title
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)
from studios.models import Cycle, Membership, SchoolYear, Studio

from . import evidence as ev
from .evidence import CYCLE_YEARS, LEVELS, school_year_label

CHUNK = 20_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, as it was after it.

    The evidence is a million small acyclic objects (frozen dataclasses, tuples, dates): the collector can never
    free any of them, yet every full collection walks them all — a fifth of ``assess --all`` went there. Whatever
    the block drops is still freed at once by reference counting; only cycles wait for the collector again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_frozen_after_load() -> Iterator[Callable[[], None]]:
    """For a long computation over loaded evidence (``assess --all``, a chunk of the recomputation): the collector
    is paused; call the function it yields once the evidence is loaded, and what exists then is moved out of the
    collector's sight (``gc.freeze``) before it is turned back on for the computation, whose garbage is
    short-lived. Everything is handed back to the collector at the end."""
    enabled = gc.isenabled()
    gc.disable()

    def loaded() -> None:
        gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield loaded
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _snapshot():
    """One transaction for the loader's queries, unless one is open already: every kind of record is read from the
    same snapshot, and PostgreSQL's server-side cursors (``.iterator()``) need not be declared WITH HOLD, which in
    autocommit makes the server copy each whole result before the first row is sent."""
    return nullcontext() if connection.in_atomic_block else transaction.atomic()


class StudioCycle(NamedTuple):
    """The cycle a studio is assessed in."""

    studio_id: int
    code: str
    name: str
    cycle_id: int
    cycle_status: str
    start_year: int  # first school year of the cycle, e.g. 2024 for 2024-2025

    @property
    def years(self) -> list[int]:
        return [self.start_year + offset for offset in range(CYCLE_YEARS)]

    def contains(self, start_year: int) -> bool:
        return self.start_year <= start_year < self.start_year + CYCLE_YEARS


def level_code(level: int) -> str:
    """members.Level ints 1..4 → evidence levels banner … national."""
    return LEVELS[int(level) - 1]


def _ref(code: str | None, prefix: str, pk: int) -> str:
    """CodedRecord.ref without a model instance: the ledger code, else "#W12"."""
    return code or f"#{prefix}{pk}"


def count_status(source: str, check: str, typed: int | None, ocr: str, recognised: int | None) -> str:
    """Whether a work's 字数 can be trusted (clarification 10): see the module docstring."""
    if source != Work.CountSource.MANUAL or check == Work.Check.VERIFIED:
        return "confirmed"
    if check == Work.Check.DECLINED:
        return "declined"
    if ocr == Upload.Recognition.DONE and ocr_confirms(typed, recognised):
        return "confirmed"
    return "unverified"


def _studio_filter(studios, field: str = "studio_id") -> Q:
    if isinstance(studios, QuerySet):
        return Q(**{f"{field}__in": studios.values("pk")})
    ids = [s.pk if isinstance(s, Studio) else int(s) for s in studios]
    return Q(**{f"{field}__in": ids})


# --- cycles and calendars ---------------------------------------------------------------------------------


def studio_cycles(*, studios, year: int | None = None,
                  cycle_start_years: Mapping[int, int] | None = None) -> dict[int, StudioCycle]:
    """The cycle of each studio, in one query, ordered by studio code.

    ``year`` (a school year's first calendar year) picks the cycle containing it; ``cycle_start_years``
    ({studio_id: first year}) names the cycle outright; with neither, the studio's latest cycle.
    Studios without such a cycle are left out.
    """
    rows = (
        Cycle.objects.filter(_studio_filter(studios))
        .order_by("studio__code", "-start_year__start_year")
        .values_list("studio_id", "studio__code", "studio__name", "id", "status", "start_year__start_year")
    )
    if year is not None and cycle_start_years is None:
        rows = rows.filter(start_year__start_year__gt=year - CYCLE_YEARS, start_year__start_year__lte=year)
    result: dict[int, StudioCycle] = {}
    for row in rows:
        cycle = StudioCycle(*row)
        if cycle_start_years is not None:
            if cycle_start_years.get(cycle.studio_id) == cycle.start_year:
                result[cycle.studio_id] = cycle
        elif cycle.studio_id not in result:  # the latest cycle comes first
            result[cycle.studio_id] = cycle
    return result


def _calendars(first_years: Iterable[int]) -> dict[int, ev.SchoolYear]:
    """School years by first calendar year, from the office's settings or the default calendar."""
    first_years = set(first_years)
    found = {
        start_year: ev.SchoolYear(school_year_label(start_year), start, end, semester2_start)
        for start_year, start, end, semester2_start in SchoolYear.objects.filter(start_year__in=first_years)
        .order_by()
        .values_list("start_year", "start", "end", "semester2_start")
    }
    for start_year in first_years - found.keys():
        found[start_year] = ev.SchoolYear.default(school_year_label(start_year))
    return found


class _Window(NamedTuple):
    """The dates whose records one studio's assessment reads."""

    cycle_start: date
    cycle_end: date
    record_start: date  # activities, attendance, tasks, works other than development plans
    record_end: date
    as_of: date | None

    def in_cycle(self, day: date | None) -> bool:
        return day is not None and self.cycle_start <= day <= self.cycle_end and (
            self.as_of is None or day <= self.as_of)


# --- the loader -----------------------------------------------------------------------------------------------


def load_evidence(*, studios=None, cycle_start_years: Mapping[int, int] | None = None, year: int | None = None,
                  cycles: Mapping[int, StudioCycle] | None = None, annual_year: int | None = None,
                  as_of: date | None = None) -> dict[int, ev.StudioEvidence]:
    """Evidence for every studio and its cycle, keyed by studio id, in a fixed number of queries.

    Give either ``studios`` (a queryset, Studio objects or ids; with ``year`` or ``cycle_start_years`` as
    in ``studio_cycles``) or ``cycles`` already looked up. ``annual_year`` loads only what the annual
    assessment of that school year reads; ``as_of`` leaves out records dated after it.
    """
    if cycles is None:
        if studios is None:
            raise ValueError("load_evidence needs studios or cycles")
        cycles = studio_cycles(studios=studios, year=year, cycle_start_years=cycle_start_years)
    if not cycles:
        return {}
    with collector_paused(), _snapshot():
        return _load(cycles, annual_year, as_of)


def _load(cycles: Mapping[int, StudioCycle], annual_year: int | None, as_of: date | None
          ) -> dict[int, ev.StudioEvidence]:
    if annual_year is not None:
        cycles = {sid: c for sid, c in cycles.items() if c.contains(annual_year)}
        if not cycles:
            return {}
    ids = list(cycles)
    calendars = _calendars(y for c in cycles.values() for y in c.years)
    year_ids = dict(
        SchoolYear.objects.filter(start_year__in=calendars).order_by().values_list("id", "start_year")
    )

    windows: dict[int, _Window] = {}
    for sid, cycle in cycles.items():
        first, last = calendars[cycle.years[0]], calendars[cycle.years[-1]]
        record = calendars[annual_year] if annual_year is not None else None
        windows[sid] = _Window(
            first.start, last.end,
            record.start if record else first.start, record.end if record else last.end, as_of,
        )
    low = min(w.cycle_start for w in windows.values())
    high = max(w.cycle_end for w in windows.values())
    dated_high = min(high, as_of) if as_of else high
    record_low = min(w.record_start for w in windows.values())
    record_high = max(w.record_end for w in windows.values())
    record_dated_high = min(record_high, as_of) if as_of else record_high
    wanted_year_ids = [pk for pk, start_year in year_ids.items()
                       if annual_year is None or start_year == annual_year]

    # 1. memberships with their teachers
    spans: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    teachers: dict[int, tuple[str, str, date | None]] = {}
    memberships = (
        Membership.objects.filter(_studio_filter(ids), joined_on__lte=high)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=low))
        .order_by("joined_on", "id")
        .values_list("studio_id", "teacher_id", "role", "joined_on", "left_on",
                     "teacher__code", "teacher__name", "teacher__birth_date")
    )
    for sid, tid, role, joined, left, code, name, birth in memberships:
        spans[sid][tid].append((role, joined, left))
        teachers[tid] = (code, name, birth)
    member_ids = Membership.objects.filter(_studio_filter(ids)).values("teacher_id")

    # 2. titles
    titles: dict[int, list[ev.Title]] = defaultdict(list)
    for tid, kind, level, awarded, check in (
        Title.objects.filter(teacher_id__in=member_ids, awarded_on__lte=high)
        .exclude(check_status=Title.Check.DECLINED)
        .order_by("awarded_on", "id")
        .values_list("teacher_id", "kind", "level", "awarded_on", "check_status")
    ):
        titles[tid].append(ev.Title(kind, level_code(level), awarded, check == Title.Check.VERIFIED))

    code_of = {tid: teacher[0] for tid, teacher in teachers.items()}.get
    cycle_years = {sid: frozenset(cycle.years) for sid, cycle in cycles.items()}
    # (first, last) record day per studio, as_of applied: records outside never count.
    dated = {sid: (w.record_start, min(w.record_end, as_of) if as_of else w.record_end) for sid, w in windows.items()}

    # 3. activities with their filings (a missing filing is "none")
    activities: dict[int, list[ev.Activity]] = defaultdict(list)
    activity_refs: dict[int, tuple[int, str]] = {}
    for (pk, sid, code, kind, scope, day, status, organiser, required, filing_status, approved_on, doc_number,
         title) in (
        Activity.objects.filter(_studio_filter(ids), date__gte=record_low, date__lte=record_dated_high)
        .order_by("date", "id")
        .values_list("id", "studio_id", "code", "kind", "scope", "date", "status", "organiser_id",
                     "attendance_required", "filing__status", "filing__approved_on", "filing__doc_number", "title")
        .iterator(chunk_size=CHUNK)
    ):
        first, last = dated[sid]
        if not first <= day <= last:
            continue
        ref = code or f"#{Activity.REF_PREFIX}{pk}"
        activity_refs[pk] = (sid, ref)
        activities[sid].append(ev.Activity(
            ref=ref, kind=kind, scope=scope, date=day, status=status, organiser=code_of(organiser),
            attendance_required=required, filing_status=filing_status or "none", filing_approved_on=approved_on,
            doc_number=doc_number or "", title=title,
        ))

    # 4. attendance
    attendances: dict[int, list[ev.Attendance]] = defaultdict(list)
    for activity_id, tid, status in (
        Attendance.objects.filter(_studio_filter(ids, "activity__studio_id"),
                                  activity__date__gte=record_low, activity__date__lte=record_dated_high)
        .order_by()
        .values_list("activity_id", "teacher_id", "status")
        .iterator(chunk_size=CHUNK)
    ):
        found = activity_refs.get(activity_id)
        teacher = code_of(tid)
        if found is None or teacher is None:
            continue
        attendances[found[0]].append(ev.Attendance(found[1], teacher, status))

    # 5. works (development plans are a cycle rule's records)
    works: dict[int, list[ev.Work]] = defaultdict(list)
    work_query = Q(date__gte=record_low, date__lte=record_dated_high)
    if annual_year is not None:
        work_query |= Q(kind=Work.Kind.DEV_PLAN, date__gte=low, date__lte=dated_high)
    for pk, sid, code, tid, kind, day, chars, status, title, source, count_check, copy_check, ocr, ocr_chars in (
        Work.objects.filter(_studio_filter(ids)).filter(work_query)
        .order_by("date", "id")
        .values_list("id", "studio_id", "code", "teacher_id", "kind", "date", "char_count", "status", "title",
                     "char_count_source", "count_check", "copy_check", "upload__ocr_status", "upload__ocr_chars")
        .iterator(chunk_size=CHUNK)
    ):
        if kind == Work.Kind.DEV_PLAN:
            if not windows[sid].in_cycle(day):
                continue
        else:
            first, last = dated[sid]
            if not first <= day <= last:
                continue
        teacher = code_of(tid)
        if teacher is None:
            continue
        works[sid].append(ev.Work(
            code or f"#{Work.REF_PREFIX}{pk}", teacher, kind, day, chars,
            "declined" if copy_check == Work.Check.DECLINED else status, title,
            count_status(source, count_check, chars, ocr, ocr_chars),
        ))

    # 6. research projects and 7. their participants
    participants: dict[int, list[str]] = defaultdict(list)
    through = ResearchProject.participants.through
    for project_id, tid in (
        through.objects.filter(_studio_filter(ids, "researchproject__studio_id"))
        .order_by("id")
        .values_list("researchproject_id", "teacher_id")
    ):
        teacher = code_of(tid)
        if teacher is not None:
            participants[project_id].append(teacher)
    projects: dict[int, list[ev.Project]] = defaultdict(list)
    for pk, sid, code, level, approved, concluded, leader, title in (
        ResearchProject.objects.filter(_studio_filter(ids), approved_on__lte=high)
        .order_by("approved_on", "id")
        .values_list("id", "studio_id", "code", "level", "approved_on", "concluded_on", "leader_id", "title")
    ):
        projects[sid].append(ev.Project(
            ref=_ref(code, ResearchProject.REF_PREFIX, pk), level=level_code(level), approved_on=approved,
            concluded_on=concluded, leader=code_of(leader), participants=tuple(participants.get(pk, ())),
            title=title,
        ))

    # 8. mentoring pairs (of the studio, or of the person when recorded without a studio)
    pairs: dict[int, list[ev.MentoringPair]] = defaultdict(list)
    for pk, code, pair_studio, tid, started, ended, mentee in (
        MentoringPair.objects.filter(teacher_id__in=member_ids, started_on__lte=dated_high)
        .filter(Q(studio__isnull=True) | _studio_filter(ids))
        .order_by("started_on", "id")
        .values_list("id", "code", "studio_id", "teacher_id", "started_on", "ended_on", "mentee_name")
    ):
        teacher = code_of(tid)
        if teacher is None:
            continue
        pair = ev.MentoringPair(ref=_ref(code, MentoringPair.REF_PREFIX, pk), teacher=teacher,
                                started_on=started, ended_on=ended, mentee=mentee)
        if pair_studio is not None:
            if pair_studio in cycles:
                pairs[pair_studio].append(pair)
        else:
            for sid in cycles:
                if tid in spans[sid]:
                    pairs[sid].append(pair)

    # 9. task assignments with their tasks (due dates are not bounded by as_of: a task due later is pending)
    tasks: dict[int, list[ev.TaskAssignment]] = defaultdict(list)
    for sid, task_id, code, tid, due, completed, title in (
        TaskAssignment.objects.filter(_studio_filter(ids, "task__studio_id"),
                                      task__due_on__gte=record_low, task__due_on__lte=record_high)
        .order_by("task__due_on", "task_id", "id")
        .values_list("task__studio_id", "task_id", "task__code", "teacher_id", "task__due_on", "completed_on",
                     "task__title")
        .iterator(chunk_size=CHUNK)
    ):
        window = windows[sid]
        if not (window.record_start <= due <= window.record_end):
            continue
        teacher = code_of(tid)
        if teacher is None:
            continue
        tasks[sid].append(ev.TaskAssignment(ref=_ref(code, Task.REF_PREFIX, task_id), teacher=teacher, due_on=due,
                                            completed_on=completed, title=title))

    # 10. studio documents (all years of the cycle: training plans and reports are cycle rules)
    documents: dict[int, list[ev.StudioDocument]] = defaultdict(list)
    for pk, sid, code, kind, year_id, submitted, status, decided in (
        StudioDocument.objects.filter(_studio_filter(ids), school_year_id__in=list(year_ids))
        .order_by("id")
        .values_list("id", "studio_id", "code", "kind", "school_year_id", "submitted_on", "status", "decided_on")
    ):
        start_year = year_ids[year_id]
        if start_year not in cycle_years[sid]:
            continue
        documents[sid].append(ev.StudioDocument(
            ref=_ref(code, StudioDocument.REF_PREFIX, pk), kind=kind, school_year=school_year_label(start_year),
            submitted_on=submitted, status=status,
            approved_on=decided if status == StudioDocument.Status.APPROVED else None,
        ))

    # 11. host evaluations
    evaluations: dict[int, list[ev.Evaluation]] = defaultdict(list)
    for sid, year_id, tid, attitude, completion, research, theory, teaching in (
        HostEvaluation.objects.filter(_studio_filter(ids), school_year_id__in=wanted_year_ids)
        .order_by("id")
        .values_list("studio_id", "school_year_id", "teacher_id", *HostEvaluation.SCORE_FIELDS)
    ):
        teacher = code_of(tid)
        if teacher is None or year_ids[year_id] not in cycle_years[sid]:
            continue
        evaluations[sid].append(ev.Evaluation(teacher, school_year_label(year_ids[year_id]), attitude, completion,
                                              research, theory, teaching))

    # 12. fund entries
    funds: dict[int, list[ev.FundEntry]] = defaultdict(list)
    fund_rows = FundEntry.objects.filter(_studio_filter(ids), school_year_id__in=wanted_year_ids)
    if as_of is not None:
        fund_rows = fund_rows.filter(date__lte=as_of)
    for pk, sid, code, kind, year_id, amount, category, day, exception in (
        fund_rows.order_by("date", "id")
        .values_list("id", "studio_id", "code", "kind", "school_year_id", "amount", "category", "date",
                     "exception_approved")
        .iterator(chunk_size=CHUNK)
    ):
        if year_ids[year_id] not in cycle_years[sid]:
            continue
        funds[sid].append(ev.FundEntry(
            ref=_ref(code, FundEntry.REF_PREFIX, pk), kind=kind, school_year=school_year_label(year_ids[year_id]),
            amount=amount, category=category or None, date=day, exception_approved=exception,
        ))

    result: dict[int, ev.StudioEvidence] = {}
    for sid, cycle in cycles.items():
        people = []
        for tid, teacher_spans in spans[sid].items():
            code, name, birth = teachers[tid]
            people.append(ev.Person(
                teacher=code, name=name, role=teacher_spans[-1][0], birth_date=birth,
                memberships=tuple(ev.Span(joined, left) for _role, joined, left in teacher_spans),
                titles=tuple(titles.get(tid, ())),
            ))
        people.sort(key=lambda p: p.teacher)
        result[sid] = ev.StudioEvidence(
            studio=cycle.code,
            name=cycle.name,
            cycle_start=school_year_label(cycle.start_year),
            school_years=tuple(calendars[y] for y in cycle.years),
            people=tuple(people),
            activities=tuple(activities.get(sid, ())),
            attendances=tuple(attendances.get(sid, ())),
            works=tuple(works.get(sid, ())),
            projects=tuple(projects.get(sid, ())),
            mentoring_pairs=tuple(pairs.get(sid, ())),
            tasks=tuple(tasks.get(sid, ())),
            documents=tuple(documents.get(sid, ())),
            evaluations=tuple(evaluations.get(sid, ())),
            funds=tuple(funds.get(sid, ())),
        )
    return result

"""Stored results: every studio's assessment computed ahead, kept fresh on every change (issue 13).

    results_refresh(studio_ids=[…])          # recompute and store: one evidence load for all of them
    results_mark_stale(studio_ids=[…])       # a record a rule reads changed: stale now, recomputed on commit
    results_refresh_running()                # the nightly run: everything whose period is still running
    fresh_results(kind=, start_year=, studio_ids=…)   # read for a page, refreshed first where the worker is absent

One row (``AssessmentResult``) per studio, kind and period: an annual assessment of each school year of each of
the studio's cycles, and the cycle assessment. The row keeps the full result as the selectors return it (overrides
laid over it, the sign-off beside it), the verdict, rate and counts as columns, the settings and overrides it used
(``settings_fingerprint``), the day it was assessed as of, a fingerprint of the evidence it read, when it was
computed, whether it is stale and the last error.

Choices where the issue is silent:
- A recomputation covers every cycle of the studio (one evidence load per cycle "round": the latest cycle of each
  studio, then the one before…) and writes all four results of a cycle from that one load: what a rule reads
  for an annual assessment is a subset of the cycle's evidence (loader.py narrows only what no rule reads).
- A result assessed as of an earlier day than today whose period (plus the summary's grace days) has not ended is
  out of date even when no record changed: "as of today" moved. Pages treat it as stale; the nightly task
  recomputes it.
- A recomputation that fails for a studio keeps the last good result, marked with the error (and stale); the next
  change or the nightly run tries again.
- Without a worker (no REDIS_URL, Celery eager: development and tests) a page that finds a stale result refreshes
  it before rendering, so it never shows one; with a worker it shows the stored one and says it is being updated.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import FloatField, Func, Q
from django.utils import timezone

from studios.models import Cycle, Studio

from .engine import ANNUAL, CYCLE, assess, effective_status
from .evidence import school_year_label
from .loader import load_evidence, studio_cycles
from .models import AssessmentResult, AssessmentTally, RuleSettings
from .periods import MET, NOT_APPLICABLE, NOT_MET
from .rules import RULES_BY_ID
from .selectors import _Tally

logger = logging.getLogger(__name__)

CYCLE_YEARS = Cycle.YEARS


# --- computing -------------------------------------------------------------------------------------------------


def _fingerprint(value) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _settings_fingerprint(settings: dict, overrides: list[dict]) -> str:
    """The settings and the studio's overrides a result used (any change of either changes it)."""
    overrides = sorted(
        ({key: o.get(key) for key in ("teacher", "rule", "period", "status", "reason", "at")} for o in overrides),
        key=lambda o: (o["teacher"] or "", o["rule"], o["period"]),
    )
    return _fingerprint(json.dumps({"settings": settings, "overrides": overrides}, sort_keys=True, default=str))


def _overall_verdict(result: dict) -> str:
    finals = [result["team"].get("final_verdict", result["team"]["verdict"])]
    finals += [m.get("final_verdict", m["verdict"]) for m in result["members"]]
    if "fail" in finals:
        return "fail"
    if "pending" in finals:
        return "pending"
    return "pass"


class _Count(_Tally):
    """The overview's tally of statuses (selectors._Tally), stored as columns: the rate is computed in SQL."""

    __slots__ = ()

    def as_dict(self) -> dict:
        counts = super().as_dict()
        del counts["rate"]
        return counts


def summarise(result: dict) -> tuple[dict, dict[tuple[str, str], dict]]:
    """The columns of a stored result and its tallies {(axis, key): counts}, as the overview counts them:
    effective statuses (after overrides), the studio's rate over the instances that count for this kind."""
    total = _Count()
    tallies: dict[tuple[str, str], _Count] = defaultdict(_Count)
    for block in [result["team"], *result["members"]]:
        for instance in block["rules"]:
            status = effective_status(instance)
            counts = instance.get("counts", True)
            if counts:
                total.add(status)
            tallies[("rule", instance["rule"])].add(status)
            rule = RULES_BY_ID.get(instance["rule"])
            if counts and rule is not None and rule.period_kind == "semester":
                tallies[("semester", instance["period"])].add(status)
    columns = total.as_dict()
    columns["compliance_rate"] = round(total.met / total.applicable, 4) if total.applicable else None
    columns["verdict"] = _overall_verdict(result)
    columns["team_verdict"] = result["team"].get("final_verdict", result["team"]["verdict"])
    columns["signoff_grade"] = (result.get("signoff") or {}).get("grade") or ""
    return columns, {key: count.as_dict() for key, count in tallies.items()}


def _cycle_rounds(studio_ids: list[int]) -> list[dict[int, int]]:
    """Every cycle of these studios as rounds of {studio_id: first year}, at most one cycle per studio a round
    (the latest first), so that each round is one evidence load."""
    rounds: list[dict[int, int]] = []
    seen: dict[int, int] = defaultdict(int)
    for sid, first in (Cycle.objects.filter(studio_id__in=studio_ids)
                       .order_by("studio_id", "-start_year__start_year")
                       .values_list("studio_id", "start_year__start_year")):
        index = seen[sid]
        seen[sid] += 1
        if index == len(rounds):
            rounds.append({})
        rounds[index][sid] = first
    return rounds


def _compute_round(cycle_start_years: dict[int, int], *, as_of: datetime.date, settings, started) -> tuple[
        dict[tuple[int, str, int], dict], dict[int, str]]:
    """The results of one round: {(studio_id, kind, start_year): row values}, {studio_id: error}."""
    from .selectors import _overrides, _signoffs, _with_overrides

    cycles = studio_cycles(studios=list(cycle_start_years), cycle_start_years=cycle_start_years)
    if not cycles:
        return {}, {}
    evidence = load_evidence(cycles=cycles, as_of=as_of)
    overrides = _overrides(cycles)
    signed = {(CYCLE, None): _signoffs(cycles, 0, CYCLE)}
    firsts = {c.start_year for c in cycles.values()}
    for year in sorted({first + offset for first in firsts for offset in range(CYCLE_YEARS)}):
        signed[(ANNUAL, year)] = _signoffs(cycles, year, ANNUAL)
    settings_dict = settings.as_dict()
    rows: dict[tuple[int, str, int], dict] = {}
    errors: dict[int, str] = {}
    for sid, cycle in cycles.items():
        studio_evidence = evidence.get(sid)
        if studio_evidence is None:
            continue
        try:
            evidence_fingerprint = _fingerprint(repr(studio_evidence))
            settings_fingerprint = _settings_fingerprint(settings_dict, overrides.get(sid, []))
            wanted = [(CYCLE, cycle.start_year)] + [(ANNUAL, year) for year in cycle.years]
            for kind, start_year in wanted:
                result = assess(studio_evidence, kind, as_of, settings, year=school_year_label(start_year))
                result = _with_overrides(result, overrides.get(sid))
                signoff = signed[(kind, None if kind == CYCLE else start_year)].get(sid)
                result.update(studio_name=cycle.name, studio_id=sid, cycle_id=cycle.cycle_id,
                              cycle_status=cycle.cycle_status, signoff=signoff)
                columns, tallies = summarise(result)
                rows[(sid, kind, start_year)] = {
                    "cycle_id": cycle.cycle_id,
                    "period_end": datetime.date.fromisoformat(result["period"]["end"]),
                    "as_of": as_of,
                    "settings_fingerprint": settings_fingerprint,
                    "evidence_fingerprint": evidence_fingerprint,
                    "computed_at": started,
                    "result": result,
                    "matrix": matrix_row(result),
                    "tallies": tallies,
                    **columns,
                }
        except Exception as error:  # one studio's bad data must not stop the others
            logger.exception("assessment of studio %s failed", cycle.code)
            errors[sid] = f"{type(error).__name__}: {error}"[:2000]
            for key in [key for key in rows if key[0] == sid]:
                del rows[key]
    return rows, errors


_COLUMNS = ("cycle_id", "period_end", "as_of", "settings_fingerprint", "evidence_fingerprint", "computed_at",
            "verdict", "team_verdict", "compliance_rate", "met", "not_met", "pending", "not_applicable",
            "applicable", "signoff_grade", "result", "matrix")


def _write(rows: dict[tuple[int, str, int], dict], errors: dict[int, str], studio_ids: list[int], *,
           started) -> int:
    """Store the computed rows and the errors; a result whose studio changed after ``started`` stays stale."""
    now = timezone.now()
    with transaction.atomic():
        # Two refreshes of a studio that has no results yet would both insert; the studios' rows serialise them
        # (NO KEY UPDATE: records referencing the studio can still be written meanwhile).
        list(Studio.objects.select_for_update(no_key=True).filter(pk__in=studio_ids).order_by("pk").values("pk"))
        existing = {
            (r.studio_id, r.kind, r.start_year): r
            for r in AssessmentResult.objects.select_for_update().filter(studio_id__in=studio_ids).order_by("pk")
        }
        changed, created = [], []
        for key, values in rows.items():
            row = existing.pop(key, None)
            if row is None:
                row = AssessmentResult(studio_id=key[0], kind=key[1], start_year=key[2])
                created.append(row)
            else:
                changed.append(row)
            for name in _COLUMNS:
                setattr(row, name, values[name])
            row.error, row.error_at = "", None
            row.stale = row.stale_since is not None and row.stale_since > started
            if not row.stale:
                row.stale_since = None
        if changed:
            AssessmentResult.objects.bulk_update(changed, [*_COLUMNS, "error", "error_at", "stale", "stale_since"],
                                                 batch_size=500)
        if created:
            AssessmentResult.objects.bulk_create(created, batch_size=500)
        failed = [row for key, row in existing.items() if key[0] in errors]
        for row in failed:
            row.error, row.error_at, row.stale = errors[row.studio_id], now, True
            row.stale_since = row.stale_since or now
        if failed:
            AssessmentResult.objects.bulk_update(failed, ["error", "error_at", "stale", "stale_since"], batch_size=500)
        # Results of a period the studio no longer has (a cycle removed) would otherwise linger.
        gone = [row.pk for key, row in existing.items() if key[0] not in errors]
        if gone:
            AssessmentResult.objects.filter(pk__in=gone).delete()
        written = changed + created
        AssessmentTally.objects.filter(result__in=[row.pk for row in changed]).delete()
        AssessmentTally.objects.bulk_create(
            [AssessmentTally(result=row, axis=axis, key=key, **counts)
             for row in written
             for (axis, key), counts in rows[(row.studio_id, row.kind, row.start_year)]["tallies"].items()],
            batch_size=2000,
        )
    _written_in_transaction(studio_ids)
    return len(written)


def results_refresh(*, studio_ids: Iterable[int], as_of: datetime.date | None = None) -> int:
    """Recompute and store every result of these studios (annual per school year of each cycle, and cycle),
    as of ``as_of`` (default today), with one evidence load per cycle round. Returns the results written.

    A studio whose assessment raises keeps its last good results, marked with the error; a load that fails
    (the database) marks them all and raises again, so that the Celery task retries.
    """
    studio_ids = sorted({int(sid) for sid in studio_ids})
    if not studio_ids:
        return 0
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    if len(studio_ids) <= DEDUPE_MAX:
        try:
            cache.delete_many([_queued_key(sid) for sid in studio_ids])  # a change from now on queues them again
        except Exception:  # Redis down: the keys expire by themselves (QUEUED_SECONDS); the page goes on
            logger.warning("the refresh queue's dedupe is unavailable", exc_info=True)
    from .selectors import current_settings

    settings = current_settings()
    rows: dict = {}
    errors: dict[int, str] = {}
    try:
        for cycle_start_years in _cycle_rounds(studio_ids):
            round_rows, round_errors = _compute_round(cycle_start_years, as_of=as_of, settings=settings,
                                                      started=started)
            rows.update(round_rows)
            errors.update(round_errors)
    except Exception as error:
        results_mark_failed(studio_ids=studio_ids, error=f"{type(error).__name__}: {error}")
        raise
    for sid in errors:
        for key in [key for key in rows if key[0] == sid]:
            del rows[key]
    return _write(rows, errors, studio_ids, started=started)


def results_mark_failed(*, studio_ids: Iterable[int], error: str) -> int:
    """Say on their stored results that the recomputation of these studios failed; the results stay."""
    now = timezone.now()
    return AssessmentResult.objects.filter(studio_id__in=list(studio_ids)).update(
        error=error[:2000], error_at=now, stale=True)


# --- staleness --------------------------------------------------------------------------------------------------


def _in_lock_order(studio_ids):
    """These studios' rows, to be updated with their row locks taken in primary-key order — the order the
    recomputation locks them in (_write) — so that a change marking a studio stale inside its transaction and a
    recomputation running for another transaction's commit never deadlock (four officers approving at once)."""
    return AssessmentResult.objects.filter(pk__in=AssessmentResult.objects.filter(
        studio_id__in=studio_ids).order_by("pk").select_for_update().values("pk"))


def _mark_stale(studio_ids, now) -> None:
    # savepoint=False: inside the caller's transaction this adds nothing; after a commit it is its own short one.
    with transaction.atomic(savepoint=False):
        _in_lock_order(studio_ids).update(stale=True, stale_since=now)


def results_mark_stale(*, studio_ids: Iterable[int] | None = None) -> None:
    """A record these studios' rules read changed (None: every studio, a setting): their results are stale at
    once, and recomputed after the transaction commits, one task per transaction whatever the changes."""
    ids = None if studio_ids is None else {int(sid) for sid in studio_ids if sid is not None}
    if ids is not None and not ids:
        return
    fresh = queue_refresh(ids)
    if fresh is None:
        return  # this transaction marked them already
    now = timezone.now()
    if fresh == _EVERYTHING:
        AssessmentResult.objects.update(stale=True, stale_since=now)
    elif fresh:
        _mark_stale(fresh, now)


_EVERYTHING = frozenset({-1})


class _Pending:
    """The studios changed in the current transaction, flushed once on commit."""

    def __init__(self):
        self.ids: set[int] = set()  # to recompute on commit
        self.marked: set[int] = set()  # marked stale already in this transaction
        self.everything = self.everything_marked = False
        self.done = False

    def __call__(self):
        self.done = True
        _dispatch(None if self.everything else sorted(self.ids))


def _dispatch(ids: list[int] | None) -> None:
    from . import tasks

    now = timezone.now()
    # Stamped again after the commit: a recomputation that began before the change was visible keeps it stale.
    if ids is None:
        AssessmentResult.objects.update(stale=True, stale_since=now)
        _queue(tasks.refresh_all_results)
    elif ids:
        _mark_stale(ids, now)
        if not worker_absent() and len(ids) <= DEDUPE_MAX:
            # Autocommit writes (a script, one save after another) would queue a task per save: a studio already
            # waiting in the queue is not queued again (its task reads the database when it starts).
            try:
                ids = [sid for sid in ids if cache.add(_queued_key(sid), 1, timeout=QUEUED_SECONDS)]
            except Exception:  # Redis down: no dedupe, and _queue below fails softly as well — pages go on
                logger.warning("the refresh queue's dedupe is unavailable", exc_info=True)
        if ids:
            _queue(tasks.refresh_results, ids)


def _queue(task, *args) -> None:
    """Queue (or, without a worker, run) a recomputation after a commit. It must never fail the request that made
    the change: if it cannot run (Redis down, the database busy), the results stay stale, pages say so or
    recompute them on reading, and the nightly run catches up."""
    try:
        task.delay(*args)
    except Exception:
        logger.warning("recomputing stored results failed after a commit; they stay stale", exc_info=True)


DEDUPE_MAX = 200
QUEUED_SECONDS = 600  # a lost task stops holding back new ones after ten minutes (and the nightly run catches up)


def _queued_key(studio_id: int) -> str:
    return f"assessments:refresh-queued:{studio_id}"


def _current_pending():
    from django.db import connection

    pending = getattr(connection, "_assessment_results_pending", None)
    if pending is None or pending.done or not any(entry[1] is pending for entry in connection.run_on_commit):
        return None
    return pending


def queue_refresh(studio_ids: set[int] | None):
    """Queue the recomputation of these studios (None: all) for when the transaction commits; debounced, so a
    transaction that changes many records of a studio queues it once (and marks it stale once, unless it was
    recomputed in between). Returns the ids to mark stale now (``_EVERYTHING`` for all, None for none)."""
    from django.db import connection

    if not connection.in_atomic_block:
        if worker_absent():
            # Each save of autocommit code (a script, a factory) would recompute in-process; mark only: every
            # read refreshes what is stale when there is no worker (ensure_fresh).
            return _EVERYTHING if studio_ids is None else studio_ids
        _dispatch(None if studio_ids is None else sorted(studio_ids))
        return None  # _dispatch marked them
    pending = _current_pending()
    if pending is None:
        pending = _Pending()
        connection._assessment_results_pending = pending
        transaction.on_commit(pending)
    if studio_ids is None:
        pending.everything = True
        if pending.everything_marked:
            return None
        pending.everything_marked = True
        return _EVERYTHING
    pending.ids.update(studio_ids)
    if pending.everything_marked:
        return None
    fresh = studio_ids - pending.marked
    pending.marked.update(fresh)
    return fresh or None


def _written_in_transaction(studio_ids, *, everything: bool = False) -> None:
    """A recomputation inside the transaction saw every change made so far: these studios need no other on
    commit, and a later change marks them again."""
    pending = _current_pending()
    if pending is not None:
        pending.marked.difference_update(studio_ids)
        pending.ids.difference_update(studio_ids)
        pending.everything_marked = False
        if everything:
            pending.everything = False


# --- reading ------------------------------------------------------------------------------------------------------


def worker_absent() -> bool:
    """Tasks run in-process (no Redis): nothing would refresh a stale result in the background."""
    from mingshi.celery import app

    return bool(app.conf.task_always_eager)


def running_q(today: datetime.date) -> Q:
    """Results assessed before ``today`` whose period (and the summary's grace days) has not ended: as of today
    they may read differently."""
    grace = RuleSettings.objects.filter(pk=1).values_list("summary_grace_days", flat=True).first()
    grace = 30 if grace is None else grace
    return Q(as_of__lt=today, period_end__gte=today - datetime.timedelta(days=grace))


def outdated_q(today: datetime.date | None = None) -> Q:
    """Results a page must not show as fresh: stale, failed, or assessed before today while still running."""
    today = today or timezone.localdate()
    return Q(stale=True) | running_q(today)


def is_outdated(row: AssessmentResult, today: datetime.date | None = None, grace: int = 30) -> bool:
    today = today or timezone.localdate()
    return row.stale or (row.as_of < today and row.period_end >= today - datetime.timedelta(days=grace))


def results_scope(*, kind: str, start_year: int) -> Q:
    """The stored results a page of ``kind`` for school year ``start_year`` shows: the annual result of that
    year, or the cycle result of the cycle containing it."""
    if kind == CYCLE:
        return Q(kind=CYCLE, start_year__gt=start_year - CYCLE_YEARS, start_year__lte=start_year)
    return Q(kind=ANNUAL, start_year=start_year)


def studios_in_scope(*, kind: str, start_year: int, studios=None):
    """Ids of the studios whose cycle contains the year (those the page should list)."""
    cycles = Cycle.objects.filter(start_year__start_year__gt=start_year - CYCLE_YEARS,
                                  start_year__start_year__lte=start_year)
    if studios is not None:
        cycles = cycles.filter(studio__in=studios)
    return cycles.values("studio_id")


def ensure_fresh(*, kind: str, start_year: int, studios=None) -> dict:
    """Before a page reads the stored results of ``kind`` and year: without a worker, recompute the stale, out
    of date and missing ones now (a fixed number of queries); with one, queue the missing and out of date ones
    (the stale ones are queued already) and say how many are being updated.

    Returns {"updating": n, "computed_at": datetime of the oldest shown or None}.
    """
    today = timezone.localdate()
    scope = AssessmentResult.objects.filter(results_scope(kind=kind, start_year=start_year))
    if studios is not None:
        scope = scope.filter(studio__in=studios)
    outdated = set(scope.filter(outdated_q(today)).values_list("studio_id", flat=True))
    missing = set(
        Studio.objects.filter(pk__in=studios_in_scope(kind=kind, start_year=start_year, studios=studios))
        .exclude(pk__in=scope.values("studio_id")).values_list("pk", flat=True)
    )
    if worker_absent():
        if outdated or missing:
            results_refresh(studio_ids=outdated | missing)
        return {"updating": 0}
    running = set(scope.filter(running_q(today), stale=False).values_list("studio_id", flat=True))
    if missing or running:
        results_mark_stale(studio_ids=running | missing)
    return {"updating": len(outdated | missing)}


def running_studio_ids(as_of: datetime.date) -> list[int]:
    """What the nightly run recomputes, in id order: every studio with a result whose period is still running
    (or stale), and every studio with a cycle and no result yet."""
    ids = set(AssessmentResult.objects.filter(outdated_q(as_of)).values_list("studio_id", flat=True))
    ids |= set(Studio.objects.filter(cycles__isnull=False).exclude(results__isnull=False)
               .values_list("pk", flat=True))
    return sorted(ids)


def results_refresh_running(*, as_of: datetime.date | None = None, chunk: int = 200) -> int:
    """The nightly run in one process: ``running_studio_ids`` recomputed as of today, ``chunk`` studios at a
    time. Returns the results written. (The beat task spreads the same studios over the workers instead.)"""
    as_of = as_of or timezone.localdate()
    ordered = running_studio_ids(as_of)
    written = 0
    for offset in range(0, len(ordered), chunk):
        written += results_refresh(studio_ids=ordered[offset:offset + chunk], as_of=as_of)
    return written


def results_refresh_all(*, as_of: datetime.date | None = None, chunk: int = 200) -> int:
    """Recompute every studio that has a cycle, ``chunk`` at a time (the demo, a settings change)."""
    ordered = sorted(set(Cycle.objects.values_list("studio_id", flat=True)))
    written = 0
    for offset in range(0, len(ordered), chunk):
        written += results_refresh(studio_ids=ordered[offset:offset + chunk], as_of=as_of)
    _written_in_transaction(ordered, everything=True)
    return written


# --- pages -----------------------------------------------------------------------------------------------------

STATUS_ORDER = (NOT_MET, "pending", MET, NOT_APPLICABLE)  # a matrix cell shows its worst instance
SORTS = ("rate", "not_met", "code")
# A banner's 30 studios on one page; a region's, worst first, 30 at a time — the page renders the same either way.
PER_PAGE = 30


def _worst(statuses) -> str:
    statuses = set(statuses)
    return next((s for s in STATUS_ORDER if s in statuses), NOT_APPLICABLE)


def matrix_row(result: dict) -> dict:
    """One studio's row of the overview from its result: per rule, the worst instance's status and the counts
    (as selectors.overview_matrix builds it live), and the periods of its non-cycle instances. Stored beside the
    result when it is computed (``AssessmentResult.matrix``), so that a list of studios never reads the whole
    results: a page of 50 studios' annual results is several megabytes of JSON."""
    from .rules import REGISTRY

    statuses: dict[str, list] = defaultdict(list)
    periods = set()
    for block in [result["team"], *result["members"]]:
        for instance in block["rules"]:
            statuses[instance["rule"]].append(effective_status(instance))
            if instance["period"] != "cycle":
                periods.add(instance["period"])
    cells = {}
    for rule in REGISTRY:
        found = statuses.get(rule.id, [])
        count = _Count()
        for status in found:
            count.add(status)
        values = count.as_dict()
        values["rate"] = round(count.met / count.applicable, 4) if count.applicable else None
        cells[rule.id] = {"status": _worst(found), **values}
    return {"studio": result["studio"], "studio_name": result.get("studio_name", ""),
            "team_verdict": result["team"]["verdict"], "periods": sorted(periods), "cells": cells}


# What a list of stored results reads: everything but the whole result.
LIST_FIELDS = ("id", "studio_id", "kind", "start_year", "period_end", "as_of", "computed_at", "stale", "error",
               "verdict", "team_verdict", "compliance_rate", "not_met", "signoff_grade", "matrix")


def _row(stored: AssessmentResult, today: datetime.date, grace: int) -> dict:
    matrix = stored.matrix or matrix_row(stored.result)  # a row stored before the field (stale: recomputed soon)
    return {
        "studio": matrix["studio"],
        "studio_id": stored.studio_id,
        "studio_name": matrix["studio_name"],
        "team_verdict": matrix["team_verdict"],
        "team_final_verdict": stored.team_verdict,
        "final_verdict": stored.verdict,
        "compliance_rate": stored.compliance_rate,
        "signoff_grade": stored.signoff_grade or None,
        "computed_at": stored.computed_at,
        "stale": is_outdated(stored, today, grace),
        "error": stored.error,
        "periods": matrix["periods"],
        "cells": matrix["cells"],
    }


def _grace() -> int:
    grace = RuleSettings.objects.filter(pk=1).values_list("summary_grace_days", flat=True).first()
    return 30 if grace is None else grace


def _ordering(sort: str) -> list:
    from django.db.models import F

    rate = F("compliance_rate").asc(nulls_last=True)
    if sort == "code":
        return ["studio__code"]
    if sort == "not_met":
        return ["-not_met", rate, "studio__code"]
    return [rate, "-not_met", "studio__code"]


def filtered_results(*, kind: str, start_year: int, subject: str = "", stage: str = "", verdict: str = "",
                     behind: bool = False, search: str = "", studios=None):
    """The stored results a list shows, filtered in SQL (学科, 学段, verdict, behind, a studio's name or code)."""
    rows = AssessmentResult.objects.filter(results_scope(kind=kind, start_year=start_year))
    if studios is not None:
        rows = rows.filter(studio__in=studios)
    if subject:
        rows = rows.filter(studio__subject=subject)
    if stage:
        rows = rows.filter(studio__stage=stage)
    if verdict:
        rows = rows.filter(verdict=verdict)
    if behind:
        rows = rows.filter(not_met__gt=0)
    if search:
        rows = rows.filter(Q(studio__name__icontains=search) | Q(studio__code__icontains=search))
    return rows


def _rate(met, applicable):
    return round(met / applicable, 4) if applicable else None


class _Epoch(Func):
    """Seconds since 1970 of a timestamp, on PostgreSQL and SQLite alike (Extract's "epoch" is PostgreSQL's)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) * 86400.0)", **extra)


def totals(rows) -> dict:
    """The list's totals summed in SQL: studios, verdicts, the banner's rate, how many are behind or stale."""
    from django.db.models import Count, Max, Min, Sum

    today = timezone.localdate()
    found = rows.aggregate(
        stamp=Sum(_Epoch("computed_at")),
        studios=Count("pk"), sum_met=Sum("met"), sum_applicable=Sum("applicable"), sum_not_met=Sum("not_met"),
        sum_pending=Sum("pending"),
        n_fail=Count("pk", filter=Q(verdict="fail")), n_pending=Count("pk", filter=Q(verdict="pending")),
        n_pass=Count("pk", filter=Q(verdict="pass")), n_behind=Count("pk", filter=Q(not_met__gt=0)),
        n_updating=Count("pk", filter=outdated_q(today)), n_failed=Count("pk", filter=~Q(error="")),
        computed_from=Min("computed_at"), computed_to=Max("computed_at"),
    )
    found = {
        "studios": found["studios"], "met": found["sum_met"] or 0, "applicable": found["sum_applicable"] or 0,
        "not_met": found["sum_not_met"] or 0, "pending_instances": found["sum_pending"] or 0,
        "fail": found["n_fail"], "pending": found["n_pending"], "pass": found["n_pass"],
        "behind": found["n_behind"], "updating": found["n_updating"], "failed": found["n_failed"],
        "computed_from": found["computed_from"], "computed_to": found["computed_to"],
        "stamp": found["stamp"],
    }
    found["rate"] = _rate(found["met"], found["applicable"])
    return found


TALLIES_CACHE_SECONDS = 600


def tallies(rows, axis: str, *, stamp=None) -> dict[str, dict]:
    """Per rule or per semester, the counts summed in SQL over these results.

    With ``stamp`` (totals()'s sum of the listed results' computation times, which changes whenever one of them is
    recomputed, added or removed) the sums are kept in the cache under it: at region scale they are the costliest
    query of the overview (a thousand studios' tallies), and they change only when a result does."""
    if stamp is None:
        return _tallies(rows, axis)
    key = "assessments:tallies:" + _fingerprint(f"{axis}|{stamp}|{rows.query}")
    try:
        return cache.get_or_set(key, lambda: _tallies(rows, axis), TALLIES_CACHE_SECONDS)
    except Exception:  # Redis down: sum them without the cache; the page goes on
        logger.warning("the tallies' cache is unavailable", exc_info=True)
        return _tallies(rows, axis)


def _tallies(rows, axis: str) -> dict[str, dict]:
    from django.db.models import Sum

    found = {}
    for entry in (AssessmentTally.objects.filter(axis=axis, result__in=rows.values("pk")).values("key")
                  .annotate(met=Sum("met"), not_met=Sum("not_met"), pending=Sum("pending"),
                            not_applicable=Sum("not_applicable"), applicable=Sum("applicable"))
                  .order_by("key")):
        key = entry.pop("key")
        found[key] = {**entry, "rate": _rate(entry["met"], entry["applicable"])}
    return found


def overview_page(*, school_year, kind: str, page=1, per_page: int | None = None, sort: str = "rate",
                  subject: str = "", stage: str = "", verdict: str = "", behind: bool = False,
                  search: str = "") -> dict:
    """The banner overview from stored results, one page of studios; totals and charts summed in SQL.

    Same keys as selectors.overview_matrix (rules, periods, rows, by_rule, trend, totals, settings, as_of), plus
    "page" (a Django page of the rows), "updating" (how many are being recomputed) and "computed_at".
    A fixed number of queries whatever the number of studios.
    """
    from django.core.paginator import Paginator

    from .rules import REGISTRY
    from .selectors import _period_sort_key, current_settings

    start_year = school_year.start_year
    freshness = ensure_fresh(kind=kind, start_year=start_year)
    rows = filtered_results(kind=kind, start_year=start_year, subject=subject, stage=stage, verdict=verdict,
                            behind=behind, search=search)
    summed = totals(rows)
    sort = sort if sort in SORTS else "rate"
    paginator = Paginator(rows.order_by(*_ordering(sort)).only(*LIST_FIELDS), per_page or PER_PAGE)
    paginator.count = summed["studios"]  # summed already: spare the count query
    shown = paginator.get_page(page)
    today, grace = timezone.localdate(), _grace()
    page_rows = [_row(stored, today, grace) for stored in shown.object_list]
    by_rule = tallies(rows, AssessmentTally.Axis.RULE, stamp=summed["stamp"])
    trend = tallies(rows, AssessmentTally.Axis.SEMESTER, stamp=summed["stamp"])
    empty = {"met": 0, "not_met": 0, "pending": 0, "not_applicable": 0, "applicable": 0, "rate": None}
    periods = sorted({period for row in page_rows for period in row["periods"]}, key=_period_sort_key)
    return {
        "kind": kind,
        "school_year": school_year.label,
        "as_of": today.isoformat(),
        "settings": current_settings().as_dict(),
        "rules": [{"id": r.id, "title": r.title, "short": r.short, "clause": r.clause, "scope": r.scope,
                   "period_kind": r.period_kind, "counts": kind == CYCLE or r.period_kind != "cycle"}
                  for r in REGISTRY],
        "periods": periods,
        "rows": page_rows,
        "page": shown,
        "by_studio": [{"studio": r["studio"], "studio_name": r["studio_name"], "rate": r["compliance_rate"]}
                      for r in page_rows],
        "by_rule": [{"rule": r.id, "title": r.title, **by_rule.get(r.id, empty),
                     "counts": kind == CYCLE or r.period_kind != "cycle"} for r in REGISTRY],
        "trend": [{"period": label, **trend[label]} for label in sorted(trend, key=_period_sort_key)],
        "totals": summed,
        "updating": max(freshness["updating"], summed["updating"]),
        "computed_at": summed["computed_to"],
    }


def behind_page(*, school_year, limit: int = 5) -> dict:
    """The office home's panel: the studios furthest behind this school year (annual), from stored results."""
    start_year = school_year.start_year
    freshness = ensure_fresh(kind=ANNUAL, start_year=start_year)
    rows = filtered_results(kind=ANNUAL, start_year=start_year)
    summed = totals(rows)
    today, grace = timezone.localdate(), _grace()
    shown = [_row(stored, today, grace) for stored in rows.order_by(*_ordering("not_met")).only(*LIST_FIELDS)[:limit]]
    return {"rows": shown, "totals": summed, "updating": max(freshness["updating"], summed["updating"]),
            "computed_at": summed["computed_to"]}


def iter_stored_results(*, studios, school_year, kind: str):
    """The stored results (as selectors.iter_assessment_results yields them, in studio-code order) of these
    studios, outdated ones recomputed first: for exports and reminders, which must not read a stale one.
    Streams: a region's results are never all in memory."""
    start_year = school_year.start_year
    scope = AssessmentResult.objects.filter(results_scope(kind=kind, start_year=start_year))
    if hasattr(studios, "query"):  # a queryset
        limited = scope.filter(studio__in=studios)
        in_scope = studios_in_scope(kind=kind, start_year=start_year, studios=studios)
    else:
        ids = [s.pk if isinstance(s, Studio) else int(s) for s in studios]
        limited = scope.filter(studio_id__in=ids)
        in_scope = studios_in_scope(kind=kind, start_year=start_year, studios=ids)
    today = timezone.localdate()
    redo = set(limited.filter(outdated_q(today)).values_list("studio_id", flat=True))
    redo |= set(Studio.objects.filter(pk__in=in_scope).exclude(pk__in=limited.values("studio_id"))
                .values_list("pk", flat=True))
    ordered = sorted(redo)
    for offset in range(0, len(ordered), 200):
        results_refresh(studio_ids=ordered[offset:offset + 200])
    # 50 results a fetch: a region's cycle summary peaked at 244 MB fetching 200 at a time, 163 MB at 50
    # (bench/README.md, export memory), for 0.7 s more.
    yield from limited.order_by("studio__code").values_list("result", flat=True).iterator(chunk_size=50)


def studio_result(*, studio, school_year, kind: str) -> dict | None:
    """One studio's stored result as of today, as selectors.studio_assessment computes it (recomputed first if
    outdated, so never behind a change); None when its cycles do not contain the year. The studio's assessment
    page reads it: assessing a studio live on each visit cost more than the rest of the page."""
    return next(iter(iter_stored_results(studios=[studio.pk], school_year=school_year, kind=kind)), None)

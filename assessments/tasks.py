"""Background work of the assessment. Each task takes ids (and plain values), calls a service and returns
something small, or, for a chunk of ``assess --all``, the chunk's JSON lines. The stored results are recomputed
by ``refresh_results`` (queued on commit after a change), ``refresh_all_results`` and the nightly
``refresh_running_results``."""

from __future__ import annotations

import base64
import datetime
import zlib

from celery import group, shared_task
from django.db import OperationalError


def chunked(ids: list[int], size: int) -> list[list[int]]:
    """Consecutive runs of ``size`` ids (the last one shorter), keeping their order."""
    return [ids[offset:offset + size] for offset in range(0, len(ids), size)]


@shared_task(acks_late=True)
def assess_chunk(studio_ids: list[int], start_year: int, kind: str, as_of: str) -> str:
    """One chunk of ``manage.py assess --all``: its studios' results as the command's JSON lines, deflated
    (``chunk_lines`` reads them): a region's cycle is 111 MB of text, which the JSON result serializer would
    otherwise carry through Redis with every Chinese character escaped (about 1.5 times the size); deflated it is
    a tenth, for the same CPU."""
    from .management.commands.assess import assessment_lines

    lines = assessment_lines(studio_ids, start_year=start_year, kind=kind, as_of=datetime.date.fromisoformat(as_of))
    return base64.b64encode(zlib.compress(lines.encode("utf-8"), 1)).decode("ascii")


def chunk_lines(packed: str) -> str:
    """What ``assess_chunk`` returned, as the lines it computed."""
    return zlib.decompress(base64.b64decode(packed)).decode("utf-8")


def dispatch_assess_chunks(studio_ids: list[int], *, start_year: int, kind: str, as_of: datetime.date, chunk: int,
                           timeout: float):
    """Hand the studios (in the order given) to the workers ``chunk`` at a time; a GroupResult whose
    ``results`` are in the same order (the caller waits on each for ``timeout`` seconds). A chunk still queued
    when its caller would have given up on it expires unstarted, so a command that failed leaves no work behind."""
    return group(
        assess_chunk.s(part, start_year, kind, as_of.isoformat()).set(expires=timeout * (index + 1))
        for index, part in enumerate(chunked(studio_ids, chunk))
    ).apply_async()


# --- stored results (assessments/results.py) ---------------------------------------------------------------------


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=10, max_retries=5)
def refresh_results(studio_ids: list[int], as_of: str | None = None) -> int:
    """Recompute and store the results of these studios (one evidence load for all of them)."""
    from . import results

    day = datetime.date.fromisoformat(as_of) if as_of else None
    return results.results_refresh(studio_ids=studio_ids, as_of=day)


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=10, max_retries=5)
def refresh_all_results() -> int:
    """Every studio's results (a setting changed, a ledger was imported)."""
    from . import results

    return results.results_refresh_all()


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=30, max_retries=5)
def refresh_running_results(chunk: int = 100) -> int:
    """The nightly run: results whose period is still running move with "as of today". Spread over the
    workers as ``refresh_in_chunks`` does, so that more worker processes finish a region's night sooner.
    Returns the number of chunks queued."""
    return refresh_in_chunks(chunk=chunk)


@shared_task(ignore_result=True)
def refresh_in_chunks(studio_ids: list[int] | None = None, as_of: str | None = None, chunk: int = 100) -> int:
    """A full recomputation spread over the workers: these studios (None: those the nightly run would recompute —
    a result whose period still runs, a stale one, a studio with none), in id order, handed to ``refresh_results``
    ``chunk`` at a time as a Celery group, each chunk one evidence load of its own studios. Returns the number of
    chunks queued (eagerly, without Redis, they run here before it returns)."""
    from django.utils import timezone

    from . import results

    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    if studio_ids is None:
        ids = results.running_studio_ids(day)
    else:
        ids = sorted({int(sid) for sid in studio_ids})
    parts = chunked(ids, max(1, int(chunk)))
    if parts:
        group(refresh_results.s(part, day.isoformat()) for part in parts).apply_async()
    return len(parts)

"""Reads for the Excel pages: the assessment results the sheets show, and the user's export jobs."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import ExportJob


def iter_assessment_results(*, studios, school_year, kind: str, as_of: datetime.date):
    """The assessment results in the JSON shape of assessment-json.md, one per studio, lazily.

    The assessment app computes them (assessments.selectors); the sheets only lay them out. As of today they are
    the stored results (assessments.results, outdated ones recomputed first), streamed; another day is assessed."""
    if as_of == timezone.localdate():
        from assessments.results import iter_stored_results

        return iter_stored_results(studios=studios, school_year=school_year, kind=kind)

    return _assessed_in_chunks(studios=studios, school_year=school_year, kind=kind, as_of=as_of)


LIVE_CHUNK = 100


def _assessed_in_chunks(*, studios, school_year, kind: str, as_of: datetime.date):
    """Another day than today, assessed live ``LIVE_CHUNK`` studios at a time in studio-code order: one evidence
    load for a region's cycle held 489 MB before the first row was written (bench/README.md, export memory)."""
    from assessments import selectors
    from studios.models import Studio

    if hasattr(studios, "query"):
        ordered = list(studios.order_by("code").values_list("pk", flat=True))
    else:
        ids = [getattr(studio, "pk", studio) for studio in studios]
        ordered = list(Studio.objects.filter(pk__in=ids).order_by("code").values_list("pk", flat=True))
    for offset in range(0, len(ordered), LIVE_CHUNK):
        yield from selectors.iter_assessment_results(studios=ordered[offset:offset + LIVE_CHUNK],
                                                     school_year=school_year, kind=kind, as_of=as_of)


def jobs_for(user, *, limit: int = 20):
    """The user's recent jobs that have not expired, newest first."""
    return (ExportJob.objects.filter(user=user, expires_at__gt=timezone.now())
            .select_related("studio").order_by("-created_at")[:limit])

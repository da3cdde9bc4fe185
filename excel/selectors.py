"""Reads for the Excel pages: the assessment results the sheets show, and the user's export jobs."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import ExportJob


def iter_assessment_results(*, studios, school_year, kind: str, as_of: datetime.date):
    """The assessment results in the JSON shape of assessment-json.md, one per studio, lazily.

    The assessment app computes them (assessments.selectors); the sheets only lay them out. As of today they are
    the stored results (assessments.results, outdated ones recomputed first), streamed; another day is assessed."""
    from assessments import selectors

    if as_of == timezone.localdate():
        from assessments.results import iter_stored_results

        return iter_stored_results(studios=studios, school_year=school_year, kind=kind)

    iterate = getattr(selectors, "iter_assessment_results", None)
    if iterate is not None:
        return iterate(studios=studios, school_year=school_year, kind=kind, as_of=as_of)
    return iter(selectors.assessment_results(studios=studios, school_year=school_year, kind=kind, as_of=as_of))


def jobs_for(user, *, limit: int = 20):
    """The user's recent jobs that have not expired, newest first."""
    return (ExportJob.objects.filter(user=user, expires_at__gt=timezone.now())
            .select_related("studio").order_by("-created_at")[:limit])

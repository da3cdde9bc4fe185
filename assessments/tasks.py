"""Stored results recomputed in the background (assessments/results.py). Each task takes ids and calls a service."""

from celery import shared_task
from django.db import OperationalError

from . import results


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=10, max_retries=5)
def refresh_results(studio_ids: list[int], as_of: str | None = None) -> int:
    """Recompute and store the results of these studios (one evidence load for all of them)."""
    import datetime

    day = datetime.date.fromisoformat(as_of) if as_of else None
    return results.results_refresh(studio_ids=studio_ids, as_of=day)


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=10, max_retries=5)
def refresh_all_results() -> int:
    """Every studio's results (a setting changed)."""
    return results.results_refresh_all()


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=30, max_retries=5)
def refresh_running_results() -> int:
    """The nightly run: results whose period is still running move with "as of today"."""
    return results.results_refresh_running()

"""Reminders sent on a schedule (Celery beat, registered in apps.py). Each task takes a date and calls a service."""

import datetime

from celery import shared_task
from django.db import OperationalError

from studios.access import today

from . import services


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else today()


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=30, max_retries=5)
def remind_tasks_due(on: str | None = None) -> int:
    """Open tasks due within three days: one notification (and e-mail) per assignee and task."""
    return services.reminders_tasks_due(on=_day(on))


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=30, max_retries=5)
def remind_semester_gaps(on: str | None = None) -> int:
    """In a semester's last two weeks, remind each person and host once of what they still miss."""
    return services.reminders_semester_end(on=_day(on))

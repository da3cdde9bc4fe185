"""Reads of the security app: the audit log with its filters, the login lockouts in force."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

# Labels for the families of audit actions (the part before the dot); unknown families show their own name.
from core.labels import ACTION_FAMILIES
from core.models import AuditEntry

from .policy import password_change_due


def action_families() -> list[tuple[str, str]]:
    """(prefix, label) for every family present in the log, plus the login family, sorted by prefix."""
    # order_by(): the model's ordering would join created_at to the DISTINCT and bring back the whole log.
    actions = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    prefixes = {action.split(".", 1)[0] for action in actions}
    prefixes.add("auth")
    return [(prefix, str(ACTION_FAMILIES.get(prefix, prefix))) for prefix in sorted(prefixes)]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entries(
    *,
    action: str = "",
    actor: str = "",
    studio=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    q: str = "",
):
    """Audit entries, newest first, with everything a row shows loaded in the same query."""
    queryset = AuditEntry.objects.select_related("actor", "actor__teacher", "studio")
    if action:
        queryset = queryset.filter(Q(action=action) | Q(action__startswith=action.rstrip(".") + "."))
    if actor:
        queryset = queryset.filter(
            Q(actor__username__icontains=actor) | Q(actor__teacher__name__icontains=actor)
            | Q(actor__first_name__icontains=actor) | Q(actor__last_name__icontains=actor)
            | Q(actor__isnull=True, data__username__icontains=actor)
        )
    if studio is not None:
        queryset = queryset.filter(studio=studio)
    if date_from:
        queryset = queryset.filter(created_at__gte=_day_start(date_from))
    if date_to:
        queryset = queryset.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    if q:
        queryset = queryset.filter(
            Q(target_repr__icontains=q) | Q(comment__icontains=q) | Q(action__icontains=q)
            | Q(data__username__icontains=q) | Q(from_state__iexact=q) | Q(to_state__iexact=q)
        )
    return queryset.order_by("-created_at", "-id")


@dataclass(frozen=True)
class Lockout:
    pk: int
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime.datetime
    unlocks_at: datetime.datetime


def lockout_threshold() -> datetime.datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def _locked_attempts():
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=lockout_threshold()
    ).order_by("-attempt_time", "-id")


def _lockout(attempt: AccessAttempt) -> Lockout:
    return Lockout(
        pk=attempt.pk,
        username=attempt.username or "",
        ip_address=attempt.ip_address or "",
        failures=attempt.failures_since_start,
        last_attempt=attempt.attempt_time,
        unlocks_at=attempt.attempt_time + settings.AXES_COOLOFF_TIME,
    )


def current_lockouts() -> list[Lockout]:
    """Account/IP pairs that may not log in right now, the most recent first."""
    return [_lockout(attempt) for attempt in _locked_attempts()]


def get_lockout(pk: int) -> Lockout | None:
    attempt = _locked_attempts().filter(pk=pk).first()
    return _lockout(attempt) if attempt is not None else None


def password_change_due_for(user) -> bool:
    """Whether this logged-in person must set a new password before anything else (security.policy)."""
    return password_change_due(must_change=user.must_change_password, changed_at=user.password_changed_at,
                               joined_at=user.date_joined, now=timezone.now(),
                               max_age_days=settings.PASSWORD_MAX_AGE_DAYS)

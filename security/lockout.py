"""Login lockouts: django-axes records every failure per (username, address); this handler locks the pair, the
account whatever the address, and the address whatever the username (security.policy.lockout_score)."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum

from .policy import lockout_score


def _is(field: str, value) -> Q:
    return Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})


class LockoutHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS stays the pair, so that a successful login forgives only its own pair's failures:
    an attacker logging in to their own account cannot wipe the count of the account they are guessing."""

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        sums = {"pair": Sum("failures_since_start", filter=_is("username", username) & _is("ip_address", address))}
        if username:
            sums["account"] = Sum("failures_since_start", filter=Q(username=username))
        if address:
            sums["address"] = Sum("failures_since_start", filter=Q(ip_address=address))
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        counted = recent.aggregate(**sums)
        return lockout_score(
            pair=counted.get("pair") or 0, account=counted.get("account") or 0, address=counted.get("address") or 0,
            pair_limit=settings.AXES_FAILURE_LIMIT, account_limit=settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT,
            address_limit=settings.LOCKOUT_ADDRESS_FAILURE_LIMIT,
        )

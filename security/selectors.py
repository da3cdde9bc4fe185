"""Reads of the security app: the audit log with its filters, the login lockouts in force."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
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
    """A lock in force: a username from one address (pair), an account from anywhere, or an address."""

    kind: str  # "pair", "account" or "address"
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime.datetime
    unlocks_at: datetime.datetime

    PAIR, ACCOUNT, ADDRESS = "pair", "account", "address"

    @property
    def key(self) -> str:
        return self.ip_address if self.kind == self.ADDRESS else self.username


def lockout_threshold() -> datetime.datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def _recent_attempts():
    return AccessAttempt.objects.filter(attempt_time__gte=lockout_threshold())


def _grouped(kind: str, fields: list[str], limit: int, **filters) -> list[Lockout]:
    rows = (
        _recent_attempts().filter(**filters).order_by().values(*fields)
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=limit)
    )
    return [
        Lockout(kind=kind, username=row.get("username") or "", ip_address=row.get("ip_address") or "",
                failures=row["failures"], last_attempt=row["last_attempt"],
                unlocks_at=row["last_attempt"] + settings.AXES_COOLOFF_TIME)
        for row in rows
    ]


def _pair_filters(username: str | None, ip_address: str | None) -> dict:
    filters = {}
    if username is not None:
        filters["username"] = username
    if ip_address is not None:
        filters["ip_address"] = ip_address
    return filters


def current_lockouts() -> list[Lockout]:
    """Every lock in force, the most recent first: accounts, addresses and username/address pairs (three
    grouped queries, however many failures there are)."""
    found = (
        _grouped(Lockout.ACCOUNT, ["username"], settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT, username__isnull=False)
        + _grouped(Lockout.ADDRESS, ["ip_address"], settings.LOCKOUT_ADDRESS_FAILURE_LIMIT, ip_address__isnull=False)
        + _grouped(Lockout.PAIR, ["username", "ip_address"], settings.AXES_FAILURE_LIMIT)
    )
    return sorted(found, key=lambda lockout: (lockout.last_attempt, lockout.kind), reverse=True)


def get_lockout(*, kind: str, username: str | None = None, ip_address: str | None = None) -> Lockout | None:
    """The lock of this kind on this account, address or pair, if it is in force."""
    if kind == Lockout.ACCOUNT and username:
        found = _grouped(kind, ["username"], settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT, username=username)
    elif kind == Lockout.ADDRESS and ip_address:
        found = _grouped(kind, ["ip_address"], settings.LOCKOUT_ADDRESS_FAILURE_LIMIT, ip_address=ip_address)
    elif kind == Lockout.PAIR and (username or ip_address):
        found = _grouped(kind, ["username", "ip_address"], settings.AXES_FAILURE_LIMIT,
                         **_pair_filters(username, ip_address))
    else:
        found = []
    return found[0] if found else None


def lockout_attempts(lockout: Lockout):
    """The recorded failures that make up this lock (what releasing it deletes)."""
    if lockout.kind == Lockout.ACCOUNT:
        return AccessAttempt.objects.filter(username=lockout.username)
    if lockout.kind == Lockout.ADDRESS:
        return AccessAttempt.objects.filter(ip_address=lockout.ip_address)
    return AccessAttempt.objects.filter(**_pair_filters(lockout.username or None, lockout.ip_address or None))


def password_change_due_for(user) -> bool:
    """Whether this logged-in person must set a new password before anything else (security.policy)."""
    return password_change_due(must_change=user.must_change_password, changed_at=user.password_changed_at,
                               joined_at=user.date_joined, now=timezone.now(),
                               max_age_days=settings.PASSWORD_MAX_AGE_DAYS)


def account_search(*, q: str = "", role: str = ""):
    """Accounts for the security administrator, by username; superusers (installation only) are not listed."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    accounts = (get_user_model().objects.filter(is_superuser=False).select_related("teacher")
                .annotate(has_second_factor=Exists(enrolled)).order_by("username"))
    if role:
        accounts = accounts.filter(role=role)
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(teacher__name__icontains=q)
                                   | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    return accounts


# --- the second factor (等保 身份鉴别 d) -----------------------------------------------------------------------------


def second_factor_applies(user) -> bool:
    """Officers, the three administrators and the installation's superuser log in with two factors; teachers
    never are asked."""
    from members.models import User

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.role == User.Role.OFFICER or user.role in User.ADMINISTRATORS)


def second_factor_required(user) -> bool:
    """Whether this person may reach no page before enrolling a second factor (MINGSHI_REQUIRE_2FA)."""
    return bool(settings.MINGSHI_REQUIRE_2FA) and second_factor_applies(user)


def authenticator_for(user):
    """The person's confirmed authenticator app (TOTP), if any."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_second_factor(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device_for(user):
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()

"""Writes of the security app: login events in the audit log, releasing a lockout, the audit export."""

from __future__ import annotations

import csv
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record, client_ip

# A spreadsheet reads a cell that starts with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"


def is_http_request(request) -> bool:
    """The test client's force_login and the shell log in without an HTTP request: no person is logging in."""
    return request is not None and bool(getattr(request, "META", {}).get("REQUEST_METHOD"))


def auth_event_record(*, action: str, request, user=None, username: str = "", extra: dict | None = None):
    """auth.login, auth.logout, auth.login_failed, auth.locked_out: who, from which address."""
    if not is_http_request(request):
        return None
    name = (username or (user.get_username() if user is not None else "") or "")[:150]
    data = {"username": name, "ip": client_ip(request) or ""} | (extra or {})
    return audit_record(actor=user, action=action, request=request, data=data)


def account_password_change(*, user, password: str, request=None):
    """The person sets their own password: any forced change is satisfied and the password's age restarts."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(actor=user, action="auth.password_change", target=user, request=request,
                     data={"username": user.get_username(), "ip": client_ip(request) or ""})
    return user


def account_role_change(*, actor, user, role: str, reason: str, request=None):
    """三员分立: only the security administrator changes roles, never their own, never a superuser's; audited."""
    from members.models import User

    if actor is None or not getattr(actor, "is_security_admin", False):
        raise DomainError(_("Only the security administrator may change roles."))
    if user.pk == actor.pk:
        raise DomainError(_("Nobody may change their own role; ask another security administrator."))
    if user.is_superuser:
        raise DomainError(_("The installation account has no role to change."))
    if role not in User.Role.values:
        raise DomainError(_("Unknown role."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        previous = locked.role
        if previous == role:
            raise DomainError(_("The account already has this role."))
        locked.role = role
        # Only the superuser and the system administrator reach the Django admin; the flag follows the role.
        locked.is_staff = role == User.Role.ADMIN
        locked.save(update_fields=["role", "is_staff"])
        audit_record(actor=actor, action="account.role_change", target=locked, from_state=previous, to_state=role,
                     comment=reason, request=request, data={"username": locked.get_username()})
    user.role, user.is_staff = locked.role, locked.is_staff
    return user


def lockout_release(*, actor, kind: str, username: str = "", ip_address: str = "", request=None) -> dict:
    """An officer or the security administrator lets a locked account, address or pair try again at once, by
    forgiving the failures that make up the lock; the release is audited."""
    from .selectors import get_lockout, lockout_attempts

    with transaction.atomic():
        lockout = get_lockout(kind=kind, username=username or None, ip_address=ip_address or None)
        if lockout is None:
            raise DomainError(_("This lockout has already ended or been released."))
        released = {
            "kind": lockout.kind,
            "username": lockout.username,
            "ip": lockout.ip_address,
            "failures": lockout.failures,
            "last_attempt": timezone.localtime(lockout.last_attempt).isoformat(timespec="seconds"),
        }
        attempts = lockout_attempts(lockout)
        list(attempts.select_for_update().values_list("pk", flat=True))
        attempts.delete()
        audit_record(actor=actor, action="auth.unlock", request=request, data=released,
                     comment=lockout_description(lockout))
    return released


def lockout_description(lockout) -> str:
    if lockout.kind == "account":
        return _("Login lockout of the account %(username)s released (from every address).") % {
            "username": lockout.username}
    if lockout.kind == "address":
        return _("Login lockout of the address %(ip)s released (for every username).") % {"ip": lockout.ip_address}
    return _("Login lockout released for %(username)s from %(ip)s.") % {"username": lockout.username,
                                                                        "ip": lockout.ip_address}


def csv_safe(value) -> str:
    """A cell that Excel shows as text: formula-looking values get a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


AUDIT_CSV_HEADER = ("time", "action", "actor", "username", "studio", "object", "from", "to", "comment", "ip",
                    "data")


def audit_csv_lines(entries):
    """The rows of an audit export as CSV text, one line at a time, starting with a UTF-8 BOM for Excel."""
    writer = csv.writer(_Echo())
    header = [_("Time"), _("Action"), _("Actor"), _("Username"), _("Studio"), _("Object"), _("From state"),
              _("To state"), _("Comment"), _("IP address"), _("Details")]
    yield CSV_BOM + writer.writerow([csv_safe(cell) for cell in header])
    for entry in entries:
        actor = entry.actor
        row = [
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.action,
            actor.display_name if actor is not None else "",
            actor.get_username() if actor is not None else (entry.data or {}).get("username", ""),
            entry.studio.name if entry.studio is not None else "",
            entry.target_repr,
            entry.from_state,
            entry.to_state,
            entry.comment,
            entry.ip or "",
            json.dumps(entry.data, ensure_ascii=False, sort_keys=True) if entry.data else "",
        ]
        yield writer.writerow([csv_safe(cell) for cell in row])

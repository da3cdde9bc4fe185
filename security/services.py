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


# --- the second factor (等保 身份鉴别 d): an authenticator app (TOTP) and one-time recovery codes ------------------

RECOVERY_CODE_COUNT = 10


def normalise_code(value: str) -> str:
    """What the person typed, as stored: spaces and hyphens dropped (codes are shown as "abcd-efgh"), small letters."""
    return "".join(ch for ch in (value or "") if ch not in " -\t").lower()


def _who(user, request) -> dict:
    return {"username": user.get_username(), "ip": client_ip(request) or ""}


def _wait_seconds(device) -> int:
    """How long django-otp makes this device wait after wrong codes before it checks another (0: it checks now)."""
    allowed, why = device.verify_is_allowed()
    if allowed or not why or not why.get("locked_until"):
        return 0
    return max(1, int((why["locked_until"] - timezone.now()).total_seconds()) + 1)


def second_factor_enrolment(*, user, key: str | None = None):
    """The authenticator being enrolled, not saved: its key lives in the person's session until a code from it
    confirms it (second_factor_enrol), so that a reload shows the same QR code and nothing is stored before."""
    from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

    return TOTPDevice(user=user, key=key or default_key(), name=_("Authenticator app"), confirmed=False)


def _recovery_codes_replace(user) -> list[str]:
    """Ten new recovery codes, the old ones void; the plain codes are returned once, to be shown once."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_enrol(*, user, key: str, token: str, request=None):
    """A code from the new authenticator (the key shown at enrolment) confirms it: it replaces any earlier one,
    ten recovery codes are made, and the enrolment is audited. Returns (device, codes)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = second_factor_enrolment(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = normalise_code(token)
    if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
        raise DomainError(_("The code is not right. Check that the phone's clock is correct and enter the code "
                            "shown now."))
    with transaction.atomic():
        earlier = TOTPDevice.objects.select_for_update().filter(user=user)
        replaced = earlier.filter(confirmed=True).exists()
        earlier.delete()
        device.confirmed = True
        device.last_t = totp.t()  # the code just typed is used up
        device.drift = totp.drift
        device.save()
        codes = _recovery_codes_replace(user)
        audit_record(actor=user, action="otp.enrol", target=user, request=request,
                     data=_who(user, request) | {"replaced": replaced})
    return device, codes


def second_factor_verify(*, user, token: str, recovery: bool = False, request=None):
    """The code step of the login: a 6-digit code of the person's authenticator, or one of their recovery codes
    (void once used). Returns (device or None, seconds to wait or 0). Failures and recovery-code use are audited;
    the login lockouts count the failures (security.views)."""
    from .selectors import authenticator_for, recovery_codes_left, recovery_device_for

    device = recovery_device_for(user) if recovery else authenticator_for(user)
    code = normalise_code(token)
    wait = 0
    verified = False
    if device is not None:
        # Verified under the device's row lock, so that one code never serves two logins at once.
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            wait = _wait_seconds(locked)
            verified = bool(code) and locked.verify_token(code)
        device = locked
    method = "recovery" if recovery else "totp"
    if not verified:
        audit_record(actor=user, action="otp.verify_failed", target=user, request=request,
                     data=_who(user, request) | {"method": method} | ({"throttled": True} if wait else {}))
        return None, wait
    if recovery:
        audit_record(actor=user, action="otp.recovery_used", target=user, request=request,
                     data=_who(user, request) | {"left": recovery_codes_left(user)})
    else:
        audit_record(actor=user, action="otp.verify", target=user, request=request, data=_who(user, request))
    return device, 0


def recovery_codes_renew(*, user, request=None) -> list[str]:
    """New recovery codes for someone with an authenticator; the old ones stop working."""
    from .selectors import has_second_factor

    with transaction.atomic():
        if not has_second_factor(user):
            raise DomainError(_("Enrol an authenticator app first."))
        codes = _recovery_codes_replace(user)
        audit_record(actor=user, action="otp.recovery_renew", target=user, request=request, data=_who(user, request))
    return codes


def second_factor_reset(*, actor, user, reason: str, request=None):
    """三员分立: the security administrator removes another person's second factor (a lost phone); that person
    enrols a new one at their next login, and their sessions end. Never one's own, never without a reason."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor is None or not getattr(actor, "is_security_admin", False):
        raise DomainError(_("Only the security administrator may reset a second factor."))
    if user.pk == actor.pk:
        raise DomainError(_("Nobody may reset their own second factor; ask another security administrator."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the second factor is reset."))
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user)
        if not totp.filter(confirmed=True).exists():
            raise DomainError(_("This account has no second factor to reset."))
        totp.delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="otp.reset", target=user, comment=reason.strip(), request=request,
                     data={"username": user.get_username()})
    return user

"""Every login, logout, failed login and lockout goes into core's audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import session_login, session_start
from .services import auth_event_record


@receiver(user_logged_in, dispatch_uid="security.audit_login")
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session)
        session_login(request, user)
    auth_event_record(action="auth.login", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="security.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "session_end_reason", None)
    if reason in ("replaced", "second_factor_reset"):
        auth_event_record(action="auth.session_ended", request=request, user=user, extra={"reason": reason})
    elif reason is not None:
        auth_event_record(action="auth.session_expired", request=request, user=user, extra={"reason": reason})
    else:
        auth_event_record(action="auth.logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is kept.
    # axes (whose receiver runs first) has counted the failure, or refused the attempt during a lockout.
    refused = _refused_during_lockout(request)
    auth_event_record(action="auth.login_failed", request=request, username=str(credentials.get("username") or ""),
                      extra={"during_lockout": True} if refused else None)


@receiver(user_locked_out, dispatch_uid="security.audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    # Sent for the failure that locks the pair, and again for each refused attempt: only the first is news.
    if not _refused_during_lockout(request):
        auth_event_record(action="auth.locked_out", request=request, username=str(username or ""))


def _refused_during_lockout(request) -> bool:
    # axes counts failures (axes_failures_since_start) only for attempts it let through to the password check.
    return bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start",
                                                                       None) is None

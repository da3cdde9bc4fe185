import ipaddress
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .admin_audit import RequestContext
from .policy import session_end_reason
from .selectors import has_second_factor, password_change_due_for, second_factor_applies, second_factor_required


class TrustedProxyMiddleware:
    """Behind nginx every request comes from 127.0.0.1; the client's own address is in X-Real-IP.

    The header is believed only when the direct peer is one of settings.TRUSTED_PROXIES, so that nobody can
    choose their own address (and escape a login lockout) by sending the header themselves. REMOTE_ADDR is then
    rewritten once, here, and everything downstream (the audit log, django-axes) reads REMOTE_ADDR.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TRUSTED_PROXIES and request.META.get("REMOTE_ADDR") in settings.TRUSTED_PROXIES:
            forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
            if forwarded and _is_ip(forwarded):
                request.META["REMOTE_ADDR"] = forwarded
        return self.get_response(request)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


SESSION_STARTED = "security_started"
SESSION_SEEN = "security_seen"
# The last request's time is written to the session at most this often (seconds): a page is not a database write,
# and a session ends at most this much before its idle time is fully up.
SEEN_PRECISION = 60


# The second factor: whether this session must still pass the code step (the person has an authenticator), and
# whether it has passed it (so that a reset of the second factor under it ends it).
SESSION_2FA_PENDING = "security_2fa_pending"
SESSION_2FA_PASSED = "security_2fa_passed"
# SINGLE_SESSION_PER_ACCOUNT: this session's login mark (User.session_token).
SESSION_LOGIN_MARK = "security_login_mark"


def session_start(session, now: float | None = None) -> None:
    """At login: the session's lifetime and idle time start now."""
    moment = int(now if now is not None else time.time())
    session[SESSION_STARTED] = moment
    session[SESSION_SEEN] = moment


def session_login(request, user) -> None:
    """At login, after the password: what the second factor still asks, and the login's mark when one session per
    account is kept (the account's other sessions end at their next request)."""
    session = request.session
    session[SESSION_2FA_PENDING] = bool(second_factor_applies(user) and has_second_factor(user))
    session.pop(SESSION_2FA_PASSED, None)
    if settings.SINGLE_SESSION_PER_ACCOUNT:
        mark = secrets.token_hex(16)
        type(user).objects.filter(pk=user.pk).update(session_token=mark)
        user.session_token = mark
        session[SESSION_LOGIN_MARK] = mark


def second_factor_passed(request, device) -> None:
    """The code step passed: the session is verified (django-otp) under a new session key."""
    from django_otp import login as otp_login

    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_2FA_PENDING] = False
    request.session[SESSION_2FA_PASSED] = True


class AccountPolicyMiddleware:
    """Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_COOKIE_AGE after the login, checked on
    the server whatever the browser keeps. After login, a person whose password must change
    (User.must_change_password, or older than PASSWORD_MAX_AGE_DAYS) reaches only the password change and logout
    until a new one is set."""

    OPEN_VIEWS = frozenset({"password_change", "logout"})
    # Before the code step only the code step itself and the logout are open — not even the password change, so
    # that a stolen password alone cannot take the account over.
    CODE_STEP_VIEWS = frozenset({"security:second_factor_verify", "logout"})
    # An officer or administrator without a second factor (when it is required) reaches only its enrolment.
    ENROLMENT_VIEWS = frozenset({"security:second_factor_enrol", "security:recovery_codes", "logout"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._session_ended(request)
            if ended is not None:
                return self._send_to_login(request, ended)
        with RequestContext(request):  # the Django admin's audit entries read the address from it
            return self.get_response(request)

    def _session_ended(self, request) -> str | None:
        session, now = request.session, time.time()
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if started is None or seen is None:
            session_start(session, now)  # a session from before this policy: it starts counting now
            return None
        reason = session_end_reason(started=started, seen=seen, now=now,
                                    idle_seconds=settings.SESSION_IDLE_MINUTES * 60,
                                    lifetime_seconds=settings.SESSION_COOKIE_AGE)
        if (reason is None and settings.SINGLE_SESSION_PER_ACCOUNT
                and session.get(SESSION_LOGIN_MARK, "") != (request.user.session_token or "")):
            reason = "replaced"  # the account has logged in again elsewhere since
        if reason is None and now - seen >= SEEN_PRECISION:
            session[SESSION_SEEN] = int(now)
        return reason

    def _send_to_login(self, request, reason: str):
        request.session_end_reason = reason  # read by the logout's audit entry (security.signals)
        logout(request)
        if reason == "idle":
            messages.info(request, _("You were logged out after %(minutes)d minutes without activity. Please log "
                                     "in again.") % {"minutes": settings.SESSION_IDLE_MINUTES})
        elif reason == "replaced":
            messages.warning(request, _("Your account has logged in elsewhere, so this session has ended. If that "
                                        "was not you, change your password at once."))
        elif reason == "second_factor_reset":
            messages.warning(request, _("Your second factor has been reset by the security administrator. Log in "
                                        "again and enrol your authenticator app anew."))
        else:
            messages.info(request, _("Your session has reached its maximum length. Please log in again."))
        target = redirect_to_login(request.get_full_path() if request.method == "GET" else reverse("home")).url
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        view_name = request.resolver_match.view_name
        applies = second_factor_applies(user)
        verified = applies and getattr(user, "is_verified", lambda: False)()
        if applies and not verified:
            if request.session.get(SESSION_2FA_PASSED):
                # The device that verified this session is gone: the security administrator has reset it.
                return self._send_to_login(request, "second_factor_reset")
            if view_name in self.CODE_STEP_VIEWS:
                return None  # the code step sends on whoever has nothing to verify (enrolment, where required)
            pending = request.session.get(SESSION_2FA_PENDING)
            if pending is None:  # a session from before the second factor: ask once
                pending = request.session[SESSION_2FA_PENDING] = has_second_factor(user)
            if pending:
                return self._go(request, "security:second_factor_verify", keep_next=True)
        if view_name in self.OPEN_VIEWS:
            return None
        if password_change_due_for(user):
            return self._go(request, "password_change")
        if applies and not verified and second_factor_required(user) and view_name not in self.ENROLMENT_VIEWS:
            return self._go(request, "security:second_factor_enrol", keep_next=True)
        return None

    @staticmethod
    def _go(request, url_name: str, *, keep_next: bool = False):
        target = reverse(url_name)
        if keep_next and request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .admin_audit import RequestContext
from .policy import session_end_reason
from .selectors import password_change_due_for


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


def session_start(session, now: float | None = None) -> None:
    """At login: the session's lifetime and idle time start now."""
    moment = int(now if now is not None else time.time())
    session[SESSION_STARTED] = moment
    session[SESSION_SEEN] = moment


class AccountPolicyMiddleware:
    """Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_COOKIE_AGE after the login, checked on
    the server whatever the browser keeps. After login, a person whose password must change
    (User.must_change_password, or older than PASSWORD_MAX_AGE_DAYS) reaches only the password change and logout
    until a new one is set."""

    OPEN_VIEWS = frozenset({"password_change", "logout"})

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
        if reason is None and now - seen >= SEEN_PRECISION:
            session[SESSION_SEEN] = int(now)
        return reason

    def _send_to_login(self, request, reason: str):
        request.session_end_reason = reason  # read by the logout's audit entry (security.signals)
        logout(request)
        if reason == "idle":
            messages.info(request, _("You were logged out after %(minutes)d minutes without activity. Please log "
                                     "in again.") % {"minutes": settings.SESSION_IDLE_MINUTES})
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
        if request.resolver_match.view_name in self.OPEN_VIEWS:
            return None
        if password_change_due_for(user):
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(reverse("password_change"))
            return redirect("password_change")
        return None

import ipaddress

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

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


class AccountPolicyMiddleware:
    """After login, a person whose password must change (User.must_change_password, or older than
    PASSWORD_MAX_AGE_DAYS) reaches only the password change and logout until a new one is set."""

    OPEN_VIEWS = frozenset({"password_change", "logout"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

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

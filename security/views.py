import base64

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.models import AuditEntry
from core.services import DomainError, audit_record
from studios.access import can_release_lockouts, is_audit_admin, is_security_admin, require

from . import services
from .forms import (
    AccountSearchForm,
    AuditFilterForm,
    EnrolForm,
    PasswordChangeForm,
    RoleForm,
    SecondFactorForm,
    SecondFactorResetForm,
)
from .middleware import SESSION_2FA_PENDING, second_factor_passed
from .selectors import (
    account_search,
    audit_entries,
    authenticator_for,
    current_lockouts,
    get_lockout,
    has_second_factor,
    password_change_due_for,
    recovery_codes_left,
    second_factor_applies,
    second_factor_required,
)

PAGE_SIZE = 50


def locked_out(request, original_response=None, credentials=None):
    """django-axes answers a locked account/IP pair with this page (AXES_LOCKOUT_CALLABLE)."""
    return render(request, "security/locked_out.html", {"minutes": settings.AXES_COOLOFF_MINUTES}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    """The person's own password change; after an initial or reset password it is the only page open to them."""

    form_class = PasswordChangeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"password_change_due": password_change_due_for(self.request.user)}

    def post(self, request, *args, **kwargs):
        # The old password is a password check like a login: a locked account or address may not even try.
        if not AxesProxyHandler.is_allowed(request, self._credentials()):
            return locked_out(request)
        return super().post(request, *args, **kwargs)

    def _credentials(self) -> dict:
        return {"username": self.request.user.get_username()}

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            services.auth_event_record(action="auth.password_change_failed", request=self.request,
                                       user=self.request.user)
            # Counted with the login failures of this account and address; AxesMiddleware answers a new lock.
            AxesProxyHandler.user_login_failed(sender=type(self), credentials=self._credentials(),
                                               request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        user = services.account_password_change(user=form.user, password=form.cleaned_data["new_password1"],
                                                request=self.request)
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


def _filtered_entries(request):
    form = AuditFilterForm(request.GET or None)
    if not form.is_bound:
        return form, audit_entries()
    if not form.is_valid():
        return form, AuditEntry.objects.none()
    data = form.cleaned_data
    return form, audit_entries(action=data["action"], actor=data["actor"], studio=data["studio"],
                               date_from=data["date_from"], date_to=data["date_to"], q=data["q"])


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def audit_log(request):
    require(is_audit_admin, request.user)
    form, entries = _filtered_entries(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/audit_log.html", {
        "form": form, "page": page, "query_string": _query_string(request),
        "lockout_count": len(current_lockouts()) if can_release_lockouts(request.user) else None,
    })


@login_required
def audit_export(request):
    require(is_audit_admin, request.user)
    form, entries = _filtered_entries(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(reverse("security:audit_log") + "?" + _query_string(request))
    filters = {key: value for key, value in request.GET.items() if value and key != "page"}
    export = audit_record(actor=request.user, action="audit.export", request=request, data={"filters": filters})
    # The rows are read while the response streams; the export's own entry (and anything later) is not in it.
    entries = entries.filter(pk__lt=export.pk)
    filename = _("audit-log") + f"-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(services.audit_csv_lines(entries.iterator(chunk_size=1000)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _lockout_query(request) -> dict:
    def value(name: str) -> str:
        return (request.POST.get(name) if request.method == "POST" else None) or request.GET.get(name, "")

    return {"kind": value("kind"), "username": value("username")[:255], "ip_address": value("ip")[:45]}


@login_required
def lockout_list(request):
    require(can_release_lockouts, request.user)
    return render(request, "security/lockout_list.html", {
        "lockouts": current_lockouts(), "limit": settings.AXES_FAILURE_LIMIT, "minutes": settings.AXES_COOLOFF_MINUTES,
        "account_limit": settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT,
        "address_limit": settings.LOCKOUT_ADDRESS_FAILURE_LIMIT,
    })


@login_required
def lockout_unlock(request):
    require(can_release_lockouts, request.user)
    query = _lockout_query(request)
    if request.method == "POST":
        try:
            released = services.lockout_release(actor=request.user, request=request, **query)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, released_message(released))
        return redirect("security:lockouts")
    lockout = get_lockout(kind=query["kind"], username=query["username"] or None,
                          ip_address=query["ip_address"] or None)
    if lockout is None:
        messages.info(request, _("This lockout has already ended or been released."))
        return redirect("security:lockouts")
    return render(request, "security/lockout_unlock.html", {"lockout": lockout})


def released_message(released: dict) -> str:
    if released["kind"] == "account":
        return _("%(username)s may log in again from any address.") % released
    if released["kind"] == "address":
        return _("Logins from %(ip)s may be tried again.") % released
    return _("%(username)s may log in again from %(ip)s.") % released


# --- accounts and roles (the security administrator) ---------------------------------------------------------------


@login_required
def account_list(request):
    require(is_security_admin, request.user)
    form = AccountSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    accounts = account_search(q=data.get("q", ""), role=data.get("role", ""))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/account_list.html", {"form": form, "page": page,
                                                          "query_string": _query_string(request)})


@login_required
def account_role(request, pk):
    require(is_security_admin, request.user)
    account = get_object_or_404(get_user_model(), pk=pk, is_superuser=False)
    form = RoleForm(request.POST or None, initial={"role": account.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_role_change(actor=request.user, user=account, role=form.cleaned_data["role"],
                                         reason=form.cleaned_data["reason"], request=request)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is now %(role)s.") % {
                "name": account.display_name, "role": account.get_role_display()})
            return redirect("security:accounts")
    return render(request, "security/account_role.html", {"form": form, "account": account,
                                                          "own": account.pk == request.user.pk})


# --- the second factor (等保 身份鉴别 d) ------------------------------------------------------------------------------

# The recovery codes just made, kept in the session only until the page that shows them once.
SESSION_NEW_CODES = "security_new_recovery_codes"
# The key of the authenticator being enrolled, until a code from it confirms it.
SESSION_ENROL_KEY = "security_enrol_key"
FEW_CODES_LEFT = 3


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def _require_second_factor_person(user) -> None:
    if not second_factor_applies(user):
        raise PermissionDenied


@login_required
def second_factor_verify(request):
    """The login's second step: the authenticator's 6-digit code, or a recovery code. Wrong codes are counted
    with the failed logins of this account and address (security.lockout) and audited."""
    user = request.user
    if not second_factor_applies(user) or _is_verified(user):
        return redirect(_next_url(request))
    if not has_second_factor(user):  # reset meanwhile: nothing to verify, enrol instead where it is required
        request.session[SESSION_2FA_PENDING] = False
        return redirect(_next_url(request))
    recovery = (request.POST.get("method") or request.GET.get("method")) == "recovery"
    form = SecondFactorForm(request.POST or None, recovery=recovery)
    if request.method == "POST":
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        if form.is_valid():
            device, wait = services.second_factor_verify(user=user, token=form.cleaned_data["otp_token"],
                                                         recovery=recovery, request=request)
            if device is not None:
                second_factor_passed(request, device)
                if recovery:
                    left = recovery_codes_left(user)
                    messages.warning(request, _("Recovery code accepted; %(left)d left. Each code works only once: "
                                                "make new ones on the second-factor page.") % {"left": left})
                return redirect(_next_url(request))
            if wait:
                form.add_error("otp_token", _("Too many wrong codes: wait %(seconds)d seconds, then try again.")
                               % {"seconds": wait})
            elif recovery:
                form.add_error("otp_token", _("This recovery code is not valid or has been used."))
            else:
                form.add_error("otp_token", _("The code is not right. Enter the code the app shows now."))
            # Counted with the login failures of this account and address; AxesMiddleware answers a new lock.
            AxesProxyHandler.user_login_failed(sender=second_factor_verify, credentials=credentials, request=request)
    return render(request, "security/second_factor_verify.html", {
        "form": form, "recovery": recovery, "next": _next_url(request),
    })


def _qr_svg(url: str) -> str:
    """The enrolment QR code as inline SVG made here (segno): the secret never leaves the server for a QR service."""
    return segno.make(url, error="m").svg_inline(scale=4, title=_("QR code for the authenticator app"),
                                                 svgclass="otp-qr")


def _grouped_key(device) -> str:
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@login_required
def second_factor_enrol(request):
    """Enrol an authenticator app (or replace it, from a verified session): scan the QR code, enter a code."""
    user = request.user
    _require_second_factor_person(user)
    replacing = has_second_factor(user)
    if replacing and not _is_verified(user):
        return redirect("security:second_factor_verify")
    key = request.session.get(SESSION_ENROL_KEY)
    device = services.second_factor_enrolment(user=user, key=key)
    if key is None:
        request.session[SESSION_ENROL_KEY] = device.key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.second_factor_enrol(user=user, key=device.key,
                                                         token=form.cleaned_data["otp_token"], request=request)
        except DomainError as error:
            form.add_error("otp_token", str(error))
        else:
            request.session.pop(SESSION_ENROL_KEY, None)
            second_factor_passed(request, device)
            request.session[SESSION_NEW_CODES] = codes
            messages.success(request, _("Your authenticator app is enrolled. From now on you log in with your "
                                        "password and its code."))
            return redirect(reverse("security:recovery_codes") + "?" + _next_query(request))
    return render(request, "security/second_factor_enrol.html", {
        "form": form, "device": device, "qr": mark_safe(_qr_svg(device.config_url)),  # markup made by segno
        "key": _grouped_key(device), "replacing": replacing, "required": second_factor_required(user),
        "next": _next_url(request),
    })


def _next_query(request) -> str:
    return urlencode({"next": _next_url(request)})


@login_required
def recovery_codes(request):
    """The recovery codes just made, shown this once (never stored in the clear anywhere a page reads again)."""
    _require_second_factor_person(request.user)
    codes = request.session.pop(SESSION_NEW_CODES, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once, when they are made. Make new ones if you "
                                 "have lost them."))
        return redirect("security:second_factor")
    response = render(request, "security/recovery_codes.html", {
        "codes": [f"{code[:4]}-{code[4:]}" for code in codes], "next": _next_url(request),
    })
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def second_factor(request):
    """The person's own second factor: whether it is enrolled, recovery codes left, make new ones, replace it."""
    user = request.user
    _require_second_factor_person(user)
    if request.method == "POST":
        try:
            codes = services.recovery_codes_renew(user=user, request=request)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("security:second_factor")
        request.session[SESSION_NEW_CODES] = codes
        return redirect("security:recovery_codes")
    device = authenticator_for(user)
    return render(request, "security/second_factor.html", {
        "device": device, "left": recovery_codes_left(user) if device else 0, "few": FEW_CODES_LEFT,
        "required": second_factor_required(user),
    })


@login_required
def account_second_factor_reset(request, pk):
    """The security administrator removes another person's lost second factor (三员分立), with a reason."""
    require(is_security_admin, request.user)
    account = get_object_or_404(get_user_model(), pk=pk, is_superuser=False)
    form = SecondFactorResetForm(request.POST or None)
    own = account.pk == request.user.pk
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_reset(actor=request.user, user=account, reason=form.cleaned_data["reason"],
                                         request=request)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The second factor of %(name)s is reset: they enrol a new authenticator "
                                        "app at their next login.") % {"name": account.display_name})
            return redirect("security:accounts")
    return render(request, "security/account_second_factor_reset.html", {
        "form": form, "account": account, "own": own, "enrolled": has_second_factor(account),
    })

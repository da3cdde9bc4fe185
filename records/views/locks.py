"""Year locks: the host or office closes a school year; only the office reopens it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.services import DomainError
from studios.access import get_managed_studio_for_user, get_studio_for_user, require_office

from .. import services
from ..forms import YearLockForm, YearReopenForm
from .common import add_error


@login_required
def year_lock(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    form = YearLockForm(request.POST or None, initial={"school_year": request.GET.get("year")})
    if request.method == "POST" and form.is_valid():
        try:
            services.year_lock(actor=request.user, studio=studio, school_year=form.cleaned_data["school_year"])
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("School year %(year)s locked.") % {"year": form.cleaned_data["school_year"]})
            return redirect("records:studio", code=studio.code)
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Lock a school year"),
        "intro": _("Once locked, members can no longer correct their submitted works of that year. Only the office "
                   "can unlock it."),
    })


@login_required
def year_unlock(request, code):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    form = YearReopenForm(request.POST or None, initial={"school_year": request.GET.get("year")})
    if request.method == "POST" and form.is_valid():
        try:
            services.year_unlock(actor=request.user, studio=studio, school_year=form.cleaned_data["school_year"],
                                 reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("School year %(year)s reopened.")
                             % {"year": form.cleaned_data["school_year"]})
            return redirect("records:studio", code=studio.code)
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Reopen a school year"),
        "intro": _("A locked or signed-off year is frozen: nothing dated in it can be added, changed or removed. "
                   "Reopening lets the studio correct it; the reason is kept in the audit log and the sign-off says "
                   "that the year was reopened until it is signed off again."),
    })

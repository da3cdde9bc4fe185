"""Funds (经费, 十九): the year's usage, allocations, expenses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.services import DomainError
from studios.access import get_managed_studio_for_user, get_studio_for_user, is_office, require_office, today
from studios.models import SchoolYear

from .. import selectors, services
from ..forms import AllocationForm, ExpenseForm
from ..models import FundEntry
from .common import add_error, confirm_delete, url_for, year_from


@login_required
def fund_usage(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = year_from(request)
    return render(request, "records/fund_usage.html", {
        "studio": studio, "usage": selectors.fund_usage(studio, year), "year": year,
        "years": SchoolYear.objects.order_by("-start_year"), "is_office": is_office(request.user),
    })


@login_required
def fund_allocate(request, code):
    require_office(request.user)  # allocations are the office's (clarification 10); hosts record expenses
    studio = get_studio_for_user(request.user, code)
    year = year_from(request)
    form = AllocationForm(request.POST or None, initial={"date": max(min(today(), year.end), year.start)})
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_allocate(actor=request.user, studio=studio, school_year=year, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Allocation recorded."))
            return redirect(f"{url_for('records:funds', code=studio.code)}?year={year.label}")
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Allocation for %(year)s") % {"year": year.label},
    })


@login_required
def expense_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = year_from(request)
    office = is_office(request.user)
    form = ExpenseForm(request.POST or None, request.FILES or None, office=office,
                       initial={"date": max(min(today(), year.end), year.start)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.expense_create(
                actor=request.user, studio=studio, school_year=year, amount=data["amount"],
                category=data["category"], date=data["date"], description=data["description"],
                receipt_file=data["receipt"], exception_reason=data.get("exception_reason", ""),
            )
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            messages.success(request, _("Expense recorded."))
            if entry.category == FundEntry.Category.OTHER:
                messages.warning(request, _("The category “Other” is outside the uses the regulation allows (十九)."))
            return redirect(f"{url_for('records:funds', code=studio.code)}?year={year.label}")
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Expense for %(year)s") % {"year": year.label}, "multipart": True,
    })


@login_required
def fund_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    entry = get_object_or_404(FundEntry.objects.select_related("school_year"), pk=pk, studio=studio)
    back = f"{url_for('records:funds', code=studio.code)}?year={entry.school_year.label}"
    return confirm_delete(
        request, delete=lambda: services.fund_entry_delete(actor=request.user, entry=entry),
        title=_("Delete the fund entry"), object_label=f"{entry.get_kind_display()} ¥{entry.amount}",
        question=_("Delete this entry and its receipt? This cannot be undone."), cancel_url=back, done_url=back,
    )

"""Funds (经费, 十九): allocations and expenses; only these functions move money."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record, upload_discard
from core.uploads import SCAN
from studios.access import is_office
from studios.models import Studio

from ..models import FundEntry
from ..selectors import fund_totals
from .common import store
from .duties import require_active_in, require_independent_officer
from .frozen import guard_frozen


def _money(amount) -> str:
    return f"¥{amount:,.2f}"


@transaction.atomic
def fund_allocate(*, actor, studio, school_year, amount: Decimal, date, description: str = "") -> FundEntry:
    """An allocation (拨款) to the studio for a school year: recorded by the office only (clarification 10), by an
    officer who is not in the studio."""
    if not is_office(actor):
        raise DomainError(_("Allocations are recorded by the research centre office only; hosts record expenses."))
    require_independent_officer(actor, studio)
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
    guard_frozen(studio=studio, days=[date], school_years=[school_year])
    entry = FundEntry.objects.create(studio=studio, school_year=school_year, kind=FundEntry.Kind.ALLOCATION,
                                     amount=amount, date=date, description=description)
    audit_record(actor=actor, action="fund.allocate", target=entry, studio=studio,
                 data={"school_year": school_year.label, "amount": str(amount)})
    return entry


@transaction.atomic
def expense_create(*, actor, studio, school_year, amount: Decimal, category: str, date, description: str = "",
                   receipt_file=None, exception_reason: str = "") -> FundEntry:
    """An expense of the year. One that would overdraw the year's allocation is refused, unless an officer
    records an exception with a reason."""
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
    if category not in FundEntry.Category.values:
        raise DomainError(_("Choose a category."))
    if not school_year.start <= date <= school_year.end:
        raise DomainError(_("The date is outside school year %(year)s.") % {"year": school_year.label})
    require_active_in(actor, studio)
    guard_frozen(studio=studio, days=[date], school_years=[school_year])
    Studio.objects.select_for_update().get(pk=studio.pk)  # one expense at a time per studio: the balance holds
    allocated, spent = fund_totals(studio, school_year)
    balance = allocated - spent
    exception_reason = (exception_reason or "").strip()
    exception = False
    if amount > balance:
        if not (exception_reason and is_office(actor)):
            raise DomainError(
                _("This expense of %(amount)s would overdraw the %(year)s funds: allocated %(allocated)s, spent "
                  "%(spent)s, balance %(balance)s. Only the office can record an exception.")
                % {"amount": _money(amount), "year": school_year.label, "allocated": _money(allocated),
                   "spent": _money(spent), "balance": _money(balance)}
            )
        exception = True
    receipt = None
    if receipt_file is not None:
        receipt = store(file=receipt_file, accept=SCAN, actor=actor, studio=studio)
    entry = FundEntry.objects.create(
        studio=studio, school_year=school_year, kind=FundEntry.Kind.EXPENSE, amount=amount, category=category,
        date=date, description=description, receipt=receipt, exception_approved=exception,
        exception_reason=exception_reason if exception else "", exception_by=actor if exception else None,
    )
    audit_record(actor=actor, action="fund.expense", target=entry, studio=studio,
                 data={"school_year": school_year.label, "amount": str(amount), "category": category})
    if exception:
        audit_record(actor=actor, action="fund.exception", target=entry, studio=studio, comment=exception_reason,
                     data={"balance_before": str(balance)})
    return entry


@transaction.atomic
def fund_entry_delete(*, actor, entry: FundEntry) -> None:
    Studio.objects.select_for_update().get(pk=entry.studio_id)
    guard_frozen(studio=entry.studio, days=[entry.date], school_years=[entry.school_year])
    if entry.kind == FundEntry.Kind.ALLOCATION:
        if not is_office(actor):
            raise DomainError(_("Allocations are recorded by the research centre office only; hosts record "
                                "expenses."))
        require_independent_officer(actor, entry.studio)
        allocated, spent = fund_totals(entry.studio, entry.school_year)
        if allocated - entry.amount < spent:
            raise DomainError(_("Without this allocation the year's expenses would exceed its funds; remove "
                                "expenses first."))
    audit_record(actor=actor, action="fund.delete", target=entry, studio=entry.studio,
                 data={"kind": entry.kind, "amount": str(entry.amount)})
    receipt = entry.receipt
    entry.delete()
    upload_discard(receipt)

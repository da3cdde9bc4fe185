"""Year locks: closing and reopening a studio's school year."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record
from studios.access import is_office
from studios.models import Studio

from ..models import YearLock


@transaction.atomic
def year_lock(*, actor, studio, school_year) -> YearLock:
    """The host or an officer closes a school year: its submitted works can no longer be corrected."""
    Studio.objects.select_for_update().get(pk=studio.pk)
    if YearLock.objects.filter(studio=studio, school_year=school_year).exists():
        raise DomainError(_("School year %(year)s is already locked.") % {"year": school_year.label})
    lock = YearLock.objects.create(studio=studio, school_year=school_year, locked_by=actor)
    audit_record(actor=actor, action="year.lock", target=studio, studio=studio, from_state="open", to_state="locked",
                 data={"school_year": school_year.label})
    return lock


@transaction.atomic
def year_unlock(*, actor, studio, school_year, reason: str = "") -> None:
    """Only officers reopen a locked year."""
    if not is_office(actor):
        raise DomainError(_("Only the office can unlock a school year."))
    Studio.objects.select_for_update().get(pk=studio.pk)
    deleted, _detail = YearLock.objects.filter(studio=studio, school_year=school_year).delete()
    if not deleted:
        raise DomainError(_("School year %(year)s is not locked.") % {"year": school_year.label})
    audit_record(actor=actor, action="year.unlock", target=studio, studio=studio, from_state="locked",
                 to_state="open", comment=reason, data={"school_year": school_year.label})

"""Year locks and reopening: closing a studio's school year, and the office reopening a frozen one.

A locked or signed-off year is frozen: ``records.services.frozen.guard_frozen`` refuses every write dated in it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record
from studios.access import is_office
from studios.models import Cycle, Studio

from ..models import YearLock
from .duties import require_independent_officer


@transaction.atomic
def year_lock(*, actor, studio, school_year) -> YearLock:
    """The host or an officer closes a school year: nothing dated in it can be changed until the office reopens it."""
    Studio.objects.select_for_update().get(pk=studio.pk)
    if YearLock.objects.filter(studio=studio, school_year=school_year).exists():
        raise DomainError(_("School year %(year)s is already locked.") % {"year": school_year.label})
    lock = YearLock.objects.create(studio=studio, school_year=school_year, locked_by=actor)
    audit_record(actor=actor, action="year.lock", target=studio, studio=studio, from_state="open", to_state="locked",
                 data={"school_year": school_year.label})
    return lock


def _freezing_signoffs(studio, school_year) -> list:
    """The sign-offs holding this school year frozen: its annual one and that of the cycle containing it."""
    from assessments.models import AssessmentSignoff

    candidates = (
        AssessmentSignoff.objects.select_for_update()
        .filter(studio=studio, school_year__start_year__gt=school_year.start_year - Cycle.YEARS,
                school_year__start_year__lte=school_year.start_year)
        .select_related("school_year")
    )
    return [
        signoff for signoff in candidates
        if signoff.freezes and (signoff.kind == AssessmentSignoff.Kind.CYCLE
                                or signoff.school_year.start_year == school_year.start_year)
    ]


@transaction.atomic
def year_reopen(*, actor, studio, school_year, reason: str = "") -> None:
    """The office reopens a frozen school year of a studio, with a reason: the year lock goes, and each sign-off
    that froze the year says it was reopened (who, when, why) until it is signed again. Audited."""
    if not is_office(actor):
        raise DomainError(_("Only the office can reopen a school year."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please give the reason for reopening the year."))
    require_independent_officer(actor, studio)
    Studio.objects.select_for_update().get(pk=studio.pk)
    unlocked, _detail = YearLock.objects.filter(studio=studio, school_year=school_year).delete()
    signoffs = _freezing_signoffs(studio, school_year)
    if not unlocked and not signoffs:
        raise DomainError(_("School year %(year)s is neither locked nor signed off; there is nothing to reopen.")
                          % {"year": school_year.label})
    now = timezone.now()
    for signoff in signoffs:
        signoff.reopened_at, signoff.reopened_by, signoff.reopen_reason = now, actor, reason
        signoff.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        audit_record(actor=actor, action="assessment.reopen", target=signoff, studio=studio, from_state="signed",
                     to_state="reopened", comment=reason, data={"school_year": school_year.label,
                                                                 "kind": signoff.kind})
    audit_record(actor=actor, action="year.reopen", target=studio, studio=studio, from_state="frozen",
                 to_state="open", comment=reason,
                 data={"school_year": school_year.label, "unlocked": bool(unlocked),
                       "signoffs": [signoff.pk for signoff in signoffs]})


# The page that used to unlock a year reopens it.
year_unlock = year_reopen

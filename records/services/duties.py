"""Duties apart (clarification 10): the checks services make before an officer decides for a studio."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.services import DomainError
from studios.access import officer_conflict


def require_independent_officer(actor, studio=None, *, teacher=None) -> None:
    """Refuse an officer who is a host or member of the studio (or shares a studio with ``teacher``)."""
    if officer_conflict(actor, studio, teacher=teacher):
        raise DomainError(_("You are a host or member of this studio, so you cannot decide on its filings, "
                            "documents, evidence or assessment: another officer must."))


def require_active_in(actor, studio) -> None:
    """A member who has left a studio reads their records but changes nothing (clarification 10): a teacher acting
    on a studio's records must be in it now. The office acts for any studio."""
    from studios.access import is_office, studio_roles

    if actor is None or is_office(actor) or getattr(actor, "teacher", None) is None:
        return
    roles = studio_roles(actor)
    if studio.pk not in roles.hosted | roles.member_of:
        raise DomainError(_("You have left %(studio)s: you can still read your records there, but no longer change "
                            "them.") % {"studio": studio.name})

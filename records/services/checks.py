"""The office's verification of works (clarification 10), from the review queue: a count typed by hand for a scan,
and a near-copy of another work. Only these functions change ``Work.count_check`` and ``Work.copy_check``."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record, notification_send
from studios.access import is_office

from ..models import Work
from .duties import require_independent_officer
from .frozen import guard_frozen


def _decide(*, actor, work: Work, field: str, to: str, comment: str, action: str, message: str) -> Work:
    if not is_office(actor):
        raise DomainError(_("Only the research centre office verifies evidence."))
    work = Work.objects.select_for_update(of=("self",)).select_related("studio", "teacher__user").get(pk=work.pk)
    require_independent_officer(actor, work.studio)
    guard_frozen(studio=work.studio, days=[work.date])
    if getattr(work, field) != Work.Check.PENDING:
        raise DomainError(_("This has already been verified by someone else; nothing was changed."))
    setattr(work, field, to)
    work.checked_by, work.checked_at, work.check_comment = actor, timezone.now(), comment
    work.save(update_fields=[field, "checked_by", "checked_at", "check_comment"])
    audit_record(actor=actor, action=action, target=work, studio=work.studio, from_state=Work.Check.PENDING,
                 to_state=to, comment=comment,
                 data={"char_count": work.char_count, "copy_of": work.copy_of_id, "share": work.copy_similarity})
    if work.teacher.user is not None:
        notification_send(recipients=[work.teacher.user], verb=action,
                          message=message % {"title": work.title, "comment": comment},
                          url=reverse("records:work", kwargs={"pk": work.pk}))
    return work


def _reason(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Please give the reason; the member is told it."))
    return comment


@transaction.atomic
def work_count_verify(*, actor, work: Work, comment: str = "") -> Work:
    """The office has read the scan: the count typed for it stands, and counts."""
    return _decide(actor=actor, work=work, field="count_check", to=Work.Check.VERIFIED,
                   comment=(comment or "").strip(), action="work.count_verify",
                   message=_("The character count of “%(title)s” was verified by the office."))


@transaction.atomic
def work_count_decline(*, actor, work: Work, comment: str) -> Work:
    """The scan does not bear the typed count out: the work does not count where a length is required."""
    return _decide(actor=actor, work=work, field="count_check", to=Work.Check.DECLINED, comment=_reason(comment),
                   action="work.count_decline",
                   message=_("The character count of “%(title)s” was declined by the office: %(comment)s"))


@transaction.atomic
def work_copy_clear(*, actor, work: Work, comment: str = "") -> Work:
    """Compared side by side, the two works are the author's own: the work counts as before."""
    return _decide(actor=actor, work=work, field="copy_check", to=Work.Check.VERIFIED,
                   comment=(comment or "").strip(), action="work.copy_clear",
                   message=_("“%(title)s” was checked against a similar work and counts."))


@transaction.atomic
def work_copy_decline(*, actor, work: Work, comment: str) -> Work:
    """A near-copy of another work: it counts for nothing (clarification 10)."""
    return _decide(actor=actor, work=work, field="copy_check", to=Work.Check.DECLINED, comment=_reason(comment),
                   action="work.copy_decline",
                   message=_("“%(title)s” was declined by the office as a near-copy of another work: %(comment)s"))

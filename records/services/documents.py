"""Studio documents (工作室材料): only these functions change a document's status."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, notification_send, upload_discard
from core.uploads import WRITING
from studios.access import today
from studios.selectors import host_users, office_users

from ..models import StudioDocument
from .common import store
from .duties import require_active_in, require_independent_officer
from .frozen import guard_frozen


def document_url(document: StudioDocument) -> str:
    return reverse("records:document", kwargs={"code": document.studio.code, "pk": document.pk})


@transaction.atomic
def document_create(*, actor, studio, kind: str, school_year, title: str, file=None,
                    due_on=None) -> StudioDocument:
    """A draft document of the studio; the host submits it for review when it is ready."""
    if kind not in StudioDocument.Kind.values:
        raise DomainError(_("Unknown document kind."))
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    require_active_in(actor, studio)
    guard_frozen(studio=studio, school_years=[school_year])
    upload = None
    if file is not None:
        upload = store(file=file, accept=WRITING, actor=actor, studio=studio, visibility=Upload.Visibility.STUDIO)
    document = StudioDocument.objects.create(studio=studio, kind=kind, school_year=school_year, title=title.strip(),
                                             upload=upload, due_on=due_on)
    audit_record(actor=actor, action="document.create", target=document, studio=studio,
                 to_state=document.status)
    return document


@transaction.atomic
def document_update(*, actor, document: StudioDocument, title: str | None = None, file=None) -> StudioDocument:
    """Change a draft or returned document's title or file; the old file goes once the new one is stored."""
    document = _lock_document(document, (StudioDocument.Status.DRAFT, StudioDocument.Status.RETURNED))
    require_active_in(actor, document.studio)
    old_upload = None
    fields = []
    if title is not None:
        if not title.strip():
            raise DomainError(_("Please give a title."))
        document.title = title.strip()
        fields.append("title")
    if file is not None:
        old_upload = document.upload
        document.upload = store(file=file, accept=WRITING, actor=actor, studio=document.studio,
                                 visibility=Upload.Visibility.STUDIO)
        fields.append("upload")
    if fields:
        document.save(update_fields=fields)
        upload_discard(old_upload)
        audit_record(actor=actor, action="document.update", target=document, studio=document.studio,
                     data={"fields": fields})
    return document


def _lock_document(document: StudioDocument, expected: tuple[str, ...]) -> StudioDocument:
    locked = StudioDocument.objects.select_for_update(of=("self",)).select_related(
        "studio", "school_year").get(pk=document.pk)
    guard_frozen(studio=locked.studio, school_years=[locked.school_year])
    if locked.status not in expected:
        raise DomainError(
            _("This document is %(status)s; that cannot be done now.") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def document_submit(*, actor, document: StudioDocument) -> StudioDocument:
    """Draft or returned → awaiting review; the office is told."""
    document = _lock_document(document, (StudioDocument.Status.DRAFT, StudioDocument.Status.RETURNED))
    if document.upload_id is None:
        raise DomainError(_("Attach the document's file before submitting it."))
    previous = document.status
    document.status = StudioDocument.Status.SUBMITTED
    document.submitted_on = today()
    document.decided_on = None
    document.decided_by = None
    document.save(update_fields=["status", "submitted_on", "decided_on", "decided_by"])
    action = "document.submit"  # from_state tells a resubmission (returned → submitted) from a first one
    audit_record(actor=actor, action=action, target=document, studio=document.studio, from_state=previous,
                 to_state=document.status)
    notification_send(
        recipients=office_users(),
        verb=action,
        message=_("%(studio)s submitted “%(title)s” for review.") % {"studio": document.studio.name,
                                                                    "title": document.title},
        url=document_url(document),
    )
    return document


@transaction.atomic
def document_approve(*, actor, document: StudioDocument, comment: str = "") -> StudioDocument:
    document = _lock_document(document, (StudioDocument.Status.SUBMITTED,))
    require_independent_officer(actor, document.studio)
    return _decide(actor=actor, document=document, to=StudioDocument.Status.APPROVED, comment=comment,
                   action="document.approve",
                   message=_("“%(title)s” was approved by the office."))


@transaction.atomic
def document_return(*, actor, document: StudioDocument, comment: str) -> StudioDocument:
    if not (comment or "").strip():
        raise DomainError(_("Please say why the document is returned."))
    document = _lock_document(document, (StudioDocument.Status.SUBMITTED,))
    require_independent_officer(actor, document.studio)
    return _decide(actor=actor, document=document, to=StudioDocument.Status.RETURNED, comment=comment.strip(),
                   action="document.return",
                   message=_("“%(title)s” was returned by the office: %(comment)s"))


def _decide(*, actor, document, to, comment, action, message) -> StudioDocument:
    previous = document.status
    document.status = to
    document.decided_on = today()
    document.decided_by = actor
    document.review_comment = comment
    document.save(update_fields=["status", "decided_on", "decided_by", "review_comment"])
    audit_record(actor=actor, action=action, target=document, studio=document.studio, from_state=previous,
                 to_state=to, comment=comment)
    notification_send(recipients=host_users(document.studio), verb=action,
                      message=message % {"title": document.title, "comment": comment}, url=document_url(document))
    return document


# The host resubmits a returned document through the same service.
document_resubmit = document_submit


@transaction.atomic
def document_delete(*, actor, document: StudioDocument) -> None:
    document = _lock_document(document, (StudioDocument.Status.DRAFT, StudioDocument.Status.RETURNED))
    audit_record(actor=actor, action="document.delete", target=document, studio=document.studio,
                 from_state=document.status)
    upload = document.upload
    document.delete()
    upload_discard(upload)

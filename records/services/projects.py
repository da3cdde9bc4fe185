"""Research projects (课题)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, upload_discard
from core.uploads import SCAN, WRITING
from studios.models import Membership

from ..models import ResearchProject
from .common import store
from .duties import require_active_in
from .frozen import guard_frozen


def _check_project(*, title, approved_on, concluded_on, leader, participants, studio) -> None:
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    if concluded_on is not None and concluded_on < approved_on:
        raise DomainError(_("The conclusion date cannot be before the approval date."))
    people = [leader, *participants]
    in_studio = set(Membership.objects.filter(studio=studio, teacher__in=people).values_list("teacher_id", flat=True))
    outsiders = [person.name for person in people if person.pk not in in_studio]
    if outsiders:
        raise DomainError(_("Not in this studio: %(names)s.") % {"names": "、".join(outsiders)})


def _replace_document(*, obj, field: str, file, actor, studio) -> Upload | None:
    """Store the new file on obj.<field>; return the old upload, to discard once obj is saved."""
    if file is None:
        return None
    old = getattr(obj, field)
    setattr(obj, field, store(file=file, accept=WRITING | SCAN, actor=actor, studio=studio,
                               visibility=Upload.Visibility.STUDIO))
    return old


@transaction.atomic
def project_create(*, actor, studio, title: str, level: int, approved_on, concluded_on=None, leader,
                   participants=(), approval_file=None, conclusion_file=None) -> ResearchProject:
    participants = [person for person in participants if person.pk != leader.pk]
    _check_project(title=title, approved_on=approved_on, concluded_on=concluded_on, leader=leader,
                   participants=participants, studio=studio)
    require_active_in(actor, studio)
    guard_frozen(studio=studio, days=[approved_on, concluded_on])
    project = ResearchProject(studio=studio, title=title.strip(), level=level, approved_on=approved_on,
                              concluded_on=concluded_on, leader=leader)
    _replace_document(obj=project, field="approval_document", file=approval_file, actor=actor, studio=studio)
    _replace_document(obj=project, field="conclusion_document", file=conclusion_file, actor=actor, studio=studio)
    project.save()
    project.participants.set(participants)
    audit_record(actor=actor, action="project.create", target=project, studio=studio)
    return project


@transaction.atomic
def project_update(*, actor, project: ResearchProject, title: str, level: int, approved_on, concluded_on=None,
                   leader, participants=(), approval_file=None, conclusion_file=None) -> ResearchProject:
    project = ResearchProject.objects.select_for_update(of=("self",)).select_related("studio").get(pk=project.pk)
    require_active_in(actor, project.studio)
    guard_frozen(studio=project.studio, days=[project.approved_on, project.concluded_on, approved_on, concluded_on])
    participants = [person for person in participants if person.pk != leader.pk]
    _check_project(title=title, approved_on=approved_on, concluded_on=concluded_on, leader=leader,
                   participants=participants, studio=project.studio)
    project.title, project.level, project.leader = title.strip(), level, leader
    project.approved_on, project.concluded_on = approved_on, concluded_on
    old = [
        _replace_document(obj=project, field="approval_document", file=approval_file, actor=actor,
                          studio=project.studio),
        _replace_document(obj=project, field="conclusion_document", file=conclusion_file, actor=actor,
                          studio=project.studio),
    ]
    project.save()
    project.participants.set(participants)
    for upload in old:
        upload_discard(upload)
    audit_record(actor=actor, action="project.update", target=project, studio=project.studio)
    return project


@transaction.atomic
def project_delete(*, actor, project: ResearchProject) -> None:
    require_active_in(actor, project.studio)
    guard_frozen(studio=project.studio, days=[project.approved_on, project.concluded_on])
    uploads = [project.approval_document, project.conclusion_document]
    audit_record(actor=actor, action="project.delete", target=project, studio=project.studio)
    project.delete()
    for upload in uploads:
        upload_discard(upload)

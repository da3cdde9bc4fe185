"""Writes for teachers, titles and selection (七). Only these functions change an application's status."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, upload_create
from core.uploads import SCAN, check_upload
from studios.models import Membership
from studios.services import membership_join

from .models import Application, Teacher, Title


@transaction.atomic
def title_create(*, actor, teacher: Teacher, kind: str, level: int, awarded_on: datetime.date,
                 certificate_file=None) -> Title:
    if Title.objects.filter(teacher=teacher, kind=kind, level=level, awarded_on=awarded_on).exists():
        raise DomainError(_("This title is already recorded."))
    certificate = None
    if certificate_file is not None:
        checked = check_upload(certificate_file, SCAN)
        certificate = upload_create(checked=checked, original_name=certificate_file.name, user=actor, owner=teacher,
                                    visibility=Upload.Visibility.OWNER)
    title = Title.objects.create(teacher=teacher, kind=kind, level=level, awarded_on=awarded_on,
                                 certificate=certificate)
    audit_record(actor=actor, action="title.create", target=title, data={"teacher": teacher.code})
    return title


@transaction.atomic
def application_submit(*, actor, teacher: Teacher, studio, statement: str) -> Application:
    open_statuses = (Application.Status.SUBMITTED, Application.Status.RECOMMENDED)
    if Application.objects.filter(teacher=teacher, studio=studio, status__in=open_statuses).exists():
        raise DomainError(_("You already have an open application to this studio."))
    if Membership.objects.filter(teacher=teacher, studio=studio, left_on__isnull=True).exists():
        raise DomainError(_("You are already in this studio."))
    application = Application.objects.create(teacher=teacher, studio=studio, statement=statement)
    audit_record(actor=actor, action="application.submit", target=application, studio=studio,
                 to_state=application.status)
    return application


def _lock(application: Application, expected: tuple[str, ...]) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in expected:
        raise DomainError(_("This application is already %(status)s.") % {"status": locked.get_status_display()})
    return locked


@transaction.atomic
def application_recommend(*, actor, application: Application, recommended_by: str,
                          recommended_on: datetime.date, recommendation: str) -> Application:
    application = _lock(application, (Application.Status.SUBMITTED,))
    application.status = Application.Status.RECOMMENDED
    application.recommended_by = recommended_by
    application.recommended_on = recommended_on
    application.recommendation = recommendation
    application.save()
    audit_record(actor=actor, action="application.recommend", target=application, studio=application.studio,
                 from_state=Application.Status.SUBMITTED, to_state=application.status, comment=recommendation)
    return application


@transaction.atomic
def application_accept(*, actor, application: Application, joined_on: datetime.date, comment: str = "") -> Application:
    application = _lock(application, (Application.Status.RECOMMENDED,))
    membership = membership_join(actor=actor, studio=application.studio, teacher=application.teacher,
                                 role=Membership.Role.MEMBER, joined_on=joined_on)
    application.status = Application.Status.ACCEPTED
    application.membership = membership
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_comment = comment
    application.save()
    audit_record(actor=actor, action="application.accept", target=application, studio=application.studio,
                 from_state=Application.Status.RECOMMENDED, to_state=application.status, comment=comment)
    return application


@transaction.atomic
def application_decline(*, actor, application: Application, comment: str) -> Application:
    application = _lock(application, (Application.Status.SUBMITTED, Application.Status.RECOMMENDED))
    previous = application.status
    application.status = Application.Status.DECLINED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_comment = comment
    application.save()
    audit_record(actor=actor, action="application.decline", target=application, studio=application.studio,
                 from_state=previous, to_state=application.status, comment=comment)
    return application

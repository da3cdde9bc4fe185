"""Writes for teachers, titles and selection (七). Only these functions change an application's status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, notification_send, upload_create
from core.uploads import SCAN, check_upload
from records.services.duties import require_independent_officer
from records.services.frozen import guard_frozen
from studios.access import is_office, officer_conflict, today
from studios.models import Membership
from studios.services import membership_join

from . import accounts
from .models import Application, Teacher, Title, User


@transaction.atomic
def title_create(*, actor, teacher: Teacher, kind: str, level: int, awarded_on: datetime.date,
                 certificate_file=None) -> Title:
    """A title (荣誉) with its certificate scan. It counts once the office has verified it (clarification 10): a
    title a teacher records waits in the review queue as 待核实; one an officer records, not being in the teacher's
    studios, is verified by that officer."""
    if awarded_on > today():
        raise DomainError(_("A title awarded in the future cannot be recorded."))
    if Title.objects.filter(teacher=teacher, kind=kind, level=level, awarded_on=awarded_on).exists():
        raise DomainError(_("This title is already recorded."))
    guard_frozen(teacher=teacher, days=[awarded_on])
    certificate = None
    if certificate_file is not None:
        checked = check_upload(certificate_file, SCAN)
        certificate = upload_create(checked=checked, original_name=certificate_file.name, user=actor, owner=teacher,
                                    visibility=Upload.Visibility.OWNER)
    by_office = is_office(actor) and not officer_conflict(actor, teacher=teacher)
    title = Title.objects.create(
        teacher=teacher, kind=kind, level=level, awarded_on=awarded_on, certificate=certificate,
        check_status=Title.Check.VERIFIED if by_office else Title.Check.PENDING,
        checked_by=actor if by_office else None, checked_at=timezone.now() if by_office else None,
    )
    audit_record(actor=actor, action="title.create", target=title, to_state=title.check_status,
                 data={"teacher": teacher.code})
    return title


def _decide_title(*, actor, title: Title, to: str, comment: str) -> Title:
    if not is_office(actor):
        raise DomainError(_("Only the research centre office verifies evidence."))
    title = Title.objects.select_for_update(of=("self",)).select_related("teacher").get(pk=title.pk)
    require_independent_officer(actor, teacher=title.teacher)
    guard_frozen(teacher=title.teacher, days=[title.awarded_on])
    if title.check_status != Title.Check.PENDING:
        raise DomainError(_("This title has already been handled by someone else; it is now “%(status)s”.")
                          % {"status": title.get_check_status_display()})
    previous = title.check_status
    title.check_status, title.checked_by, title.checked_at, title.check_comment = to, actor, timezone.now(), comment
    title.save(update_fields=["check_status", "checked_by", "checked_at", "check_comment"])
    audit_record(actor=actor, action=f"title.{'verify' if to == Title.Check.VERIFIED else 'decline'}", target=title,
                 from_state=previous, to_state=to, comment=comment, data={"teacher": title.teacher.code})
    if title.teacher.user is not None:
        message = (_("Your title %(title)s (%(day)s) was verified by the office.") if to == Title.Check.VERIFIED
                   else _("Your title %(title)s (%(day)s) was declined by the office: %(comment)s"))
        notification_send(recipients=[title.teacher.user], verb=f"title.{to}",
                          message=message % {"title": str(title), "day": title.awarded_on.isoformat(),
                                             "comment": comment},
                          url=reverse("members:teacher", kwargs={"code": title.teacher.code}))
    return title


@transaction.atomic
def title_verify(*, actor, title: Title, comment: str = "") -> Title:
    """The office has checked the certificate: the title counts from now on."""
    return _decide_title(actor=actor, title=title, to=Title.Check.VERIFIED, comment=(comment or "").strip())


@transaction.atomic
def title_decline(*, actor, title: Title, comment: str) -> Title:
    """The certificate does not bear the title out: it does not count, and the teacher is told why."""
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Please say why the title is declined."))
    return _decide_title(actor=actor, title=title, to=Title.Check.DECLINED, comment=comment)


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


# --- accounts: bulk by school, and an officer's reset ------------------------------------------------------------


@dataclass(frozen=True)
class IssuedAccount:
    """One account given out: shown once on a slip or a sheet, never stored in clear."""

    teacher: Teacher
    username: str
    password: str


def _require_office(actor) -> None:
    if not is_office(actor):
        raise DomainError(_("Only the research centre office gives out accounts."))


@transaction.atomic
def accounts_issue(*, actor, school, reissue: bool = False) -> list[IssuedAccount]:
    """Accounts with one-time passwords for the teachers of a school: those without an account or without a usable
    password (imported from a ledger); with `reissue`, every teacher of the school. Each must choose a new
    password at the first login. One audit entry for the run, naming every account."""
    _require_office(actor)
    teachers = list(Teacher.objects.filter(school=school).select_related("user").order_by("code"))
    if not reissue:
        teachers = [t for t in teachers if t.user is None or not t.user.has_usable_password()]
    taken = set(User.objects.filter(username__in=[accounts.username_for(t.code, set()) for t in teachers])
                .values_list("username", flat=True))
    issued, new_users, changed_users = [], [], []
    for teacher in teachers:
        user = teacher.user
        if user is None:
            user = User(username=accounts.username_for(teacher.code, taken), role=User.Role.TEACHER)
            new_users.append((teacher, user))
        else:
            changed_users.append(user)
        password = accounts.checked_one_time_password(user)
        user.password = accounts.one_time_hash(password)
        user.must_change_password = True
        user.is_active = True
        issued.append(IssuedAccount(teacher=teacher, username=user.username, password=password))
    if changed_users:
        User.objects.bulk_update(changed_users, ["password", "must_change_password", "is_active"])
    if new_users:
        User.objects.bulk_create([user for _, user in new_users])
        created = {u.username: u for u in User.objects.filter(username__in=[u.username for _, u in new_users])}
        for teacher, user in new_users:
            teacher.user = created[user.username]
        Teacher.objects.bulk_update([teacher for teacher, _ in new_users], ["user"])
    if issued:
        audit_record(actor=actor, action="account.issue", target=school,
                     data={"school": school.name, "reissue": reissue, "count": len(issued),
                           "usernames": [account.username for account in issued]})
    return issued


@transaction.atomic
def password_reset(*, actor, teacher: Teacher) -> IssuedAccount:
    """An officer gives a teacher a new one-time password (shown once); the next login must change it."""
    _require_office(actor)
    teacher = Teacher.objects.select_related("user").get(pk=teacher.pk)
    user = teacher.user
    if user is None:
        raise DomainError(_("This teacher has no account yet: give out the school's accounts first."))
    password = accounts.checked_one_time_password(user)
    user.password = accounts.one_time_hash(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, action="account.password_reset", target=user, data={"teacher": teacher.code})
    return IssuedAccount(teacher=teacher, username=user.username, password=password)

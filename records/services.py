"""Writes for records. Only these functions change a studio document's status, lock a year or move money."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, notification_send, upload_create, upload_discard
from core.uploads import SCAN, WRITING, check_upload, count_chars, extract_text
from members.models import User
from studios.access import is_office, today
from studios.models import Membership, SchoolYear, Studio

from .models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    MentoringVisit,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
    YearLock,
)
from .selectors import fund_totals, threshold_for

# --- helpers -------------------------------------------------------------------------------------------------


def _office_users():
    return User.objects.filter(is_active=True, role__in=(User.Role.OFFICER, User.Role.ADMIN))


def _host_users(studio):
    """The logins of the studio's current host(s)."""
    day = today()
    return [
        membership.teacher.user
        for membership in Membership.objects.active_on(day)
        .filter(studio=studio, role=Membership.Role.HOST)
        .select_related("teacher__user")
        if membership.teacher.user is not None
    ]


def _store(*, file, accept, actor, studio, owner=None, visibility=Upload.Visibility.OWNER, count_text=False):
    checked = check_upload(file, accept)
    return upload_create(checked=checked, original_name=file.name, user=actor, studio=studio, owner=owner,
                         visibility=visibility, count_text=count_text)


# --- studio documents (工作室材料) ---------------------------------------------------------------------------


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
    upload = None
    if file is not None:
        upload = _store(file=file, accept=WRITING, actor=actor, studio=studio, visibility=Upload.Visibility.STUDIO)
    document = StudioDocument.objects.create(studio=studio, kind=kind, school_year=school_year, title=title.strip(),
                                             upload=upload, due_on=due_on)
    audit_record(actor=actor, action="document.create", target=document, studio=studio,
                 to_state=document.status)
    return document


@transaction.atomic
def document_update(*, actor, document: StudioDocument, title: str | None = None, file=None) -> StudioDocument:
    """Change a draft or returned document's title or file; the old file goes once the new one is stored."""
    document = _lock_document(document, (StudioDocument.Status.DRAFT, StudioDocument.Status.RETURNED))
    old_upload = None
    fields = []
    if title is not None:
        if not title.strip():
            raise DomainError(_("Please give a title."))
        document.title = title.strip()
        fields.append("title")
    if file is not None:
        old_upload = document.upload
        document.upload = _store(file=file, accept=WRITING, actor=actor, studio=document.studio,
                                 visibility=Upload.Visibility.STUDIO)
        fields.append("upload")
    if fields:
        document.save(update_fields=fields)
        upload_discard(old_upload)
        audit_record(actor=actor, action="document.update", target=document, studio=document.studio,
                     data={"fields": fields})
    return document


def _lock_document(document: StudioDocument, expected: tuple[str, ...]) -> StudioDocument:
    locked = StudioDocument.objects.select_for_update().select_related("studio").get(pk=document.pk)
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
        recipients=_office_users(),
        verb=action,
        message=_("%(studio)s submitted “%(title)s” for review.") % {"studio": document.studio.name,
                                                                    "title": document.title},
        url=document_url(document),
    )
    return document


@transaction.atomic
def document_approve(*, actor, document: StudioDocument, comment: str = "") -> StudioDocument:
    document = _lock_document(document, (StudioDocument.Status.SUBMITTED,))
    return _decide(actor=actor, document=document, to=StudioDocument.Status.APPROVED, comment=comment,
                   action="document.approve",
                   message=_("“%(title)s” was approved by the office."))


@transaction.atomic
def document_return(*, actor, document: StudioDocument, comment: str) -> StudioDocument:
    if not (comment or "").strip():
        raise DomainError(_("Please say why the document is returned."))
    document = _lock_document(document, (StudioDocument.Status.SUBMITTED,))
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
    notification_send(recipients=_host_users(document.studio), verb=action,
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


# --- works (成果) --------------------------------------------------------------------------------------------


def _year_locked(studio, day) -> SchoolYear | None:
    """The school year of this day, if it is locked for the studio."""
    year = SchoolYear.objects.filter(start__lte=day, end__gte=day).first()
    if year is not None and YearLock.objects.filter(studio=studio, school_year=year).exists():
        return year
    return None


def _refuse_if_locked(work: Work) -> None:
    if work.status != Work.Status.SUBMITTED:
        return
    year = _year_locked(work.studio, work.date)
    if year is not None:
        raise DomainError(_("School year %(year)s is locked; its works can no longer be changed.")
                          % {"year": year.label})


def _check_member(teacher, studio) -> None:
    if not Membership.objects.filter(teacher=teacher, studio=studio).exists():
        raise DomainError(_("%(name)s is not in this studio.") % {"name": teacher.name})


def _read_writing(file) -> tuple:
    """Check a writing file and count its characters before anything is stored."""
    checked = check_upload(file, WRITING)
    text = extract_text(checked)
    return checked, (count_chars(text) if text is not None else None)


def _settle_count(*, file_count, has_text_layer: bool, has_file: bool, typed: int | None):
    """(count, source) from the file's count and what the person typed; refuses a typed count above the file's."""
    if has_file and has_text_layer:
        if typed is not None and typed > file_count:
            raise DomainError(
                _("The count you typed (%(typed)s) is higher than the file holds (%(file)s characters).")
                % {"typed": f"{typed:,}", "file": f"{file_count:,}"}
            )
        return (typed if typed is not None else file_count), Work.CountSource.FILE
    if typed is not None:
        return typed, Work.CountSource.MANUAL
    return None, ""


def _save_work(*, actor, work: Work, file, char_count, submit: bool, creating: bool) -> Work:
    new_upload = None
    old_upload = None
    if file is not None:
        checked, file_count = _read_writing(file)
        has_text = file_count is not None
        has_file = True
    else:
        file_count = work.upload.text_chars if work.upload_id else None
        has_text = file_count is not None
        has_file = work.upload_id is not None
        if has_file and not has_text and char_count is None and work.char_count_source == Work.CountSource.MANUAL:
            char_count = work.char_count  # a scan keeps the count typed for it before
    count, source = _settle_count(file_count=file_count, has_text_layer=has_text, has_file=has_file,
                                  typed=char_count)
    target_status = Work.Status.SUBMITTED if submit or work.status == Work.Status.SUBMITTED else Work.Status.DRAFT
    if target_status == Work.Status.SUBMITTED:
        if not has_file:
            raise DomainError(_("Attach the file before submitting the work."))
        if count is None and threshold_for(work.kind, _rules()) is not None:
            raise DomainError(_("This file has no text layer (a scan): type its character count to submit it."))
        year = _year_locked(work.studio, work.date)
        if year is not None:
            raise DomainError(_("School year %(year)s is locked; its works can no longer be changed.")
                              % {"year": year.label})
    if file is not None:
        new_upload = upload_create(checked=checked, original_name=file.name, user=actor, studio=work.studio,
                                   owner=work.teacher, visibility=Upload.Visibility.OWNER)
        if file_count is not None:
            new_upload.text_chars = file_count
            new_upload.save(update_fields=["text_chars"])
        old_upload = work.upload
        work.upload = new_upload
    previous = "" if creating else work.status
    work.char_count = count
    work.char_count_source = source
    work.status = target_status
    work.save()
    upload_discard(old_upload)
    if creating:
        audit_record(actor=actor, action="work.create", target=work, studio=work.studio, to_state=work.status,
                     data={"char_count": count, "source": source})
    elif previous != work.status:
        audit_record(actor=actor, action="work.submit", target=work, studio=work.studio, from_state=previous,
                     to_state=work.status, data={"char_count": count, "source": source})
    else:
        audit_record(actor=actor, action="work.update", target=work, studio=work.studio,
                     data={"char_count": count, "source": source, "file_replaced": old_upload is not None})
    return work


def _rules():
    from assessments.models import RuleSettings

    return RuleSettings.current()


def _check_work_fields(*, kind, title, date) -> None:
    if kind not in Work.Kind.values:
        raise DomainError(_("Unknown kind of work."))
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    if date is None:
        raise DomainError(_("Please give the date."))
    if date > today():
        raise DomainError(_("The date cannot be in the future."))


@transaction.atomic
def work_create(*, actor, teacher, studio, kind: str, title: str, date, file=None, char_count: int | None = None,
                submit: bool = False) -> Work:
    """A member's work, saved as a draft or submitted; the count comes from the file when it has text."""
    _check_work_fields(kind=kind, title=title, date=date)
    _check_member(teacher, studio)
    work = Work(teacher=teacher, studio=studio, kind=kind, title=title.strip(), date=date, status=Work.Status.DRAFT)
    return _save_work(actor=actor, work=work, file=file, char_count=char_count, submit=submit, creating=True)


@transaction.atomic
def work_update(*, actor, work: Work, kind: str, title: str, date, studio=None, file=None,
                char_count: int | None = None, submit: bool = False) -> Work:
    """The author corrects a draft, or a submitted work while its school year is not locked."""
    work = Work.objects.select_for_update(of=("self",)).select_related("studio", "teacher", "upload").get(pk=work.pk)
    _refuse_if_locked(work)
    _check_work_fields(kind=kind, title=title, date=date)
    if studio is not None and studio.pk != work.studio_id:
        _check_member(work.teacher, studio)
        work.studio = studio
    work.kind, work.title, work.date = kind, title.strip(), date
    return _save_work(actor=actor, work=work, file=file, char_count=char_count, submit=submit, creating=False)


@transaction.atomic
def work_delete(*, actor, work: Work) -> None:
    work = Work.objects.select_for_update().select_related("studio").get(pk=work.pk)
    _refuse_if_locked(work)
    audit_record(actor=actor, action="work.delete", target=work, studio=work.studio, from_state=work.status)
    upload = work.upload
    work.delete()
    upload_discard(upload)


# --- year locks ----------------------------------------------------------------------------------------------


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


# --- research projects (课题) ---------------------------------------------------------------------------------


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
    setattr(obj, field, _store(file=file, accept=WRITING | SCAN, actor=actor, studio=studio,
                               visibility=Upload.Visibility.STUDIO))
    return old


@transaction.atomic
def project_create(*, actor, studio, title: str, level: int, approved_on, concluded_on=None, leader,
                   participants=(), approval_file=None, conclusion_file=None) -> ResearchProject:
    participants = [person for person in participants if person.pk != leader.pk]
    _check_project(title=title, approved_on=approved_on, concluded_on=concluded_on, leader=leader,
                   participants=participants, studio=studio)
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
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
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
    uploads = [project.approval_document, project.conclusion_document]
    audit_record(actor=actor, action="project.delete", target=project, studio=project.studio)
    project.delete()
    for upload in uploads:
        upload_discard(upload)


# --- mentoring pairs (互助帮扶对子) ---------------------------------------------------------------------------


def _check_pair(*, mentee_name, mentee_school, started_on, ended_on) -> None:
    if not (mentee_name or "").strip() or not (mentee_school or "").strip():
        raise DomainError(_("Give the rural teacher's name and school."))
    if ended_on is not None and ended_on < started_on:
        raise DomainError(_("The end date cannot be before the start date."))


@transaction.atomic
def pair_create(*, actor, teacher, studio, mentee_name: str, mentee_school: str, started_on, ended_on=None,
                notes: str = "") -> MentoringPair:
    _check_pair(mentee_name=mentee_name, mentee_school=mentee_school, started_on=started_on, ended_on=ended_on)
    _check_member(teacher, studio)
    pair = MentoringPair.objects.create(teacher=teacher, studio=studio, mentee_name=mentee_name.strip(),
                                        mentee_school=mentee_school.strip(), started_on=started_on,
                                        ended_on=ended_on, notes=notes)
    audit_record(actor=actor, action="pair.create", target=pair, studio=studio)
    return pair


@transaction.atomic
def pair_update(*, actor, pair: MentoringPair, mentee_name: str, mentee_school: str, started_on, ended_on=None,
                notes: str = "") -> MentoringPair:
    _check_pair(mentee_name=mentee_name, mentee_school=mentee_school, started_on=started_on, ended_on=ended_on)
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    pair.mentee_name, pair.mentee_school = mentee_name.strip(), mentee_school.strip()
    pair.started_on, pair.ended_on, pair.notes = started_on, ended_on, notes
    pair.save()
    audit_record(actor=actor, action="pair.update", target=pair, studio=pair.studio)
    return pair


@transaction.atomic
def pair_delete(*, actor, pair: MentoringPair) -> None:
    audit_record(actor=actor, action="pair.delete", target=pair, studio=pair.studio)
    pair.delete()


@transaction.atomic
def visit_add(*, actor, pair: MentoringPair, visited_on, note: str) -> MentoringVisit:
    if not (note or "").strip():
        raise DomainError(_("Please write a note of the visit."))
    if visited_on < pair.started_on:
        raise DomainError(_("The visit cannot be before the pair started."))
    if visited_on > today():
        raise DomainError(_("The date cannot be in the future."))
    visit = MentoringVisit.objects.create(pair=pair, visited_on=visited_on, note=note.strip())
    audit_record(actor=actor, action="pair.visit", target=pair, studio=pair.studio,
                 data={"visited_on": visited_on.isoformat()})
    return visit


# --- tasks ---------------------------------------------------------------------------------------------------


@transaction.atomic
def task_create(*, actor, studio, title: str, due_on, teachers, description: str = "") -> Task:
    """The host gives a task to one or several members (十七.2); each is told."""
    teachers = list(teachers)
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    if not teachers:
        raise DomainError(_("Choose at least one member."))
    day = today()
    active = set(Membership.objects.active_on(day).filter(studio=studio, teacher__in=teachers)
                 .values_list("teacher_id", flat=True))
    outsiders = [teacher.name for teacher in teachers if teacher.pk not in active]
    if outsiders:
        raise DomainError(_("Not in this studio now: %(names)s.") % {"names": "、".join(outsiders)})
    task = Task.objects.create(studio=studio, title=title.strip(), description=description, due_on=due_on,
                               created_by=actor)
    TaskAssignment.objects.bulk_create([TaskAssignment(task=task, teacher=teacher) for teacher in teachers])
    audit_record(actor=actor, action="task.create", target=task, studio=studio,
                 data={"assignees": [teacher.code for teacher in teachers], "due_on": due_on.isoformat()})
    notification_send(
        recipients=[teacher.user for teacher in teachers],
        verb="task.assign",
        message=_("New task from %(studio)s: “%(title)s”, due %(due)s.")
        % {"studio": studio.name, "title": task.title, "due": due_on.isoformat()},
        url=reverse("records:mine"),
    )
    return task


@transaction.atomic
def task_complete(*, actor, assignment: TaskAssignment, completed_on=None, file=None, note: str = "") \
        -> TaskAssignment:
    """The assignee marks the task done; the completion date is kept, so a late one stays late."""
    assignment = TaskAssignment.objects.select_for_update().select_related("task", "task__studio", "teacher") \
        .get(pk=assignment.pk)
    if assignment.completed_on is not None:
        raise DomainError(_("This task is already marked done."))
    completed_on = completed_on or today()
    if completed_on > today():
        raise DomainError(_("The date cannot be in the future."))
    if file is not None:
        assignment.upload = _store(file=file, accept=WRITING | SCAN, actor=actor, studio=assignment.task.studio,
                                   owner=assignment.teacher)
    assignment.completed_on = completed_on
    assignment.note = note
    assignment.save(update_fields=["completed_on", "upload", "note"])
    audit_record(actor=actor, action="task.complete", target=assignment.task, studio=assignment.task.studio,
                 from_state="open", to_state="late" if assignment.is_late else "done",
                 data={"teacher": assignment.teacher.code, "completed_on": completed_on.isoformat()})
    return assignment


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    uploads = [assignment.upload for assignment in task.assignments.select_related("upload")]
    audit_record(actor=actor, action="task.delete", target=task, studio=task.studio)
    task.delete()
    for upload in uploads:
        upload_discard(upload)


# --- host evaluations (十六.4) --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_save(*, actor, studio, school_year, teacher, scores: dict, comment: str = "") -> HostEvaluation:
    """Once a school year the host scores a member on the five dimensions, 0–100 each; saving again corrects."""
    for name in HostEvaluation.SCORE_FIELDS:
        value = scores.get(name)
        if value is None or not 0 <= int(value) <= 100:
            raise DomainError(_("Every score must be between 0 and 100."))
    if not Membership.objects.filter(studio=studio, teacher=teacher, role=Membership.Role.MEMBER,
                                     joined_on__lte=school_year.end).exists():
        raise DomainError(_("%(name)s is not a member of this studio in %(year)s.")
                          % {"name": teacher.name, "year": school_year.label})
    evaluation, created = HostEvaluation.objects.select_for_update().get_or_create(
        studio=studio, school_year=school_year, teacher=teacher,
        defaults={**{name: int(scores[name]) for name in HostEvaluation.SCORE_FIELDS}, "comment": comment,
                  "evaluated_by": actor},
    )
    if not created:
        for name in HostEvaluation.SCORE_FIELDS:
            setattr(evaluation, name, int(scores[name]))
        evaluation.comment = comment
        evaluation.evaluated_by = actor
        evaluation.save()
    audit_record(actor=actor, action="evaluation.save", target=evaluation, studio=studio,
                 data={"school_year": school_year.label, "teacher": teacher.code,
                       **{name: int(scores[name]) for name in HostEvaluation.SCORE_FIELDS}})
    return evaluation


# --- funds (经费, 十九) -----------------------------------------------------------------------------------------


def _money(amount) -> str:
    return f"¥{amount:,.2f}"


@transaction.atomic
def fund_allocate(*, actor, studio, school_year, amount: Decimal, date, description: str = "") -> FundEntry:
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
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
        receipt = _store(file=receipt_file, accept=SCAN, actor=actor, studio=studio)
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
    if entry.kind == FundEntry.Kind.ALLOCATION:
        allocated, spent = fund_totals(entry.studio, entry.school_year)
        if allocated - entry.amount < spent:
            raise DomainError(_("Without this allocation the year's expenses would exceed its funds; remove "
                                "expenses first."))
    audit_record(actor=actor, action="fund.delete", target=entry, studio=entry.studio,
                 data={"kind": entry.kind, "amount": str(entry.amount)})
    receipt = entry.receipt
    entry.delete()
    upload_discard(receipt)

"""Tasks the host gives members (十七.2) and their completion."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record, notification_send, upload_discard
from core.uploads import SCAN, WRITING
from studios.access import can_manage_studio, today
from studios.models import Membership

from ..models import Task, TaskAssignment
from .common import store
from .duties import require_active_in
from .frozen import guard_frozen


@transaction.atomic
def task_create(*, actor, studio, title: str, due_on, teachers, description: str = "") -> Task:
    """The host gives a task to one or several members (十七.2); each is told."""
    teachers = list(teachers)
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    if not teachers:
        raise DomainError(_("Choose at least one member."))
    require_active_in(actor, studio)
    guard_frozen(studio=studio, days=[due_on])
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
def task_complete(*, actor, assignment: TaskAssignment, completed_on=None, file=None, note: str = "",
                  reason: str = "") -> TaskAssignment:
    """The assignee marks the task done; the completion date is kept, so a late one stays late.

    Honest dates (clarification 10): the completion date is the day it is recorded. Only the studio's host or the
    office may record an earlier day (a task done on paper and recorded later), and that is audited with the
    reason given."""
    assignment = TaskAssignment.objects.select_for_update(of=("self",)) \
        .select_related("task", "task__studio", "teacher").get(pk=assignment.pk)
    studio = assignment.task.studio
    require_active_in(actor, studio)
    if assignment.completed_on is not None:
        raise DomainError(_("This task is already marked done."))
    recorded_on = today()
    completed_on = completed_on or recorded_on
    if completed_on > recorded_on:
        raise DomainError(_("The date cannot be in the future."))
    backdated = completed_on < recorded_on
    if backdated and not can_manage_studio(actor, studio):
        raise DomainError(_("A task is done on the day its completion is recorded: only the studio's host or the "
                            "office can record an earlier day."))
    guard_frozen(studio=studio, days=[assignment.task.due_on, completed_on])
    if file is not None:
        assignment.upload = store(file=file, accept=WRITING | SCAN, actor=actor, studio=assignment.task.studio,
                                   owner=assignment.teacher)
    assignment.completed_on = completed_on
    assignment.note = note
    assignment.save(update_fields=["completed_on", "upload", "note"])
    audit_record(actor=actor, action="task.complete", target=assignment.task, studio=assignment.task.studio,
                 from_state="open", to_state="late" if assignment.is_late else "done",
                 data={"teacher": assignment.teacher.code, "completed_on": completed_on.isoformat()})
    if backdated:
        audit_record(actor=actor, action="task.backdate", target=assignment.task, studio=studio,
                     comment=(reason or "").strip(),
                     data={"teacher": assignment.teacher.code, "completed_on": completed_on.isoformat(),
                           "recorded_on": recorded_on.isoformat()})
    return assignment


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    require_active_in(actor, task.studio)
    guard_frozen(studio=task.studio, days=[task.due_on, *task.assignments.values_list("completed_on", flat=True)])
    uploads = [assignment.upload for assignment in task.assignments.select_related("upload")]
    audit_record(actor=actor, action="task.delete", target=task, studio=task.studio)
    task.delete()
    for upload in uploads:
        upload_discard(upload)

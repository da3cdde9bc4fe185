"""Which changes make stored results stale: every record a rule reads (assessments/results.py).

Each entry of ``REGISTRY`` names a model and how to find the studios whose results read an instance of it; a
save or delete of one marks those studios' results stale and queues their recomputation on commit (debounced: one
task per transaction). ``None`` means every studio (the settings, the calendar).

Writes that skip the model's signals are covered too: a service's queryset ``update()`` (an activity held, a
filing decided, a work's count checked) always writes an audit entry naming the studio, and an audit entry with a
studio marks it; the ledger import (bulk writes) marks everything it may have touched when it finishes
(``excel.importer``); the worker's reading of a file sends ``core.signals.upload_read_done``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save

EVERY_STUDIO = None


def _own(instance) -> list[int]:
    return [instance.studio_id]


def _teacher_studios(teacher_id) -> list[int]:
    from studios.models import Membership

    if teacher_id is None:
        return []
    return list(Membership.objects.filter(teacher_id=teacher_id).values_list("studio_id", flat=True).distinct())


def _activity_studio(activity_id) -> list[int]:
    from activities.models import Activity

    return list(Activity.objects.filter(pk=activity_id).values_list("studio_id", flat=True))


def _via_activity(instance) -> list[int]:
    activity = instance._state.fields_cache.get("activity")
    return [activity.studio_id] if activity is not None else _activity_studio(instance.activity_id)


def _via_task(instance) -> list[int]:
    from records.models import Task

    task = instance._state.fields_cache.get("task")
    if task is not None:
        return [task.studio_id]
    return list(Task.objects.filter(pk=instance.task_id).values_list("studio_id", flat=True))


def _pair(instance) -> list[int]:
    # A pair recorded without a studio belongs to the person: it counts in each of their studios (loader.py).
    return [instance.studio_id] if instance.studio_id else _teacher_studios(instance.teacher_id)


def _via_teacher(instance) -> list[int]:
    return _teacher_studios(instance.teacher_id)


def _teacher(instance) -> list[int]:
    return _teacher_studios(instance.pk)


def _studio(instance) -> list[int]:
    return [instance.pk]


def _every(instance):
    return EVERY_STUDIO


def _audited(instance) -> list[int]:
    return [instance.studio_id] if instance.studio_id else []


def registry() -> list[tuple[type, Callable]]:
    """(model, studios of an instance) for every record a rule reads."""
    from activities.models import Activity, Attendance, Filing
    from core.models import AuditEntry
    from members.models import Teacher, Title
    from records.models import (
        FundEntry,
        HostEvaluation,
        MentoringPair,
        ResearchProject,
        StudioDocument,
        Task,
        TaskAssignment,
        Work,
        YearLock,
    )
    from studios.models import Cycle, Membership, SchoolYear, Studio

    from .models import AssessmentSignoff, RuleOverride, RuleSettings

    return [
        (Work, _own), (StudioDocument, _own), (ResearchProject, _own), (Task, _own), (HostEvaluation, _own),
        (FundEntry, _own), (YearLock, _own), (Activity, _own), (Membership, _own), (Cycle, _own),
        (RuleOverride, _own), (AssessmentSignoff, _own),
        (Filing, _via_activity), (Attendance, _via_activity), (TaskAssignment, _via_task),
        (MentoringPair, _pair), (Title, _via_teacher), (Teacher, _teacher), (Studio, _studio),
        (SchoolYear, _every), (RuleSettings, _every),
        (AuditEntry, _audited),
    ]


def _mark(studio_ids: Iterable[int] | None) -> None:
    from .results import results_mark_stale

    if studio_ids is EVERY_STUDIO:
        results_mark_stale(studio_ids=None)
    elif studio_ids:
        results_mark_stale(studio_ids=studio_ids)


def _handler(find: Callable, *, created_only: bool = False):
    def handle(sender, instance, raw=False, created=True, **kwargs):
        if raw or (created_only and not created):
            return  # fixtures loading; an audit entry is only ever created
        _mark(find(instance))

    return handle


def _participants_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        from records.models import ResearchProject

        if isinstance(instance, ResearchProject):
            _mark([instance.studio_id])
        else:  # a teacher's projects changed from the other side
            _mark(_teacher_studios(instance.pk))


def _upload_read(sender, upload, **kwargs):
    _mark([upload.studio_id] if upload.studio_id else [])


_HANDLERS: list = []  # kept alive: the signals hold weak references


def connect() -> None:
    from core.models import AuditEntry
    from core.signals import upload_read_done
    from records.models import ResearchProject

    for model, find in registry():
        handler = _handler(find, created_only=model is AuditEntry)
        _HANDLERS.append(handler)
        uid = f"assessments.stale.{model._meta.label_lower}"
        post_save.connect(handler, sender=model, dispatch_uid=uid + ".save")
        if model is not AuditEntry:
            post_delete.connect(handler, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(_participants_changed, sender=ResearchProject.participants.through,
                        dispatch_uid="assessments.stale.project_participants")
    upload_read_done.connect(_upload_read, sender=None, dispatch_uid="assessments.stale.upload_read")

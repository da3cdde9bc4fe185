"""Tasks the host gives members (十七.2), and a member marking theirs done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.services import DomainError
from members.models import Teacher
from studios.access import get_managed_studio_for_user, today
from studios.models import Membership

from .. import selectors, services
from ..forms import CompleteForm, RecordCompletionForm, TaskForm
from ..models import Task, TaskAssignment
from .common import add_error, confirm_delete, own_teacher


@login_required
def task_done(request, pk):
    assignment = get_object_or_404(TaskAssignment.objects.select_related("task", "task__studio"), pk=pk,
                                   teacher=own_teacher(request.user))
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(actor=request.user, assignment=assignment, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            messages.success(request, _("Task marked done."))
            return redirect("records:mine")
    return render(request, "records/task_done.html", {"form": form, "assignment": assignment,
                                                      "task": assignment.task})


@login_required
def task_record_done(request, code, pk):
    """The host or the office records that a member did a task, possibly on an earlier day (audited)."""
    studio = get_managed_studio_for_user(request.user, code)
    assignment = get_object_or_404(TaskAssignment.objects.select_related("task", "teacher"), pk=pk,
                                   task__studio=studio)
    form = RecordCompletionForm(request.POST or None, request.FILES or None, today=today(),
                                initial={"completed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(actor=request.user, assignment=assignment, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            messages.success(request, _("Task marked done."))
            return redirect("records:tasks", code=studio.code)
    return render(request, "records/task_done.html", {"form": form, "assignment": assignment, "task": assignment.task,
                                                      "for_member": assignment.teacher, "studio": studio})


@login_required
def task_list(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    return render(request, "records/task_list.html", {"studio": studio, "tasks": selectors.studio_tasks(studio),
                                                      "today": today()})


@login_required
def task_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    active = Membership.objects.active_on(today()).filter(studio=studio, role=Membership.Role.MEMBER)
    people = Teacher.objects.filter(memberships__in=active).distinct().order_by("code")
    form = TaskForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_create(actor=request.user, studio=studio, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Task assigned."))
            return redirect("records:tasks", code=studio.code)
    return render(request, "records/form.html", {"form": form, "studio": studio, "title": _("New task")})


@login_required
def task_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    task = get_object_or_404(Task, pk=pk, studio=studio)
    tasks = reverse("records:tasks", kwargs={"code": studio.code})
    return confirm_delete(
        request, delete=lambda: services.task_delete(actor=request.user, task=task),
        title=_("Delete the task"), object_label=task.title,
        question=_("Delete this task, its assignments and their files? This cannot be undone."),
        cancel_url=tasks, done_url=tasks,
    )

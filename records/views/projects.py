"""Research projects (课题)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.services import DomainError
from members.models import Teacher
from studios.access import can_manage_studio, get_managed_studio_for_user, get_studio_for_user

from .. import selectors, services
from ..forms import ProjectForm
from ..models import ResearchProject
from .common import add_error, confirm_delete


def _people_qs(studio):
    return Teacher.objects.filter(pk__in=[person.pk for person in selectors.studio_people(studio)]) \
        .select_related("school").order_by("code")


@login_required
def project_list(request, code):
    studio = get_studio_for_user(request.user, code)
    return render(request, "records/project_list.html", {
        "studio": studio, "projects": selectors.studio_projects(studio),
        "can_manage": can_manage_studio(request.user, studio),
    })


@login_required
def project_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    form = ProjectForm(request.POST or None, request.FILES or None, people=_people_qs(studio))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_create(actor=request.user, studio=studio, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            messages.success(request, _("Research project recorded."))
            return redirect("records:projects", code=studio.code)
    return render(request, "records/form.html", {"form": form, "studio": studio, "title": _("New research project"),
                                                 "multipart": True})


@login_required
def project_edit(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    project = get_object_or_404(ResearchProject, pk=pk, studio=studio)
    initial = {name: getattr(project, name) for name in ("title", "level", "approved_on", "concluded_on")}
    initial.update(leader=project.leader_id, participants=list(project.participants.values_list("pk", flat=True)))
    form = ProjectForm(request.POST or None, request.FILES or None, people=_people_qs(studio), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("records:projects", code=studio.code)
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Edit the research project"), "multipart": True,
    })


@login_required
def project_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    project = get_object_or_404(ResearchProject, pk=pk, studio=studio)
    projects = reverse("records:projects", kwargs={"code": studio.code})
    return confirm_delete(
        request, delete=lambda: services.project_delete(actor=request.user, project=project),
        title=_("Delete the research project"), object_label=project.title,
        question=_("Delete this project and its documents? This cannot be undone."),
        cancel_url=projects, done_url=projects,
    )

"""Mentoring pairs (互助帮扶对子) and their visits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.services import DomainError
from studios.access import can_view_personal_record, today
from studios.models import Studio

from .. import services
from ..forms import PairForm, VisitForm
from ..models import MentoringPair
from .common import add_error, confirm_delete, own_studios, own_teacher


def _get_pair(user, pk) -> MentoringPair:
    pair = get_object_or_404(MentoringPair.objects.select_related("teacher", "studio"), pk=pk)
    if not can_view_personal_record(user, owner_id=pair.teacher_id, studio_id=pair.studio_id):
        raise Http404
    return pair


def _get_own_pair(user, pk) -> MentoringPair:
    return get_object_or_404(MentoringPair.objects.select_related("teacher", "studio"), pk=pk,
                             teacher=own_teacher(user))


@login_required
def pair_create(request):
    teacher = own_teacher(request.user)
    studios = own_studios(request.user)
    if not studios:
        raise Http404
    form = PairForm(request.POST or None, studios=studios, initial={"started_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.pair_create(actor=request.user, teacher=teacher, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Mentoring pair recorded."))
            return redirect("records:pair", pk=pair.pk)
    return render(request, "records/form.html", {"form": form, "title": _("New mentoring pair"),
                                                 "back_url": "records:mine"})


@login_required
def pair_detail(request, pk):
    pair = _get_pair(request.user, pk)
    own = getattr(request.user, "teacher", None) == pair.teacher
    form = VisitForm(request.POST or None, initial={"visited_on": today()}) if own else None
    if own and request.method == "POST" and form.is_valid():
        try:
            services.visit_add(actor=request.user, pair=pair, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("records:pair", pk=pair.pk)
    elif not own and request.method == "POST":
        raise Http404
    return render(request, "records/pair_detail.html", {"pair": pair, "own": own, "form": form,
                                                        "visits": pair.visits.all()})


@login_required
def pair_edit(request, pk):
    pair = _get_own_pair(request.user, pk)
    studios = own_studios(request.user) | Studio.objects.filter(pk=pair.studio_id)
    initial = {name: getattr(pair, name) for name in ("mentee_name", "mentee_school", "started_on", "ended_on",
                                                       "notes")}
    initial["studio"] = pair.studio_id
    form = PairForm(request.POST or None, studios=studios, initial=initial)
    form.fields["studio"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "studio"}
        try:
            services.pair_update(actor=request.user, pair=pair, **data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("records:pair", pk=pair.pk)
    return render(request, "records/form.html", {"form": form, "title": _("Edit the mentoring pair")})


@login_required
def pair_delete(request, pk):
    pair = _get_own_pair(request.user, pk)
    return confirm_delete(
        request, delete=lambda: services.pair_delete(actor=request.user, pair=pair),
        title=_("Delete the mentoring pair"), object_label=str(pair),
        question=_("Delete this pair and its visits? This cannot be undone."),
        cancel_url=reverse("records:pair", kwargs={"pk": pair.pk}), done_url=reverse("records:mine"),
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.registry import studio_links_for
from core.services import DomainError

from . import services
from .access import can_manage_settings, can_manage_studio, get_studio_for_user, require, require_office, today
from .forms import (
    CycleCreateForm,
    CycleDecisionForm,
    MembershipJoinForm,
    MembershipLeaveForm,
    SchoolYearForm,
    StudioCreateForm,
    StudioEditForm,
    StudioFilterForm,
)
from .models import Cycle, Membership, SchoolYear
from .selectors import studio_list as select_studios
from .selectors import studio_memberships, studio_subjects


@login_required
def studio_list(request):
    form = StudioFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    studios = select_studios(
        user=request.user,
        search=filters.get("q", ""),
        stage=filters.get("stage", ""),
        subject=filters.get("subject", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(studios, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "studios/studio_list.html", {
        "form": form, "page": page, "subjects": studio_subjects(), "query_string": query.urlencode(),
    })


@login_required
def studio_detail(request, code):
    studio = get_studio_for_user(request.user, code)
    day = today()
    memberships = list(studio_memberships(studio))
    active = [m for m in memberships if m.is_active_on(day) or m.joined_on > day]
    former = [m for m in memberships if m not in active]
    active.sort(key=lambda m: (m.role != Membership.Role.HOST, m.teacher.code))
    return render(request, "studios/studio_detail.html", {
        "studio": studio,
        "cycle": services.current_cycle(studio),
        "cycles": studio.cycles.select_related("start_year"),
        "active_memberships": active,
        "former_memberships": former,
        "can_manage": can_manage_studio(request.user, studio),
        "links": studio_links_for(request.user, studio),
    })


@login_required
def studio_create(request):
    require_office(request.user)
    form = StudioCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            studio = services.studio_create(
                actor=request.user, code=data["code"], name=data["name"], subject=data["subject"],
                stage=data["stage"], description=data["description"], cycle_start_year=data["cycle_start"],
                host=data["host"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Studio %(name)s created.") % {"name": studio.name})
            return redirect("studios:detail", code=studio.code)
    return render(request, "studios/studio_form.html", {"form": form, "title": _("New studio")})


@login_required
def studio_edit(request, code):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    form = StudioEditForm(request.POST or None, instance=studio)
    if request.method == "POST" and form.is_valid():
        services.studio_update(actor=request.user, studio=studio, **{
            name: form.cleaned_data[name] for name in form.changed_data
        })
        messages.success(request, _("Saved."))
        return redirect("studios:detail", code=studio.code)
    return render(request, "studios/studio_form.html", {"form": form, "studio": studio, "title": _("Edit studio")})


@login_required
def cycle_create(request, code):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    form = CycleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_create(actor=request.user, studio=studio, start_year=form.cleaned_data["start"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Cycle added."))
            return redirect("studios:detail", code=studio.code)
    return render(request, "studios/studio_form.html", {"form": form, "studio": studio, "title": _("New cycle")})


@login_required
def cycle_decide(request, code, pk, decision):
    """Renew or dissolve a cycle: GET shows the confirmation with a reason field, POST acts."""
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    cycle = get_object_or_404(Cycle.objects.select_related("start_year"), pk=pk, studio=studio)
    form = CycleDecisionForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if decision == "renew":
                services.cycle_renew(actor=request.user, cycle=cycle, reason=reason)
                messages.success(request, _("The studio was renewed for a new cycle."))
            else:
                services.cycle_dissolve(actor=request.user, cycle=cycle, reason=reason,
                                        on=form.cleaned_data["on"] or today())
                messages.success(request, _("The studio was dissolved."))
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("studios:detail", code=studio.code)
    title = _("Renew the studio for a new cycle") if decision == "renew" else _("Dissolve the studio")
    return render(request, "studios/cycle_decide.html", {
        "form": form, "studio": studio, "cycle": cycle, "decision": decision, "title": title,
    })


@login_required
def membership_join(request, code):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    form = MembershipJoinForm(request.POST or None, initial={"joined_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_join(actor=request.user, studio=studio, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s joined the studio.") % {"name": form.cleaned_data["teacher"].name})
            return redirect("studios:detail", code=studio.code)
    return render(request, "studios/studio_form.html", {"form": form, "studio": studio, "title": _("Add a member")})


@login_required
def membership_leave(request, code, pk):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    membership = get_object_or_404(Membership.objects.select_related("teacher"), pk=pk, studio=studio)
    form = MembershipLeaveForm(request.POST or None, initial={"left_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_leave(actor=request.user, membership=membership, **{
                "left_on": form.cleaned_data["left_on"], "reason": form.cleaned_data["reason"],
            })
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s left the studio.") % {"name": membership.teacher.name})
            return redirect("studios:detail", code=studio.code)
    return render(request, "studios/membership_leave.html", {"form": form, "studio": studio, "membership": membership})


@login_required
def school_year_list(request):
    require(can_manage_settings, request.user)
    return render(request, "studios/school_year_list.html", {"years": SchoolYear.objects.order_by("-start_year")})


@login_required
def school_year_edit(request, pk):
    require(can_manage_settings, request.user)
    year = get_object_or_404(SchoolYear, pk=pk)
    initial = {"start": year.start, "semester2_start": year.semester2_start, "end": year.end}
    form = SchoolYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_year_update(actor=request.user, school_year=year, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The calendar of %(year)s was saved.") % {"year": year.label})
            return redirect("studios:school_years")
    return render(request, "studios/studio_form.html", {
        "form": form, "title": _("Calendar of %(year)s") % {"year": year.label},
    })

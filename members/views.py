from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.services import DomainError, audit_trail
from studios.access import can_view_personal_data, can_view_teacher, is_office, require_office, today, visible_studios
from studios.models import Membership

from . import selectors, services
from .forms import AccountsForm, ApplicationForm, DecisionForm, RecommendationForm, TitleForm
from .models import Application, Teacher


def get_teacher_for_user(user, code: str) -> Teacher:
    teacher = get_object_or_404(Teacher.objects.select_related("school", "user"), code=code)
    if not can_view_teacher(user, teacher):
        raise Http404
    return teacher


def _can_edit_titles(user, teacher: Teacher) -> bool:
    own = getattr(user, "teacher", None)
    return is_office(user) or (own is not None and own.pk == teacher.pk)


@login_required
def teacher_detail(request, code):
    teacher = get_teacher_for_user(request.user, code)
    memberships = Membership.objects.filter(teacher=teacher).select_related("studio").order_by("-joined_on")
    full = can_view_personal_data(request.user, teacher)
    return render(request, "members/teacher_detail.html", {
        "teacher": teacher,
        "phone": teacher.phone if full else selectors.mask_phone(teacher.phone),
        "birth": teacher.birth_date.strftime("%Y-%m-%d") if full else selectors.birth_year(teacher.birth_date),
        "personal_data_masked": not full,
        "can_reset_password": is_office(request.user) and teacher.user_id is not None,
        # A studio the visitor cannot open is named, not linked: its page would answer 404.
        "visible_studio_ids": set(visible_studios(request.user).filter(
            pk__in=[m.studio_id for m in memberships]).values_list("pk", flat=True)),
        "titles": teacher.titles.select_related("certificate"),
        "memberships": memberships,
        "today": today(),
        "can_edit_titles": _can_edit_titles(request.user, teacher),
    })


@login_required
def title_create(request, code):
    teacher = get_teacher_for_user(request.user, code)
    if not _can_edit_titles(request.user, teacher):
        raise Http404
    form = TitleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.title_create(actor=request.user, teacher=teacher,
                                  certificate_file=form.cleaned_data["certificate_file"],
                                  **{key: form.cleaned_data[key] for key in ("kind", "level", "awarded_on")})
        except ValidationError as error:
            form.add_error("certificate_file", error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Title recorded."))
            return redirect("members:teacher", code=teacher.code)
    return render(request, "members/title_form.html", {"form": form, "teacher": teacher})


@login_required
def application_create(request):
    teacher = getattr(request.user, "teacher", None)
    if teacher is None:
        messages.error(request, _("Only teachers can apply to a studio."))
        return redirect("home")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(actor=request.user, teacher=teacher, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Application sent. Your school's recommendation is recorded next."))
            return redirect("members:applications")
    return render(request, "members/application_form.html", {"form": form})


@login_required
def application_list(request):
    queryset = Application.objects.select_related("teacher", "teacher__school", "studio")
    if not is_office(request.user):
        teacher = getattr(request.user, "teacher", None)
        queryset = queryset.filter(teacher=teacher) if teacher else queryset.none()
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "members/application_list.html", {
        "page": page, "statuses": Application.Status.choices, "status": status,
    })


def _get_application_for_user(user, pk) -> Application:
    application = get_object_or_404(Application.objects.select_related("teacher", "studio"), pk=pk)
    own = getattr(user, "teacher", None)
    if not is_office(user) and (own is None or application.teacher_id != own.pk):
        raise Http404
    return application


@login_required
def application_detail(request, pk):
    application = _get_application_for_user(request.user, pk)
    context = {"application": application, "trail": audit_trail(application)}
    if is_office(request.user):
        context["recommend_form"] = RecommendationForm(initial={"recommended_on": today()})
        context["decision_form"] = DecisionForm(initial={"joined_on": today()})
    return render(request, "members/application_detail.html", context)


@login_required
def application_recommend(request, pk):
    require_office(request.user)
    application = _get_application_for_user(request.user, pk)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_recommend(actor=request.user, application=application, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The school's recommendation was recorded."))
        return redirect("members:application", pk=application.pk)
    return render(request, "members/application_detail.html", {
        "application": application, "trail": audit_trail(application), "recommend_form": form,
        "decision_form": DecisionForm(initial={"joined_on": today()}),
    })


@login_required
def application_decide(request, pk):
    require_office(request.user)
    application = _get_application_for_user(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                services.application_accept(actor=request.user, application=application, joined_on=data["joined_on"],
                                            comment=data["comment"])
                messages.success(request, _("Accepted: %(name)s is now a member of the studio.") % {
                    "name": application.teacher.name})
            else:
                services.application_decline(actor=request.user, application=application, comment=data["comment"])
                messages.success(request, _("The application was declined."))
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("members:application", pk=application.pk)
    return render(request, "members/application_detail.html", {
        "application": application, "trail": audit_trail(application),
        "recommend_form": RecommendationForm(initial={"recommended_on": today()}), "decision_form": form,
    })


# --- accounts -------------------------------------------------------------------------------------------------


def _no_store(response):
    # One-time passwords: never kept by a browser cache or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def accounts_issue(request):
    """The office gives out a school's accounts with one-time passwords, as printable slips or an Excel sheet."""
    require_office(request.user)
    form = AccountsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        issued = services.accounts_issue(actor=request.user, school=data["school"], reissue=data["reissue"])
        if not issued:
            messages.info(request, _("Every teacher of %(school)s already has an account.")
                          % {"school": data["school"].name})
            return redirect("members:accounts")
        login_url = request.build_absolute_uri(reverse("login"))
        if data["output"] == "sheet":
            return _no_store(selectors.accounts_sheet_response(issued, school=data["school"], login_url=login_url))
        return _no_store(render(request, "members/account_slips.html", {
            "issued": issued, "school": data["school"], "login_url": login_url,
        }))
    return render(request, "members/accounts.html", {"form": form, "schools": selectors.schools_with_accounts()})


@login_required
def password_reset(request, code):
    """An officer gives a teacher a new one-time password, shown once on the page that answers the POST."""
    require_office(request.user)
    teacher = get_object_or_404(Teacher.objects.select_related("user", "school"), code=code)
    if request.method == "POST":
        try:
            account = services.password_reset(actor=request.user, teacher=teacher)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("members:teacher", code=teacher.code)
        return _no_store(render(request, "members/account_slips.html", {
            "issued": [account], "school": teacher.school, "login_url": request.build_absolute_uri(reverse("login")),
            "reset": True,
        }))
    return render(request, "members/password_reset.html", {"teacher": teacher})

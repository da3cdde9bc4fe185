from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import RuleSettings
from core.services import DomainError, audit_trail
from members.models import Teacher
from studios.access import (
    can_manage_studio,
    can_view_personal_record,
    get_managed_studio_for_user,
    get_studio_for_user,
    is_office,
    require_office,
    studio_roles,
    today,
)
from studios.models import Membership, SchoolYear, Studio

from . import selectors, services
from .forms import (
    AllocationForm,
    CompleteForm,
    DocumentEditForm,
    DocumentForm,
    EvaluationForm,
    ExpenseForm,
    PairForm,
    ProjectForm,
    ReviewForm,
    StudioRecordsFilter,
    TaskForm,
    VisitForm,
    WorkForm,
    YearLockForm,
)
from .models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)


def _add_error(form, error) -> None:
    """A refused service call, shown on the form: DomainError as a sentence, ValidationError on the form."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(error))


def _own_teacher(user) -> Teacher:
    teacher = getattr(user, "teacher", None)
    if teacher is None:
        raise Http404
    return teacher


def _own_studios(user):
    """The studios a teacher is in now (host or member): where they may record works and pairs."""
    roles = studio_roles(user)
    return Studio.objects.filter(pk__in=roles.hosted | roles.member_of).order_by("code")


# --- my records ----------------------------------------------------------------------------------------------


@login_required
def my_records(request):
    teacher = _own_teacher(request.user)
    records = selectors.person_records(teacher)
    return render(request, "records/person_records.html", {
        "teacher": teacher, "records": records, "own": True,
        "titles": teacher.titles.select_related("certificate"),
        "can_add": _own_studios(request.user).exists(),
    })


@login_required
def person_records(request, code, teacher_code):
    """A member's records in one studio, for the studio's host and the office."""
    studio = get_managed_studio_for_user(request.user, code)
    teacher = get_object_or_404(Teacher, code=teacher_code, memberships__studio=studio)
    records = selectors.person_records(teacher, studio=studio)
    return render(request, "records/person_records.html", {
        "teacher": teacher, "records": records, "own": False, "studio": studio,
        "titles": teacher.titles.select_related("certificate"),
    })


# --- works ---------------------------------------------------------------------------------------------------


def _get_work(user, pk) -> Work:
    work = get_object_or_404(Work.objects.select_related("teacher", "studio", "upload"), pk=pk)
    if not can_view_personal_record(user, owner_id=work.teacher_id, studio_id=work.studio_id):
        raise Http404
    return work


def _get_own_work(user, pk) -> Work:
    teacher = _own_teacher(user)
    return get_object_or_404(Work.objects.select_related("teacher", "studio", "upload"), pk=pk, teacher=teacher)


def _work_saved_message(request, work: Work) -> None:
    info = selectors.annotate_works([work])[0].counts_for
    parts = [_("Saved as a draft.") if work.status == Work.Status.DRAFT else _("Submitted.")]
    if info.chars:
        parts.append(info.chars)
    parts.append(info.text)
    level = messages.success if info.counts else messages.warning
    level(request, " ".join(parts))


@login_required
def work_create(request):
    teacher = _own_teacher(request.user)
    studios = _own_studios(request.user)
    if not studios:
        raise Http404
    form = WorkForm(request.POST or None, request.FILES or None, studios=studios,
                    initial={"date": today(), "kind": request.GET.get("kind", Work.Kind.PAPER)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = services.work_create(actor=request.user, teacher=teacher, studio=data["studio"], kind=data["kind"],
                                        title=data["title"], date=data["date"], file=data["file"],
                                        char_count=data["char_count"], submit=request.POST.get("action") == "submit")
        except (DomainError, ValidationError) as error:
            _add_error(form, error)
        else:
            _work_saved_message(request, work)
            return redirect("records:work", pk=work.pk)
    return render(request, "records/work_form.html", {"form": form, "title": _("Record a work"),
                                                      "rules": RuleSettings.current()})


@login_required
def work_detail(request, pk):
    work = _get_work(request.user, pk)
    selectors.annotate_works([work])
    own = getattr(request.user, "teacher", None) == work.teacher
    year = selectors.Calendar().year_of(work.date)
    locked = work.status == Work.Status.SUBMITTED and selectors.is_year_locked(work.studio_id, year)
    return render(request, "records/work_detail.html", {
        "work": work, "own": own, "locked": locked, "year": year, "trail": audit_trail(work),
    })


@login_required
def work_edit(request, pk):
    work = _get_own_work(request.user, pk)
    studios = _own_studios(request.user)
    year = selectors.Calendar().year_of(work.date)
    if work.status == Work.Status.SUBMITTED and selectors.is_year_locked(work.studio_id, year):
        messages.error(request, _("School year %(year)s is locked; its works can no longer be changed.")
                       % {"year": year.label})
        return redirect("records:work", pk=work.pk)
    initial = {"kind": work.kind, "title": work.title, "date": work.date, "studio": work.studio_id,
               "char_count": work.char_count if work.char_count_source == Work.CountSource.MANUAL else None}
    form = WorkForm(request.POST or None, request.FILES or None, studios=studios | Studio.objects.filter(
        pk=work.studio_id), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = services.work_update(actor=request.user, work=work, studio=data["studio"], kind=data["kind"],
                                        title=data["title"], date=data["date"], file=data["file"],
                                        char_count=data["char_count"], submit=request.POST.get("action") == "submit")
        except (DomainError, ValidationError) as error:
            _add_error(form, error)
        else:
            _work_saved_message(request, work)
            return redirect("records:work", pk=work.pk)
    return render(request, "records/work_form.html", {"form": form, "work": work, "title": _("Edit the work"),
                                                      "rules": RuleSettings.current()})


@login_required
def work_delete(request, pk):
    work = _get_own_work(request.user, pk)
    if request.method == "POST":
        try:
            services.work_delete(actor=request.user, work=work)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("records:work", pk=work.pk)
        messages.success(request, _("Deleted."))
        return redirect("records:mine")
    return render(request, "records/confirm.html", {
        "title": _("Delete the work"), "object_label": work.title, "danger": True,
        "cancel_url": reverse("records:work", kwargs={"pk": work.pk}),
        "question": _("Delete this work and its file? This cannot be undone."),
    })


def work_url(work) -> str:
    return reverse("records:work", kwargs={"pk": work.pk})


# --- mentoring pairs -----------------------------------------------------------------------------------------


def _get_pair(user, pk) -> MentoringPair:
    pair = get_object_or_404(MentoringPair.objects.select_related("teacher", "studio"), pk=pk)
    if not can_view_personal_record(user, owner_id=pair.teacher_id, studio_id=pair.studio_id):
        raise Http404
    return pair


def _get_own_pair(user, pk) -> MentoringPair:
    return get_object_or_404(MentoringPair.objects.select_related("teacher", "studio"), pk=pk,
                             teacher=_own_teacher(user))


@login_required
def pair_create(request):
    teacher = _own_teacher(request.user)
    studios = _own_studios(request.user)
    if not studios:
        raise Http404
    form = PairForm(request.POST or None, studios=studios, initial={"started_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.pair_create(actor=request.user, teacher=teacher, **form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
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
            _add_error(form, error)
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
    studios = _own_studios(request.user) | Studio.objects.filter(pk=pair.studio_id)
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
            _add_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("records:pair", pk=pair.pk)
    return render(request, "records/form.html", {"form": form, "title": _("Edit the mentoring pair")})


@login_required
def pair_delete(request, pk):
    pair = _get_own_pair(request.user, pk)
    if request.method == "POST":
        services.pair_delete(actor=request.user, pair=pair)
        messages.success(request, _("Deleted."))
        return redirect("records:mine")
    return render(request, "records/confirm.html", {
        "title": _("Delete the mentoring pair"), "object_label": str(pair), "danger": True,
        "cancel_url": reverse("records:pair", kwargs={"pk": pair.pk}),
        "question": _("Delete this pair and its visits? This cannot be undone."),
    })


# --- task completions ----------------------------------------------------------------------------------------


@login_required
def task_done(request, pk):
    assignment = get_object_or_404(TaskAssignment.objects.select_related("task", "task__studio"), pk=pk,
                                   teacher=_own_teacher(request.user))
    form = CompleteForm(request.POST or None, request.FILES or None, initial={"completed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(actor=request.user, assignment=assignment, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Task marked done."))
            return redirect("records:mine")
    return render(request, "records/task_done.html", {"form": form, "assignment": assignment,
                                                      "task": assignment.task})


# --- the studio's records ------------------------------------------------------------------------------------


@login_required
def studio_records(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    calendar = selectors.Calendar()
    people = selectors.studio_people(studio)
    form = StudioRecordsFilter(request.GET or None, people=Teacher.objects.filter(pk__in=[p.pk for p in people]),
                               periods=selectors.period_choices(calendar))
    filters = form.cleaned_data if form.is_valid() else {}
    period = selectors.parse_period(filters.get("period", ""), calendar) if filters.get("period") else None
    works = selectors.studio_works(studio, kind=filters.get("kind", ""), teacher=filters.get("person"),
                                   period=period)
    page = Paginator(works, 50).get_page(request.GET.get("page"))
    selectors.annotate_works(page.object_list, calendar=calendar)
    query = request.GET.copy()
    query.pop("page", None)
    locks = {lock.school_year_id: lock for lock in studio.year_locks.select_related("locked_by")}
    return render(request, "records/studio_records.html", {
        "studio": studio, "form": form, "page": page, "query_string": query.urlencode(), "people": people,
        "years": [(year, locks.get(year.pk)) for year in sorted(calendar.years, key=lambda y: -y.start_year)],
        "is_office": is_office(request.user),
    })


@login_required
def year_lock(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    form = YearLockForm(request.POST or None, initial={"school_year": request.GET.get("year")})
    if request.method == "POST" and form.is_valid():
        try:
            services.year_lock(actor=request.user, studio=studio, school_year=form.cleaned_data["school_year"])
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("School year %(year)s locked.") % {"year": form.cleaned_data["school_year"]})
            return redirect("records:studio", code=studio.code)
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Lock a school year"),
        "intro": _("Once locked, members can no longer correct their submitted works of that year. Only the office "
                   "can unlock it."),
    })


@login_required
def year_unlock(request, code):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    form = YearLockForm(request.POST or None, initial={"school_year": request.GET.get("year")})
    if request.method == "POST" and form.is_valid():
        try:
            services.year_unlock(actor=request.user, studio=studio, school_year=form.cleaned_data["school_year"],
                                 reason=form.cleaned_data["reason"])
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("School year %(year)s unlocked.")
                             % {"year": form.cleaned_data["school_year"]})
            return redirect("records:studio", code=studio.code)
    return render(request, "records/form.html", {"form": form, "studio": studio, "title": _("Unlock a school year")})


# --- studio documents ----------------------------------------------------------------------------------------


def _get_document(studio, pk) -> StudioDocument:
    return get_object_or_404(StudioDocument.objects.select_related("school_year", "upload", "decided_by", "studio"),
                             pk=pk, studio=studio)


@login_required
def document_list(request, code):
    studio = get_studio_for_user(request.user, code)
    documents = studio.documents.select_related("school_year", "upload")
    return render(request, "records/document_list.html", {
        "studio": studio, "documents": documents, "can_manage": can_manage_studio(request.user, studio),
    })


@login_required
def document_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    form = DocumentForm(request.POST or None, request.FILES or None,
                        initial={"kind": request.GET.get("kind"), "school_year": request.GET.get("year")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_create(actor=request.user, studio=studio, kind=data["kind"],
                                                school_year=data["school_year"], title=data["title"],
                                                file=data["file"])
            if request.POST.get("action") == "submit":
                document = services.document_submit(actor=request.user, document=document)
        except (DomainError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Document saved.") if document.status == StudioDocument.Status.DRAFT
                             else _("Document submitted to the office for review."))
            return redirect("records:document", code=studio.code, pk=document.pk)
    return render(request, "records/document_form.html", {"form": form, "studio": studio,
                                                          "title": _("New studio document")})


@login_required
def document_detail(request, code, pk):
    studio = get_studio_for_user(request.user, code)
    document = _get_document(studio, pk)
    office = is_office(request.user)
    return render(request, "records/document_detail.html", {
        "studio": studio, "document": document, "trail": audit_trail(document),
        "can_manage": can_manage_studio(request.user, studio),
        "is_office": office,
        "editable": document.status in (StudioDocument.Status.DRAFT, StudioDocument.Status.RETURNED),
        "review_form": ReviewForm() if office and document.status == StudioDocument.Status.SUBMITTED else None,
    })


@login_required
def document_edit(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    document = _get_document(studio, pk)
    form = DocumentEditForm(request.POST or None, request.FILES or None, initial={"title": document.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=request.user, document=document, title=form.cleaned_data["title"],
                                     file=form.cleaned_data["file"])
        except (DomainError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("records:document", code=studio.code, pk=document.pk)
    return render(request, "records/document_form.html", {"form": form, "studio": studio, "document": document,
                                                          "title": _("Edit the document")})


@login_required
@require_POST
def document_submit(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    document = _get_document(studio, pk)
    try:
        services.document_submit(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Document submitted to the office for review."))
    return redirect("records:document", code=studio.code, pk=document.pk)


@login_required
def document_review(request, code, pk):
    require_office(request.user)
    studio = get_studio_for_user(request.user, code)
    document = _get_document(studio, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.document_approve(actor=request.user, document=document,
                                          comment=form.cleaned_data["comment"])
            else:
                services.document_return(actor=request.user, document=document, comment=form.cleaned_data["comment"])
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("records:document", code=studio.code, pk=document.pk)
    return render(request, "records/form.html", {"form": form, "studio": studio, "title": _("Review the document"),
                                                 "intro": document.title})


@login_required
def document_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    document = _get_document(studio, pk)
    if request.method == "POST":
        try:
            services.document_delete(actor=request.user, document=document)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("records:document", code=studio.code, pk=document.pk)
        messages.success(request, _("Deleted."))
        return redirect("records:documents", code=studio.code)
    return render(request, "records/confirm.html", {
        "title": _("Delete the document"), "object_label": document.title, "danger": True,
        "cancel_url": reverse("records:document", kwargs={"code": studio.code, "pk": document.pk}),
        "question": _("Delete this document and its file? This cannot be undone."),
    })


# --- research projects ---------------------------------------------------------------------------------------


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
            _add_error(form, error)
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
            _add_error(form, error)
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
    if request.method == "POST":
        services.project_delete(actor=request.user, project=project)
        messages.success(request, _("Deleted."))
        return redirect("records:projects", code=studio.code)
    return render(request, "records/confirm.html", {
        "title": _("Delete the research project"), "object_label": project.title, "danger": True,
        "cancel_url": reverse("records:projects", kwargs={"code": studio.code}),
        "question": _("Delete this project and its documents? This cannot be undone."),
    })


# --- tasks ---------------------------------------------------------------------------------------------------


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
            _add_error(form, error)
        else:
            messages.success(request, _("Task assigned."))
            return redirect("records:tasks", code=studio.code)
    return render(request, "records/form.html", {"form": form, "studio": studio, "title": _("New task")})


@login_required
def task_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    task = get_object_or_404(Task, pk=pk, studio=studio)
    if request.method == "POST":
        services.task_delete(actor=request.user, task=task)
        messages.success(request, _("Deleted."))
        return redirect("records:tasks", code=studio.code)
    return render(request, "records/confirm.html", {
        "title": _("Delete the task"), "object_label": task.title, "danger": True,
        "cancel_url": reverse("records:tasks", kwargs={"code": studio.code}),
        "question": _("Delete this task, its assignments and their files? This cannot be undone."),
    })


# --- host evaluations ----------------------------------------------------------------------------------------


def _year_from(request, value=None) -> SchoolYear:
    value = value or request.GET.get("year")
    calendar = selectors.Calendar()
    if value:
        try:
            start_year = SchoolYear.parse_label(value)
        except ValueError:
            raise Http404 from None
        year = next((y for y in calendar.years if y.start_year == start_year), None)
        if year is None:
            raise Http404
        return year
    year = calendar.year_of(today())
    if year.pk is None:
        year = SchoolYear.get_or_create_for(year.start_year)
    return year


@login_required
def evaluation_list(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = _year_from(request)
    members = selectors.active_members(studio, year)
    scores = {e.teacher_id: e for e in HostEvaluation.objects.filter(studio=studio, school_year=year)}
    return render(request, "records/evaluation_list.html", {
        "studio": studio, "year": year, "years": SchoolYear.objects.order_by("-start_year"),
        "rows": [(member, scores.get(member.pk)) for member in members],
        "score_fields": [HostEvaluation._meta.get_field(name) for name in HostEvaluation.SCORE_FIELDS],
    })


@login_required
def evaluation_edit(request, code, year, teacher_code):
    studio = get_managed_studio_for_user(request.user, code)
    school_year = _year_from(request, year)
    teacher = get_object_or_404(Teacher, code=teacher_code, memberships__studio=studio,
                                memberships__role=Membership.Role.MEMBER)
    instance = HostEvaluation.objects.filter(studio=studio, school_year=school_year, teacher=teacher).first()
    form = EvaluationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_save(actor=request.user, studio=studio, school_year=school_year, teacher=teacher,
                                     scores={name: data[name] for name in HostEvaluation.SCORE_FIELDS},
                                     comment=data["comment"])
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect(f"{_url('records:evaluations', code=studio.code)}?year={school_year.label}")
    return render(request, "records/form.html", {
        "form": form, "studio": studio,
        "title": _("Evaluate %(name)s for %(year)s") % {"name": teacher.name, "year": school_year.label},
    })


def _url(name, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


# --- funds ---------------------------------------------------------------------------------------------------


@login_required
def fund_usage(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = _year_from(request)
    return render(request, "records/fund_usage.html", {
        "studio": studio, "usage": selectors.fund_usage(studio, year), "year": year,
        "years": SchoolYear.objects.order_by("-start_year"), "is_office": is_office(request.user),
    })


@login_required
def fund_allocate(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = _year_from(request)
    form = AllocationForm(request.POST or None, initial={"date": max(min(today(), year.end), year.start)})
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_allocate(actor=request.user, studio=studio, school_year=year, **form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Allocation recorded."))
            return redirect(f"{_url('records:funds', code=studio.code)}?year={year.label}")
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Allocation for %(year)s") % {"year": year.label},
    })


@login_required
def expense_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = _year_from(request)
    office = is_office(request.user)
    form = ExpenseForm(request.POST or None, request.FILES or None, office=office,
                       initial={"date": max(min(today(), year.end), year.start)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.expense_create(
                actor=request.user, studio=studio, school_year=year, amount=data["amount"],
                category=data["category"], date=data["date"], description=data["description"],
                receipt_file=data["receipt"], exception_reason=data.get("exception_reason", ""),
            )
        except (DomainError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Expense recorded."))
            if entry.category == FundEntry.Category.OTHER:
                messages.warning(request, _("The category “Other” is outside the uses the regulation allows (十九)."))
            return redirect(f"{_url('records:funds', code=studio.code)}?year={year.label}")
    return render(request, "records/form.html", {
        "form": form, "studio": studio, "title": _("Expense for %(year)s") % {"year": year.label}, "multipart": True,
    })


@login_required
def fund_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    entry = get_object_or_404(FundEntry.objects.select_related("school_year"), pk=pk, studio=studio)
    back = f"{_url('records:funds', code=studio.code)}?year={entry.school_year.label}"
    if request.method == "POST":
        try:
            services.fund_entry_delete(actor=request.user, entry=entry)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Deleted."))
        return redirect(back)
    return render(request, "records/confirm.html", {
        "title": _("Delete the fund entry"), "object_label": f"{entry.get_kind_display()} ¥{entry.amount}",
        "danger": True, "cancel_url": back, "question": _("Delete this entry and its receipt? This cannot be undone."),
    })

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.services import DomainError, audit_trail
from members import services as member_services
from members.models import Title
from records import services as record_services
from records.models import StudioDocument, Work
from studios.access import (
    can_manage_studio,
    get_managed_studio_for_user,
    get_studio_for_user,
    is_office,
    require_office,
    today,
    visible_studios,
)
from studios.models import Studio

from . import notice, selectors, services
from .forms import (
    ActivityForm,
    AttendanceForm,
    CalendarFilterForm,
    CommentForm,
    HeldWithAttendanceForm,
    QueueFilterForm,
    ReasonForm,
    RecordForm,
    ReturnForm,
    SigninWindowForm,
)
from .models import Activity, ActivityPhoto, Attendance, Filing


def _posted(request):
    """The POST data of a POST, even when empty (an unticked box, a confirmation without comment); else None."""
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _error_text(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# --- calendar ------------------------------------------------------------------------------------------------


@login_required
def activity_calendar(request, code=None):
    """Month grid or list of activities: one studio's, or every visible studio's (the office sees all)."""
    studio = get_studio_for_user(request.user, code) if code else None
    studios = [] if studio else list(visible_studios(request.user).order_by("code"))
    form = CalendarFilterForm(request.GET or None, studios=studios)
    data = form.cleaned_data if form.is_valid() else {}
    if studio is None and data.get("studio"):
        studio = get_studio_for_user(request.user, data["studio"])
    month = data.get("month") or today()
    first, last = selectors.month_bounds(month)
    activities = list(selectors.activities_between(user=request.user, first=first, last=last, studio=studio))
    view = data.get("view") or "month"
    query = request.GET.copy()
    query.pop("month", None)
    return render(request, "activities/calendar.html", {
        "studio": studio if code else None,
        "filtered_studio": studio,
        "form": form,
        "grid": selectors.month_grid(month, activities),
        "activities": activities,
        "view": view,
        "today": today(),
        "query_string": query.urlencode(),
        "can_manage": studio is not None and can_manage_studio(request.user, studio),
    })


# --- one activity --------------------------------------------------------------------------------------------


def _activity(studio, pk):
    return get_object_or_404(
        Activity.objects.select_related("studio", "organiser", "plan", "minutes", "signin_sheet",
                                        "filing__decided_by"),
        pk=pk, studio=studio,
    )


@login_required
def activity_detail(request, code, pk):
    studio = get_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    can_manage = can_manage_studio(request.user, studio)
    filing = activity.current_filing()
    attendance = []
    if activity.status == Activity.Status.HELD:
        recorded = selectors.attendance_map(activity)
        labels = dict(Attendance.Status.choices)
        attendance = [
            (membership, recorded.get(membership.teacher_id), labels.get(recorded.get(membership.teacher_id), ""))
            for membership in services.attendance_roster(activity)
        ]
    return render(request, "activities/activity_detail.html", {
        "studio": studio,
        "activity": activity,
        "filing": filing,
        "filing_trail": _labelled(audit_trail(filing), Filing.Status) if filing else [],
        # One line per teacher who signed in by QR would bury the history; the sign-in card lists them.
        "activity_trail": _labelled([e for e in audit_trail(activity) if e.action != "signin.sign"], Activity.Status),
        "attendance": attendance,
        "attendance_counts": selectors.attendance_counts(activity) if attendance else {},
        "photos": activity.photos.select_related("upload"),
        "can_manage": can_manage,
        "is_office": is_office(request.user),
        "signin": signin_context(request, activity) if can_manage else None,
    })


def signin_context(request, activity) -> dict:
    """The host's sign-in panel: the QR code while the window is open or about to open, and who came."""
    rows = selectors.signin_rows(activity)
    context = {"rows": rows, "participants": selectors.participant_count(activity), "url": None, "qr": None,
               "open": services.signin_is_open(activity)}
    if activity.signin_token and activity.signin_closes_at and activity.signin_closes_at >= timezone.now():
        context["url"] = signin_url(request, activity)
        context["qr"] = mark_safe(signin_qr_svg(context["url"]))  # markup made by segno from our own URL
    return context


def _labelled(trail, states):
    labels = dict(states.choices)
    return [(entry, labels.get(entry.from_state, entry.from_state), labels.get(entry.to_state, entry.to_state))
            for entry in trail]


@login_required
def activity_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    initial = {"date": request.GET.get("date") or today()}
    form = ActivityForm(_posted(request), _files(request), studio=studio, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plan_file = data.pop("plan_file")
        try:
            activity = services.activity_create(actor=request.user, studio=studio, plan_file=plan_file,
                                                submit_filing=_and_submit(request), **data)
        except (DomainError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _saved_message(activity, _("Activity “%(title)s” added.")
                                                     % {"title": activity.title}))
            return redirect("activities:detail", code=studio.code, pk=activity.pk)
    return render(request, "activities/activity_form.html", {
        "form": form, "studio": studio, "title": _("New activity"), "can_submit_filing": True,
    })


def _and_submit(request) -> bool:
    """The 「保存并提交备案」 button: save and send the filing to the office in one submit."""
    return request.POST.get("and_submit") == "1"


def _saved_message(activity, saved: str) -> str:
    filing = Activity.objects.get(pk=activity.pk).current_filing()
    if filing is not None and filing.status == Filing.Status.SUBMITTED:
        return saved + " " + _("The filing was submitted to the office.")
    return saved


@login_required
def activity_edit(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    form = ActivityForm(_posted(request), _files(request), studio=studio, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plan_file = data.pop("plan_file")
        try:
            activity = services.activity_update(actor=request.user, activity=Activity.objects.get(pk=activity.pk),
                                                plan_file=plan_file, submit_filing=_and_submit(request), **data)
        except (DomainError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _saved_message(activity, _("Saved.")))
            return redirect("activities:detail", code=studio.code, pk=activity.pk)
    filing = activity.current_filing()
    return render(request, "activities/activity_form.html", {
        "form": form, "studio": studio, "activity": activity, "title": _("Edit activity"),
        "can_submit_filing": filing is None or filing.status in (
            Filing.Status.DRAFT, Filing.Status.WITHDRAWN, Filing.Status.RETURNED),
    })


@login_required
def activity_mark_held(request, code, pk):
    """Held, with the attendance, in one form (the roster preset from the QR sign-ins, if any)."""
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    unfiled = activity.needs_filing and not activity.filing_counts
    roster = services.attendance_roster(activity)
    form = HeldWithAttendanceForm(_posted(request), roster=roster, unfiled=unfiled,
                                  current=services.attendance_from_signins(activity, roster))
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.activity_mark_held_with_attendance(
                actor=request.user, activity=activity, exceptions=form.exceptions(),
                confirm_unfiled=form.cleaned_data.get("confirm_unfiled", False))
        except DomainError as error:
            form.add_error("confirm_unfiled" if unfiled else None, str(error))
        else:
            messages.success(request, _("Marked as held. Attendance saved: %(present)d present, %(excused)d "
                                        "excused, %(absent)d absent.") % counts)
            return redirect("activities:detail", code=studio.code, pk=activity.pk)
    return render(request, "activities/mark_held.html", {
        "form": form, "studio": studio, "activity": activity, "unfiled": unfiled,
        "signins": selectors.signin_rows(activity),
    })


@login_required
def activity_cancel(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(actor=request.user, activity=activity, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The activity was cancelled."))
            return redirect("activities:detail", code=studio.code, pk=activity.pk)
    return render(request, "activities/confirm.html", {
        "form": form, "studio": studio, "activity": activity, "title": _("Cancel the activity"),
        "button": _("Cancel the activity"), "danger": True,
    })


@login_required
def activity_record(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    form = RecordForm(_posted(request), _files(request), initial={"summary": activity.summary})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_record(actor=request.user, activity=activity, summary=data["summary"],
                                     minutes_file=data["minutes_file"], signin_file=data["signin_file"],
                                     photo_files=data["photo_files"])
        except (DomainError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The activity's record was saved."))
            return redirect("activities:detail", code=studio.code, pk=activity.pk)
    return render(request, "activities/record_form.html", {"form": form, "studio": studio, "activity": activity})


@login_required
@require_POST
def activity_photo_delete(request, code, pk, photo_pk):
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    photo = get_object_or_404(ActivityPhoto.objects.select_related("upload", "activity__studio"), pk=photo_pk,
                              activity=activity)
    services.activity_photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("activities:detail", code=studio.code, pk=activity.pk)


@login_required
def attendance(request, code, pk):
    """Everyone present by default; the host changes the exceptions and submits once."""
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    if activity.status != Activity.Status.HELD:
        messages.error(request, _("Attendance is recorded once the activity has been held."))
        return redirect("activities:detail", code=studio.code, pk=activity.pk)
    roster = services.attendance_roster(activity)
    current = selectors.attendance_map(activity) or services.attendance_from_signins(activity, roster)
    form = AttendanceForm(_posted(request), roster=roster, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.attendance_record(actor=request.user, activity=activity,
                                                exceptions=form.exceptions())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance saved: %(present)d present, %(excused)d excused, %(absent)d "
                                        "absent.") % counts)
            return redirect("activities:detail", code=studio.code, pk=activity.pk)
    return render(request, "activities/attendance.html", {"form": form, "studio": studio, "activity": activity})


# --- QR sign-in (扫码签到) -----------------------------------------------------------------------------------


def signin_url(request, activity) -> str:
    return request.build_absolute_uri(reverse("activities:signin", args=[activity.pk, activity.signin_token]))


def signin_qr_svg(url: str) -> str:
    """The QR code as inline SVG, made here (segno): no outside service ever sees the link."""
    return segno.make(url, error="m").svg_inline(scale=5, title=_("QR code for signing in"), svgclass="signin-qr")


@login_required
def signin_window(request, code, pk):
    """The host sets when teachers may sign in; the activity page then shows the QR code."""
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    form = SigninWindowForm(_posted(request), initial=selectors.default_signin_window(activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.signin_open(actor=request.user, activity=activity, opens_at=form.cleaned_data["opens_at"],
                                 closes_at=form.cleaned_data["closes_at"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sign-in is set. Show the QR code on this page to the teachers."))
            return redirect(reverse("activities:detail", args=[studio.code, activity.pk]) + "#signin")
    return render(request, "activities/signin_window.html", {"form": form, "studio": studio, "activity": activity})


@login_required
def signin_list(request, code, pk):
    """Who has signed in so far: the part of the activity page that the host's browser refreshes."""
    studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    return render(request, "activities/_signins.html", {
        "studio": studio, "activity": activity, "signins": selectors.signin_rows(activity),
        "participants": selectors.participant_count(activity),
    })


@login_required
def signin(request, pk, token):
    """The page the QR code opens: a teacher signs in with one tap. Without the code's secret, nothing is here."""
    activity = get_object_or_404(Activity.objects.select_related("studio"), pk=pk, signin_token=token)
    if not activity.signin_token:
        raise Http404
    teacher = getattr(request.user, "teacher", None)
    if teacher is not None and not services.signin_eligible(activity, teacher):
        raise Http404
    if request.method == "POST":
        try:
            _signin, created = services.signin_record(actor=request.user, activity=activity, token=token)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Signed in. Thank you!") if created else _("You had signed in already."))
        return redirect("activities:signin", pk=activity.pk, token=token)
    mine = activity.signins.filter(teacher=teacher).first() if teacher is not None else None
    filing = activity.current_filing()
    # Someone who signed in is a participant: the notice of the approved filing is theirs to read.
    notice_url = (reverse("activities:filing_notice", args=[activity.pk])
                  if mine is not None and filing is not None and filing.status == Filing.Status.APPROVED else "")
    return render(request, "activities/signin.html", {
        "activity": activity, "teacher": teacher, "mine": mine, "open": services.signin_is_open(activity),
        "notice_url": notice_url,
    })


# --- filing (备案) -------------------------------------------------------------------------------------------

FILING_ACTIONS = {
    "submit": (services.filing_submit, False, _("Submit the filing to the office")),
    "resubmit": (services.filing_resubmit, False, _("Resubmit the filing")),
    "withdraw": (services.filing_withdraw, False, _("Withdraw the filing")),
    "approve": (services.filing_approve, True, _("Approve the filing and issue a document number")),
    "return": (services.filing_return, True, _("Return the filing to the host")),
}


@login_required
def filing_action(request, code, pk, action):
    """GET shows the confirmation (with a comment box), POST acts."""
    if action not in FILING_ACTIONS:
        raise Http404
    service, office_only, title = FILING_ACTIONS[action]
    if office_only:
        require_office(request.user)
        studio = get_studio_for_user(request.user, code)
    else:
        studio = get_managed_studio_for_user(request.user, code)
    activity = _activity(studio, pk)
    filing = get_object_or_404(Filing, activity=activity)
    form = (ReturnForm if action == "return" else CommentForm)(_posted(request))
    if request.method == "POST" and form.is_valid():
        kwargs = {"actor": request.user, "filing": filing}
        if action in ("approve", "return", "resubmit"):
            kwargs["comment"] = form.cleaned_data["comment"]
        try:
            filing = service(**kwargs)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _done_message(action, filing))
        return redirect("activities:detail", code=studio.code, pk=activity.pk)
    return render(request, "activities/confirm.html", {
        "form": form, "studio": studio, "activity": activity, "filing": filing, "title": title, "button": title,
        "danger": action in ("return", "withdraw"), "show_form": action in ("approve", "return", "resubmit"),
        # Approving after the activity's date gives a number but the activity does not count: say so first.
        "late_warning": action == "approve" and filing.status == Filing.Status.SUBMITTED and activity.date < today(),
    })


def _done_message(action: str, obj) -> str:
    if action == "approve":
        number = getattr(obj, "doc_number", None)
        if number and isinstance(obj, Filing):
            return _("Approved: %(number)s. The notice (发文) is drafted: download it, adjust it and stamp it.") % {
                "number": number}
        return _("Approved: %(number)s.") % {"number": number} if number else _("Approved.")
    return {
        "submit": _("Submitted to the office."),
        "resubmit": _("Resubmitted to the office."),
        "withdraw": _("The filing was withdrawn."),
        "return": _("Returned to the host."),
    }[action]


# --- the review queue ----------------------------------------------------------------------------------------


def _queue_studios(user):
    office, studio_ids = selectors.queue_scope(user)
    if not office and not studio_ids:
        raise PermissionDenied
    return Studio.objects.order_by("code") if office else Studio.objects.filter(pk__in=studio_ids).order_by("code")


QUEUE_STUDIO_OPTIONS = 50


@login_required
def review_queue(request):
    studios = _queue_studios(request.user)
    form = QueueFilterForm(request.GET or None, studios=studios)
    data = form.cleaned_data if form.is_valid() else {}
    studio = data.get("studio")
    found = selectors.review_queue_page(user=request.user, studio_id=studio.pk if studio else None,
                                        kind=data.get("kind", ""), state=data.get("state", ""),
                                        page=request.GET.get("page") or 1, per_page=selectors.QUEUE_PER_PAGE)
    filters = {name: request.GET[name] for name in ("studio", "kind", "state") if request.GET.get(name)}
    return render(request, "activities/queue.html", {
        "form": form, "items": found["items"], "total": found["total"], "is_office": is_office(request.user),
        # Suggestions for the studio box: a bounded list, whatever the number of studios.
        "studio_options": list(studios.values_list("code", "name")[:QUEUE_STUDIO_OPTIONS]),
        "overdue_count": found["overdue"], "page": found["page"], "query_string": urlencode(filters),
    })


DOCUMENT_ACTIONS = {"approve", "return", "submit"}
FILING_QUEUE_ACTIONS = {"approve", "return", "submit", "resubmit", "withdraw"}


@login_required
@require_POST
def queue_decide(request, target, pk, action):
    """One row's action from the queue: htmx swaps the row; without JavaScript the queue page comes back."""
    if target in selectors.CHECKS:
        return _queue_check(request, target, pk, action)
    if target not in ("filing", "document"):
        raise Http404
    if action in ("approve", "return"):
        require_office(request.user)
    office, studio_ids = selectors.queue_scope(request.user)
    if target == "filing":
        if action not in FILING_QUEUE_ACTIONS:
            raise Http404
        queryset = Filing.objects.select_related("activity__studio", "activity__plan")
        if studio_ids is not None:
            queryset = queryset.filter(activity__studio_id__in=studio_ids)
        obj = get_object_or_404(queryset, pk=pk)
    else:
        if action not in DOCUMENT_ACTIONS:
            raise Http404
        queryset = StudioDocument.objects.select_related("studio", "upload")
        if studio_ids is not None:
            queryset = queryset.filter(studio_id__in=studio_ids)
        obj = get_object_or_404(queryset, pk=pk)
    comment = request.POST.get("comment", "").strip()[:2000]
    error = None
    try:
        obj = _queue_act(request.user, target, obj, action, comment)
    except DomainError as exc:
        error = str(exc)
    done = None if error else _done_message(action, obj)
    if request.htmx:
        obj.refresh_from_db()
        day = today()
        item = selectors.filing_item(obj, day) if target == "filing" else selectors.document_item(obj, day)
        return render(request, "activities/_queue_row.html", {
            "item": item, "is_office": office, "row_error": error, "row_done": done, "decided": error is None,
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    target_url = request.POST.get("next", "")
    if target_url and url_has_allowed_host_and_scheme(target_url, allowed_hosts={request.get_host()}):
        return redirect(target_url)
    return redirect(reverse("activities:queue"))


CHECK_ACTIONS = {
    selectors.TITLE_CHECK: (member_services.title_verify, member_services.title_decline),
    selectors.COUNT_CHECK: (record_services.work_count_verify, record_services.work_count_decline),
    selectors.COPY_CHECK: (record_services.work_copy_clear, record_services.work_copy_decline),
}


def _queue_check(request, target, pk, action):
    """The office verifies or declines a title, a typed count or a near-copy (clarification 10)."""
    require_office(request.user)
    if action not in ("verify", "decline"):
        raise Http404
    if target == selectors.TITLE_CHECK:
        obj = get_object_or_404(Title.objects.select_related("teacher", "certificate"), pk=pk)
    else:
        obj = get_object_or_404(Work.objects.select_related("studio", "teacher", "upload", "copy_of__teacher",
                                                            "copy_of__studio"), pk=pk)
    verify, decline = CHECK_ACTIONS[target]
    comment = request.POST.get("comment", "").strip()[:2000]
    error = None
    try:
        if action == "verify":
            obj = verify(actor=request.user, comment=comment, **{"title" if target == "title" else "work": obj})
        else:
            obj = decline(actor=request.user, comment=comment, **{"title" if target == "title" else "work": obj})
    except DomainError as exc:
        error = str(exc)
    done = None if error else (_("Verified: it counts.") if action == "verify"
                               else _("Declined: it does not count, and the member is told why."))
    if request.htmx:
        obj.refresh_from_db()
        return render(request, "activities/_queue_check_row.html", {
            "item": selectors.check_item(target, obj), "is_office": True, "row_error": error, "row_done": done,
            "decided": error is None,
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    target_url = request.POST.get("next", "")
    if target_url and url_has_allowed_host_and_scheme(target_url, allowed_hosts={request.get_host()}):
        return redirect(target_url)
    return redirect(reverse("activities:queue"))


def _queue_act(user, target, obj, action, comment):
    if target == "filing":
        if action == "approve":
            return services.filing_approve(actor=user, filing=obj, comment=comment)
        if action == "return":
            return services.filing_return(actor=user, filing=obj, comment=comment)
        if action == "resubmit":
            return services.filing_resubmit(actor=user, filing=obj, comment=comment)
        if action == "withdraw":
            return services.filing_withdraw(actor=user, filing=obj)
        if obj.status == Filing.Status.RETURNED:
            return services.filing_resubmit(actor=user, filing=obj)
        return services.filing_submit(actor=user, filing=obj)
    if action == "approve":
        return record_services.document_approve(actor=user, document=obj, comment=comment)
    if action == "return":
        if not comment:
            raise DomainError(_("Please say why the document is returned."))
        return record_services.document_return(actor=user, document=obj, comment=comment)
    return record_services.document_submit(actor=user, document=obj)


# --- the 备案 notice (发文) -----------------------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def filing_notice(request, pk):
    """The drafted notice of an approved filing: the office, the studio's people and the activity's participants;
    404 for anyone else and for a filing not approved."""
    filing = get_object_or_404(
        Filing.objects.select_related("activity__studio", "activity__organiser__school", "activity__plan"),
        activity_id=pk, status=Filing.Status.APPROVED, doc_number__isnull=False)
    if not notice.can_download_notice(request.user, filing.activity):
        raise Http404
    data = notice.filing_notice_download(user=request.user, filing=filing, request=request)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, notice.notice_filename(filing))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

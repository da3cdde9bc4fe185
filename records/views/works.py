"""Works (成果): record, show, correct and delete a member's own works."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import RuleSettings
from core import pending as pending_uploads
from core.services import DomainError, audit_trail
from core.uploads import WRITING
from studios.access import can_view_personal_record, require_office, today
from studios.models import Studio

from .. import selectors, services
from ..forms import WorkForm
from ..models import Work
from .common import add_error, confirm_delete, own_studios, own_teacher


def _get_work(user, pk) -> Work:
    work = get_object_or_404(Work.objects.select_related("teacher", "studio", "upload"), pk=pk)
    if not can_view_personal_record(user, owner_id=work.teacher_id, studio_id=work.studio_id):
        raise Http404
    return work


def _get_own_work(user, pk) -> Work:
    teacher = own_teacher(user)
    return get_object_or_404(Work.objects.select_related("teacher", "studio", "upload"), pk=pk, teacher=teacher)


def _work_saved_message(request, work: Work) -> None:
    # A .doc/.wps is counted once the transaction has committed (by the worker, or at once without one): the
    # message tells the count as it now stands, or that it is still being worked out.
    work = Work.objects.select_related("upload", "studio", "teacher").get(pk=work.pk)
    parts = [_("Saved as a draft.") if work.status == Work.Status.DRAFT else _("Submitted.")]
    if work.upload is not None and work.upload.conversion == work.upload.Conversion.PENDING:
        messages.info(request, " ".join([*parts, _("The file's character count is being worked out.")]))
        return
    info = selectors.annotate_works([work])[0].counts_for
    if info.chars:
        parts.append(info.chars)
    parts.append(info.text)
    level = messages.success if info.counts else messages.warning
    level(request, " ".join(parts))


@login_required
def work_create(request):
    teacher = own_teacher(request.user)
    studios = own_studios(request.user)
    if not studios:
        raise Http404
    form = WorkForm(request.POST or None, request.FILES or None, studios=studios,
                    initial={"date": today(), "kind": request.GET.get("kind", Work.Kind.PAPER)})
    key = "records:work_create"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = services.work_create(actor=request.user, teacher=teacher, studio=data["studio"], kind=data["kind"],
                                        title=data["title"], date=data["date"],
                                        file=pending_uploads.chosen_file(request, key, data["file"]),
                                        char_count=data["char_count"], submit=request.POST.get("action") == "submit")
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            pending_uploads.forget(request, key)
            _work_saved_message(request, work)
            return redirect("records:work", pk=work.pk)
    return render(request, "records/work_form.html", {"form": form, "title": _("Record a work"),
                                                      "rules": RuleSettings.current(),
                                                      "pending": _kept_file(request, key)})


def _kept_file(request, key):
    """After a refused try, the chosen file is kept for the next one; a fresh visit to the form starts clean."""
    if request.method != "POST":
        pending_uploads.forget(request, key)
        return None
    return pending_uploads.keep(request, key, request.FILES.get("file"), WRITING)


@login_required
def work_detail(request, pk):
    work = _get_work(request.user, pk)
    selectors.annotate_works([work])
    own = getattr(request.user, "teacher", None) == work.teacher
    year = selectors.Calendar().year_of(work.date)
    refusal = services.work_change_refusal(actor=request.user, work=work) if own else None
    return render(request, "records/work_detail.html", {
        "work": work, "own": own, "locked": bool(refusal), "refusal": refusal, "year": year,
        "trail": audit_trail(work),
    })


@login_required
def work_edit(request, pk):
    work = _get_own_work(request.user, pk)
    studios = own_studios(request.user)
    refusal = services.work_change_refusal(actor=request.user, work=work)
    if refusal:
        messages.error(request, refusal)
        return redirect("records:work", pk=work.pk)
    initial = {"kind": work.kind, "title": work.title, "date": work.date, "studio": work.studio_id,
               "char_count": work.char_count if work.char_count_source == Work.CountSource.MANUAL else None}
    form = WorkForm(request.POST or None, request.FILES or None, studios=studios | Studio.objects.filter(
        pk=work.studio_id), initial=initial)
    key = f"records:work_edit:{work.pk}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = services.work_update(actor=request.user, work=work, studio=data["studio"], kind=data["kind"],
                                        title=data["title"], date=data["date"],
                                        file=pending_uploads.chosen_file(request, key, data["file"]),
                                        char_count=data["char_count"], submit=request.POST.get("action") == "submit")
        except (DomainError, ValidationError) as error:
            add_error(form, error)
        else:
            pending_uploads.forget(request, key)
            _work_saved_message(request, work)
            return redirect("records:work", pk=work.pk)
    return render(request, "records/work_form.html", {"form": form, "work": work, "title": _("Edit the work"),
                                                      "rules": RuleSettings.current(),
                                                      "pending": _kept_file(request, key)})


@login_required
def work_delete(request, pk):
    work = _get_own_work(request.user, pk)
    return confirm_delete(
        request, delete=lambda: services.work_delete(actor=request.user, work=work),
        title=_("Delete the work"), object_label=work.title,
        question=_("Delete this work and its file? This cannot be undone."),
        cancel_url=work_url(work), done_url=reverse("records:mine"),
    )


def work_url(work) -> str:
    return reverse("records:work", kwargs={"pk": work.pk})


@login_required
def work_compare(request, pk):
    """A near-copy beside the work it resembles (clarification 10), for the office to decide: the sentences both
    texts hold are marked. In the review queue it fills the preview pane; on its own it is a page."""
    require_office(request.user)
    work = get_object_or_404(Work.objects.select_related("teacher", "studio", "upload", "copy_of__teacher",
                                                         "copy_of__studio", "copy_of__upload"), pk=pk)
    if work.copy_of is None:
        raise Http404
    mine, theirs = selectors.side_by_side(selectors.work_text(work), selectors.work_text(work.copy_of))
    context = {"work": work, "share": f"{(work.copy_similarity or 0):.0%}",
               "sides": [{"work": work, "sentences": mine}, {"work": work.copy_of, "sentences": theirs}]}
    if request.htmx:
        return render(request, "records/_work_compare.html", context)
    return render(request, "records/work_compare.html", context)

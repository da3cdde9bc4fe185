"""Studio documents (工作室材料): drafts, submission and the office's review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.services import DomainError, audit_trail
from studios.access import (
    can_manage_studio,
    get_managed_studio_for_user,
    get_studio_for_user,
    is_office,
    require_office,
)

from .. import services
from ..forms import DocumentEditForm, DocumentForm, ReviewForm
from ..models import StudioDocument
from .common import add_error, confirm_delete


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
            add_error(form, error)
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
            add_error(form, error)
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
            add_error(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("records:document", code=studio.code, pk=document.pk)
    return render(request, "records/form.html", {"form": form, "studio": studio, "title": _("Review the document"),
                                                 "intro": document.title})


@login_required
def document_delete(request, code, pk):
    studio = get_managed_studio_for_user(request.user, code)
    document = _get_document(studio, pk)
    return confirm_delete(
        request, delete=lambda: services.document_delete(actor=request.user, document=document),
        title=_("Delete the document"), object_label=document.title,
        question=_("Delete this document and its file? This cannot be undone."),
        cancel_url=reverse("records:document", kwargs={"code": studio.code, "pk": document.pk}),
        done_url=reverse("records:documents", kwargs={"code": studio.code}),
    )

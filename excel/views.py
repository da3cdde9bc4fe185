import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Upload
from core.services import DomainError, upload_discard
from studios.access import get_managed_studio_for_user, require_office

from . import services
from .exporters import BANNER_EXPORTERS, STUDIO_EXPORTERS, exporter_for
from .forms import ArchiveForm, LedgerConfirmForm, LedgerUploadForm, exporter_form_class
from .importer import LedgerFileError
from .ledger_template import build_template
from .models import ExportJob
from .selectors import jobs_for

SESSION_KEY = "excel_import_upload"


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=services.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def index(request):
    require_office(request.user)
    return render(request, "excel/index.html", {
        "exporters": [(cls, exporter_form_class(cls)()) for cls in BANNER_EXPORTERS],
        "jobs": jobs_for(request.user),
        "upload_form": LedgerUploadForm(),
    })


# --- ledger import ------------------------------------------------------------------------------------------------


def _kept_upload(request):
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Upload.objects.filter(pk=pk, uploaded_by=request.user).first()


@login_required
def import_upload(request):
    require_office(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.ledger_upload_store(user=request.user, uploaded=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            previous = _kept_upload(request)
            if previous is not None:
                upload_discard(previous)
            request.session[SESSION_KEY] = str(upload.pk)
            return redirect("excel:import_preview")
    return render(request, "excel/import.html", {"form": form})


@login_required
def import_preview(request):
    """GET: what the kept workbook would change, with every error. POST: import it (all or nothing)."""
    require_office(request.user)
    upload = _kept_upload(request)
    if upload is None:
        messages.info(request, _("Please upload a ledger workbook first."))
        return redirect("excel:import")
    if request.method == "POST":
        form = LedgerConfirmForm(request.POST)
        if not form.is_valid() or str(form.cleaned_data["upload"]) != str(upload.pk):
            messages.error(request, _("This preview is out of date; please look at it again before importing."))
            return redirect("excel:import_preview")
        try:
            result = services.ledger_import_confirm(actor=request.user, upload=upload, request=request,
                                                    accept_unread=form.cleaned_data["accept_unread"])
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("excel:import")
        if not result.written and result.unread and not result.errors:
            messages.error(request, _("Some sheets or columns of the workbook are not read: please confirm that "
                                      "you have checked them before importing."))
            return render(request, "excel/import_preview.html", {
                "result": result, "upload": upload, "form": LedgerConfirmForm(initial={"upload": upload.pk})})
        if result.written:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("The ledger was imported: %(summary)s")
                             % {"summary": "；".join(result.summary_lines())})
            return redirect("excel:import")
        # The database changed since the preview and the workbook no longer fits: show why.
        return render(request, "excel/import_preview.html", {"result": result, "upload": upload,
                                                             "form": LedgerConfirmForm(initial={"upload": upload.pk})})
    try:
        result = services.ledger_preview(upload=upload)
    except LedgerFileError as error:
        messages.error(request, str(error))
        upload_discard(upload)
        request.session.pop(SESSION_KEY, None)
        return redirect("excel:import")
    return render(request, "excel/import_preview.html", {
        "result": result, "upload": upload, "form": LedgerConfirmForm(initial={"upload": upload.pk}),
    })


@login_required
def template_download(request):
    require_office(request.user)
    buffer = io.BytesIO()
    build_template(buffer)
    return _xlsx_response(buffer.getvalue(), "台账导入模板.xlsx")


# --- exports ------------------------------------------------------------------------------------------------------


def _run_export(request, exporter_cls, *, studio=None, back):
    form = exporter_form_class(exporter_cls)(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        exporter = exporter_cls(options=form.cleaned_data, studio=studio, user=request.user)
        data, job = services.export_start(user=request.user, exporter=exporter, request=request)
        if job is not None:
            return redirect("excel:job", pk=job.pk)
        return _xlsx_response(data, exporter.filename())
    return render(request, "excel/export_form.html", {"exporter": exporter_cls, "form": form, "studio": studio,
                                                      "back": back})


@login_required
def export_run(request, identifier):
    require_office(request.user)
    exporter_cls = exporter_for(identifier)
    if exporter_cls is None or exporter_cls.scope != "banner":
        raise Http404
    return _run_export(request, exporter_cls, back=reverse("excel:index"))


@login_required
def studio_exports(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    return render(request, "excel/studio.html", {
        "studio": studio,
        "exporters": [(cls, exporter_form_class(cls)()) for cls in STUDIO_EXPORTERS],
        # Its own ids: the export forms on the same page have a school_year field too.
        "archive_form": ArchiveForm(auto_id="archive_%s"),
        "jobs": [job for job in jobs_for(request.user) if job.studio_id == studio.pk],
    })


@login_required
def studio_export_run(request, code, identifier):
    studio = get_managed_studio_for_user(request.user, code)
    exporter_cls = exporter_for(identifier)
    if exporter_cls is None or exporter_cls not in STUDIO_EXPORTERS:
        raise Http404
    return _run_export(request, exporter_cls, studio=studio, back=reverse("excel:studio", args=[studio.code]))


@login_required
@require_POST
def archive_create(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a school year."))
        return redirect("excel:studio", code=studio.code)
    job = services.archive_start(user=request.user, studio=studio, school_year=form.cleaned_data["school_year"],
                                 cycle=form.cleaned_data["cycle"], request=request)
    return redirect("excel:job", pk=job.pk)


# --- background jobs ----------------------------------------------------------------------------------------------


def _job_for(request, pk) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("studio"), pk=pk)
    if not services.can_download_job(request.user, job):
        raise Http404
    return job


def _job_state(job: ExportJob) -> dict:
    messages_by_status = {
        ExportJob.Status.QUEUED: _("Waiting to start…"),
        ExportJob.Status.RUNNING: _("Working: %(done)d of %(total)d") % {"done": job.done, "total": job.total},
        ExportJob.Status.DONE: _("Ready: %(name)s") % {"name": job.filename},
        ExportJob.Status.FAILED: _("The job failed. Please try again or tell the administrator."),
    }
    message = messages_by_status[job.status]
    if services.job_waits_for_service(job):
        message = _("The job service is unavailable at the moment. Your request is kept and starts by itself as "
                    "soon as the service is back; you may leave this page.")
    state = {"status": job.status, "progress": job.progress, "done": job.done, "total": job.total,
             "message": str(message), "filename": job.filename}
    if job.status == ExportJob.Status.DONE:
        state["download_url"] = reverse("excel:job_download", args=[job.pk])
    return state


def _retry_waiting(job: ExportJob) -> ExportJob:
    """A job the job service was down for is handed over again when its page is looked at."""
    if services.job_waits_for_service(job):
        services.job_enqueue(job_id=job.pk)
        job.refresh_from_db()
    return job


@login_required
def job_detail(request, pk):
    job = _retry_waiting(_job_for(request, pk))
    return render(request, "excel/job.html", {"job": job, "state": _job_state(job)})


@login_required
def job_progress(request, pk):
    job = _retry_waiting(_job_for(request, pk))
    response = JsonResponse(_job_state(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def job_file(request, pk):
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    services.job_download(user=request.user, job=job, request=request)
    content_type = "application/zip" if job.kind == ExportJob.Kind.ARCHIVE else services.XLSX
    if settings.PRIVATE_FILES_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_ACCEL_PREFIX + job.file.name
    else:
        response = FileResponse(job.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


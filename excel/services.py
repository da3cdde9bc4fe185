"""Writes of the Excel app: the ledger import, exports, background jobs and studio archives."""

from __future__ import annotations

import datetime
import io
import logging
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, upload_create, upload_discard

from .exporters import Exporter, export_subtitle
from .importer import ImportResult, LedgerFileError, check_workbook_upload, ledger_import
from .models import ExportJob
from .writer import Sheet, write_workbook

logger = logging.getLogger(__name__)

# Exports estimated above this many rows are built in the background with a progress bar.
BACKGROUND_ROWS = getattr(settings, "EXCEL_BACKGROUND_ROWS", 3000)
JOB_LIFETIME = datetime.timedelta(hours=getattr(settings, "EXCEL_JOB_HOURS", 24))
# A job still waiting this long is handed to the worker again (its message may have gone with a restarted Redis).
REQUEUE_AFTER = datetime.timedelta(minutes=getattr(settings, "EXCEL_REQUEUE_MINUTES", 15))
# While the job service (Redis) cannot be reached, a waiting job's error field starts with this marker.
QUEUE_DOWN = "queue-unavailable"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- ledger import ------------------------------------------------------------------------------------------------


def ledger_upload_store(*, user, uploaded) -> Upload:
    """Check an uploaded ledger (size, really .xlsx, no zip bomb) and keep it as a private file until the
    person confirms the import. Raises ValidationError with a Chinese message."""
    checked = check_workbook_upload(uploaded)
    return upload_create(checked=checked, original_name=getattr(uploaded, "name", "ledger.xlsx"), user=user)


def _upload_bytes(upload: Upload) -> bytes:
    with upload.file.open("rb") as handle:
        return handle.read()


def ledger_preview(*, upload: Upload) -> ImportResult:
    """What importing this workbook would do; nothing is written."""
    return ledger_import(_upload_bytes(upload), dry_run=True)


def ledger_import_confirm(*, actor, upload: Upload, request=None, accept_unread: bool = False) -> ImportResult:
    """Import the kept workbook, all or nothing; the kept file goes once the import is written.

    A workbook with sheets or columns that are not read (result.unread) is written only with accept_unread: the
    officer has seen the list in the preview and confirmed it."""
    try:
        result = ledger_import(_upload_bytes(upload), actor=actor, file_name=upload.original_name, request=request,
                               accept_unread=accept_unread)
    except LedgerFileError as error:
        raise DomainError(str(error)) from None
    if result.written:
        upload_discard(upload)
    return result


# --- exports ------------------------------------------------------------------------------------------------------


def export_render(exporter: Exporter, target, *, progress=None) -> int:
    """Write the exporter's workbook to target (a path or binary file); returns the data rows written."""
    return write_workbook(target, exporter.sheets(), progress=progress)


def export_start(*, user, exporter: Exporter, request=None) -> tuple[bytes | None, ExportJob | None]:
    """A small export is built at once (bytes); a large one becomes a background job with progress."""
    estimate = exporter.estimate_rows()
    if estimate <= BACKGROUND_ROWS:
        buffer = io.BytesIO()
        export_render(exporter, buffer)
        audit_record(actor=user, action="excel.export", studio=exporter.studio, request=request,
                     data={**exporter.audit_data(), "rows": estimate})
        return buffer.getvalue(), None
    job = _job_create(user=user, kind=ExportJob.Kind.EXPORT, exporter=exporter.identifier,
                      label=str(exporter.verbose_name), studio=exporter.studio, params=_params(exporter.options),
                      total=estimate, request=request)
    return None, job


def _params(options: dict) -> dict:
    params = {}
    for key, value in options.items():
        if hasattr(value, "start_year"):
            params[key] = value.start_year
        elif isinstance(value, datetime.date):
            params[key] = value.isoformat()
        else:
            params[key] = value
    return params


def _options(exporter_cls, params: dict) -> dict:
    from studios.models import SchoolYear

    options = dict(params)
    if "school_year" in options:
        options["school_year"] = SchoolYear.objects.get(start_year=options["school_year"])
    if options.get("as_of"):
        options["as_of"] = datetime.date.fromisoformat(options["as_of"])
    return options


@transaction.atomic
def _job_create(*, user, kind, label, studio=None, exporter="", params=None, total=0, request=None) -> ExportJob:
    jobs_cleanup()
    job = ExportJob.objects.create(user=user, kind=kind, exporter=exporter, label=label, studio=studio,
                                   params=params or {}, total=total, expires_at=timezone.now() + JOB_LIFETIME)
    audit_record(actor=user, action=f"excel.{kind}", target=job, studio=studio, request=request,
                 data={"exporter": exporter, **(params or {})})
    transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id) -> bool:
    """Hand a waiting job to the Celery worker. When the job service cannot be reached the job stays waiting,
    marked so that its page says so and `jobs_requeue` (or the page's next poll) hands it over once the service
    is back; the request that asked for it never fails. Returns whether the job was handed over."""
    from .tasks import run_job

    try:
        run_job.delay(str(job_id))
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, a timeout…
        logger.warning("excel job %s could not be queued, it waits for the job service: %s", job_id, error)
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            error=f"{QUEUE_DOWN}: {error}"[:1000])
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED, error__startswith=QUEUE_DOWN).update(
        error="")
    return True


def job_waits_for_service(job: ExportJob) -> bool:
    return job.status == ExportJob.Status.QUEUED and job.error.startswith(QUEUE_DOWN)


def jobs_requeue(*, now=None) -> int:
    """Hand waiting jobs to the worker again: at once those the job service was down for, and any job still
    waiting after REQUEUE_AFTER. A job is claimed once (job_run), so a second message for it does nothing.
    Stops at the first failure (the service is still down). Returns how many were handed over."""
    now = now or timezone.now()
    waiting = ExportJob.objects.filter(status=ExportJob.Status.QUEUED).filter(
        Q(error__startswith=QUEUE_DOWN) | Q(created_at__lte=now - REQUEUE_AFTER)).order_by("created_at")
    handed = 0
    for job_id in list(waiting.values_list("pk", flat=True)):
        if not job_enqueue(job_id=job_id):
            break
        handed += 1
    return handed


def _progress_updater(job: ExportJob):
    def update(done: int):
        percent = min(99, int(done * 100 / job.total)) if job.total else 0
        ExportJob.objects.filter(pk=job.pk).update(done=done, progress=percent)

    return update


def job_run(*, job_id) -> ExportJob:
    """Build a job's file (called by the Celery task, or in-process without Redis)."""
    job = ExportJob.objects.select_related("studio", "user").get(pk=job_id)
    # Claim the job: of two messages for one job (a re-queue after an outage) only the first builds it.
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, error="")
    if not claimed:
        job.refresh_from_db()
        return job
    try:
        build = _archive_build if job.kind == ExportJob.Kind.ARCHIVE else _export_build
        with tempfile.TemporaryFile() as handle:
            filename = build(job, handle)
            handle.seek(0)
            job.file.save(f"{job.pk}{PurePosixPath(filename).suffix}", File(handle), save=False)
    except Exception as error:  # the job reports any failure to the person instead of vanishing
        logger.exception("excel job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(error)[:1000],
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    job.filename = filename
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "progress", "finished_at"])
    return job


def _export_build(job: ExportJob, handle) -> str:
    from .exporters import exporter_for

    exporter_cls = exporter_for(job.exporter)
    exporter = exporter_cls(options=_options(exporter_cls, job.params), studio=job.studio, user=job.user)
    export_render(exporter, handle, progress=_progress_updater(job))
    return exporter.filename()


def job_download(*, user, job: ExportJob, request=None) -> None:
    """Record the download of a job's file (the view has checked who may)."""
    audit_record(actor=user, action="excel.download", target=job, studio=job.studio, request=request,
                 data={"exporter": job.exporter, "kind": job.kind, "file": job.filename})


def can_download_job(user, job: ExportJob) -> bool:
    # The person who started it only: an export holds personal data, which no administrator reads (三员分立).
    return user.is_authenticated and job.user_id == user.pk


def jobs_cleanup(*, now=None) -> int:
    """Delete expired jobs and their files; returns how many went."""
    now = now or timezone.now()
    expired = list(ExportJob.objects.filter(expires_at__lte=now))
    for job in expired:
        if job.file:
            name, storage = job.file.name, job.file.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        job.delete()
    return len(expired)


# --- studio archive (十八.3) -----------------------------------------------------------------------------------------


def archive_start(*, user, studio, school_year, cycle: bool, request=None) -> ExportJob:
    """Queue the archive of a studio's school year (or of the cycle containing it) as a background job."""
    what = _("cycle archive") if cycle else _("archive of %(year)s") % {"year": school_year.label}
    return _job_create(user=user, kind=ExportJob.Kind.ARCHIVE, label=f"{studio.name} · {what}", studio=studio,
                       params={"school_year": school_year.start_year, "cycle": bool(cycle)}, request=request)


@dataclass
class ArchiveEntry:
    path: str
    upload: Upload
    category: str
    ref: str
    record: str
    teacher: str
    date: datetime.date | None


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
DOCUMENT_FOLDERS = {"work_plan": "年度工作计划", "annual_summary": "年度总结", "training_plan": "培养计划",
                    "research_report": "研究报告", "survey_report": "调研报告"}


def _safe(name: str, limit: int = 60) -> str:
    name = _UNSAFE.sub("_", str(name or "")).strip().strip(".") or "未命名"
    return name[:limit]


def _extension(upload: Upload) -> str:
    return PurePosixPath(upload.original_name).suffix.lower() or PurePosixPath(upload.file.name).suffix.lower()


def archive_years(studio, school_year, cycle: bool):
    from studios.models import Cycle, SchoolYear

    if not cycle:
        return [school_year]
    found = (Cycle.objects.filter(studio=studio, start_year__start_year__lte=school_year.start_year,
                                  start_year__start_year__gt=school_year.start_year - Cycle.YEARS)
             .select_related("start_year").first())
    if found is None:
        return [school_year]
    return [SchoolYear.get_or_create_for(year) for year in found.start_years()]


def archive_entries(studio, years) -> list[ArchiveEntry]:
    """Every file of the studio in these school years, with a readable Chinese path in the ZIP."""
    from activities.models import Activity
    from records.models import FundEntry, ResearchProject, StudioDocument, TaskAssignment, Work

    from . import ledger as L

    first, last = years[0].start, years[-1].end

    def year_of(day):
        for year in years:
            if year.start <= day <= year.end:
                return year.label
        return years[0].label if day < first else years[-1].label

    entries = []

    def add(folder, stem, upload, category, ref, record, teacher="", day=None):
        if upload is not None:
            entries.append(ArchiveEntry(path=f"{folder}/{_safe(stem, 80)}{_extension(upload)}", upload=upload,
                                        category=category, ref=ref, record=record, teacher=teacher, date=day))

    for work in Work.objects.filter(studio=studio, date__range=(first, last), upload__isnull=False).select_related(
            "teacher", "upload").order_by("date", "id"):
        kind = L.label_for(L.WORK_KINDS, work.kind)
        add(f"{year_of(work.date)}/成果/{kind}", f"{work.teacher.name}-{work.title}", work.upload, f"成果·{kind}",
            work.ref, work.title, work.teacher.name, work.date)
    for document in StudioDocument.objects.filter(studio=studio, school_year__in=years, upload__isnull=False) \
            .select_related("school_year", "upload").order_by("school_year__start_year", "kind", "id"):
        kind = DOCUMENT_FOLDERS.get(document.kind, document.kind)
        add(f"{document.school_year.label}/工作室材料/{kind}", document.title, document.upload, f"工作室材料·{kind}",
            document.ref, document.title, day=document.submitted_on)
    projects = ResearchProject.objects.filter(studio=studio, approved_on__lte=last).exclude(
        concluded_on__lt=first).select_related("leader", "approval_document", "conclusion_document")
    for project in projects.order_by("approved_on", "id"):
        folder = f"{year_of(max(project.approved_on, first))}/课题/{_safe(project.title)}"
        add(folder, f"{project.title}-立项", project.approval_document, "课题·立项", project.ref, project.title,
            project.leader.name, project.approved_on)
        add(folder, f"{project.title}-结题", project.conclusion_document, "课题·结题", project.ref, project.title,
            project.leader.name, project.concluded_on)
    activities = Activity.objects.filter(studio=studio, date__range=(first, last)).select_related(
        "plan", "minutes", "signin_sheet", "organiser").prefetch_related("photos__upload").order_by("date", "id")
    for activity in activities:
        folder = f"{year_of(activity.date)}/活动/{activity.date:%Y-%m-%d}-{_safe(activity.title)}"
        organiser = activity.organiser.name if activity.organiser else ""
        for label, upload in (("活动方案", activity.plan), ("活动记录", activity.minutes),
                              ("签到表", activity.signin_sheet)):
            add(folder, label, upload, f"活动·{label}", activity.ref, activity.title, organiser, activity.date)
        for number, photo in enumerate(activity.photos.all(), start=1):
            add(folder, f"照片-{number}", photo.upload, "活动·照片", activity.ref, activity.title, organiser,
                activity.date)
    for assignment in TaskAssignment.objects.filter(task__studio=studio, task__due_on__range=(first, last),
                                                    upload__isnull=False).select_related("task", "teacher", "upload"):
        task = assignment.task
        add(f"{year_of(task.due_on)}/任务/{_safe(task.title)}", assignment.teacher.name, assignment.upload, "任务",
            task.ref, task.title, assignment.teacher.name, assignment.completed_on or task.due_on)
    for entry in FundEntry.objects.filter(studio=studio, school_year__in=years, receipt__isnull=False).select_related(
            "school_year", "receipt").order_by("date", "id"):
        kind = L.label_for(L.FUND_KINDS, entry.kind)
        add(f"{entry.school_year.label}/经费", f"{entry.date:%Y-%m-%d}-{kind}-{entry.amount}元-{entry.description}",
            entry.receipt, f"经费·{kind}", entry.ref, entry.description or kind, day=entry.date)
    seen = set()
    for entry in entries:  # two files with one name: 名称（2）.docx
        path, number = entry.path, 2
        stem, suffix = (path[: -len(PurePosixPath(path).suffix)], PurePosixPath(path).suffix) if PurePosixPath(
            path).suffix else (path, "")
        while path in seen:
            path = f"{stem}（{number}）{suffix}"
            number += 1
        seen.add(path)
        entry.path = path
    return entries


INDEX_NAME = "档案索引.xlsx"


def _archive_build(job: ExportJob, handle) -> str:
    from studios.models import SchoolYear

    studio = job.studio
    school_year = SchoolYear.objects.get(start_year=job.params["school_year"])
    years = archive_years(studio, school_year, job.params.get("cycle", False))
    entries = archive_entries(studio, years)
    job.total = len(entries) + 1
    ExportJob.objects.filter(pk=job.pk).update(total=job.total)
    update = _progress_updater(job)
    index_rows = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, entry in enumerate(entries, start=1):
            try:
                with entry.upload.file.open("rb") as source, archive.open(entry.path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
                note = ""
            except (FileNotFoundError, OSError):
                note = "文件缺失，未能归档"
            index_rows.append([entry.path, entry.category, entry.ref, entry.record, entry.teacher, entry.date,
                               entry.upload.original_name, entry.upload.size, note])
            update(number)
        index = io.BytesIO()
        label = years[0].label if len(years) == 1 else f"{years[0].label} 至 {years[-1].label}"
        unit = f"{settings.BUREAU_NAME} · {studio.name}（{studio.code}）"
        write_workbook(index, [Sheet(
            name="档案索引",
            headers=["文件", "类别", "记录编号", "记录", "教师", "日期", "原文件名", "大小（字节）", "备注"],
            rows=index_rows, printable=True, unit=unit, freeze_columns=1,
            title=f"{settings.BUREAU_NAME} {studio.name}（{studio.code}）档案索引（{label}）",
            subtitle=f"共 {len(index_rows)} 个文件　{export_subtitle(unit)}")])
        archive.writestr(INDEX_NAME, index.getvalue())
    suffix = "周期档案" if job.params.get("cycle") else f"{school_year.label}档案"
    return f"{_safe(studio.name)}-{suffix}.zip"

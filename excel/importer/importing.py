"""The import itself: read, check everything, then write everything (see the package docstring)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from activities.models import Activity, Attendance, DocumentNumberCounter, Filing
from core.services import audit_record
from members.models import School, Teacher, Title, User
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)
from studios.models import Cycle, Membership, SchoolYear, Studio

from .. import ledger as L
from .activity_sheets import ActivitySheets
from .formats import not_xlsx_message, spreadsheet_kind
from .people_sheets import PeopleSheets
from .reading import Reader
from .record_sheets import RecordSheets
from .results import ImportResult, LedgerError, SheetCounts

BATCH = 500


class LedgerImport(PeopleSheets, ActivitySheets, RecordSheets):
    """Plan every sheet in order, then write the plan."""

    def plan(self):
        self.load()
        self.plan_teachers()
        self.plan_studios()
        self.plan_memberships()
        self.plan_studio_hosts()
        self.plan_titles()
        self.plan_projects()
        self.plan_activities()
        self.plan_attendance()
        self.plan_works()
        self.plan_mentoring()
        self.plan_tasks()
        self.plan_documents()
        self.plan_funds()
        self.plan_evaluations()
        self.guard_frozen_rows()

    WRITE_ORDER = (SchoolYear, School, User, Teacher, Studio, Cycle, Membership, Title, ResearchProject, Activity,
                   Filing, Attendance, Work, MentoringPair, Task, TaskAssignment, StudioDocument, FundEntry,
                   HostEvaluation)

    def write(self):
        plan = self.plan_
        for filing in plan.delete_filings:
            filing.delete()
        for model in self.WRITE_ORDER:
            objects = plan.create.get(model, [])
            if objects:
                for obj in objects:
                    # Parents were created just before: copy their new ids onto the foreign keys.
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                model.objects.bulk_create(objects, batch_size=BATCH)
            updates = list(plan.update.get(model, {}).values())
            if updates:
                for obj in updates:
                    obj._prepare_related_fields_for_save(operation_name="bulk_update")
                model.objects.bulk_update(updates, sorted(plan.update_fields[model]), batch_size=BATCH)
        self.move_document_counters()
        through = ResearchProject.participants.through
        if plan.participants:
            through.objects.filter(researchproject_id__in=[p.pk for p, _people in plan.participants]).delete()
            through.objects.bulk_create([
                through(researchproject_id=project.pk, teacher_id=teacher.pk)
                for project, people in plan.participants for teacher in people
            ], batch_size=BATCH)
        # Bulk writes send no signals: every stored assessment result may read what was imported.
        from assessments.results import results_mark_stale

        results_mark_stale(studio_ids=None)


    def move_document_counters(self):
        """Importing approved filings moves each year's document-number counter past the highest number imported
        (ledger-workbook.md, clarifications): later approvals in the app never collide with them."""
        top: dict[int, int] = {}
        for filing in [*self.plan_.create.get(Filing, []), *self.plan_.update.get(Filing, {}).values()]:
            if filing.status == Filing.Status.APPROVED and filing.doc_year and filing.doc_seq:
                top[filing.doc_year] = max(top.get(filing.doc_year, 0), filing.doc_seq)
        if not top:
            return
        DocumentNumberCounter.objects.bulk_create([DocumentNumberCounter(year=year) for year in top],
                                                  ignore_conflicts=True)
        for counter in DocumentNumberCounter.objects.select_for_update().filter(year__in=list(top)):
            if counter.last_seq < top[counter.year]:
                DocumentNumberCounter.objects.filter(pk=counter.pk).update(last_seq=top[counter.year])


def ledger_import(data: bytes, *, actor=None, dry_run: bool = False, file_name: str = "",
                  request=None, accept_unread: bool = True) -> ImportResult:
    """Read, check and (unless dry_run or on any error) write a ledger workbook. See the module docstring.

    Sheets and columns the import does not read are in result.unread (names.Unread, with the nearest known name).
    With accept_unread=False a workbook that has any is not written (result.written stays False): the page writes
    only once the officer has confirmed them, the command with --strict refuses them.

    Raises LedgerFileError when the file is not a readable workbook at all (with what it is, when it is a
    spreadsheet in another format)."""
    result = ImportResult(dry_run=dry_run)
    errors: list[LedgerError] = []
    reader = Reader(errors)
    sheets = reader.read(data, name=file_name)
    result.unread = reader.unread
    for spec in L.SHEETS:
        if spec.name in sheets:
            result.counts[spec.name] = SheetCounts()
    job = LedgerImport(sheets, errors, result)
    job.plan()
    result.errors = sorted(errors, key=lambda e: (_sheet_order(e.sheet), e.row, e.column))
    if errors or dry_run or (result.unread and not accept_unread):
        return result
    with transaction.atomic():
        job.write()
        audit_record(actor=actor, action="ledger.import", data={"file": file_name, **result.as_dict()},
                     request=request)
    result.written = True
    return result


def _sheet_order(name: str) -> int:
    return next((index for index, spec in enumerate(L.SHEETS) if spec.name == name), len(L.SHEETS))


def check_workbook_upload(uploaded):
    """Guard an uploaded ledger before any XML is parsed: size, the content really is .xlsx, no zip bomb.

    openpyxl parses through defusedxml when it is installed (it is: requirements.txt), so entity expansion is off.
    Returns core.uploads.CheckedFile; raises ValidationError with a Chinese message, which for a spreadsheet in
    another format (.xls, .et, .ods, .csv: told by content, not by name) says how to save it as .xlsx."""
    from django.core.exceptions import ValidationError

    from core.uploads import SPREADSHEET, check_upload

    try:
        return check_upload(uploaded, SPREADSHEET)
    except ValidationError as error:
        if getattr(error, "code", None) != "type":
            raise
        uploaded.seek(0)
        message = not_xlsx_message(spreadsheet_kind(uploaded.read(settings.UPLOAD_MAX_BYTES),
                                                    getattr(uploaded, "name", "") or ""))
        if message is None:
            raise
        raise ValidationError(message, code="type") from None

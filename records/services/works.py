"""Works (成果): a member's works, their character counts, and the year lock they respect."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, upload_create, upload_discard
from core.uploads import NEEDS_CONVERSION, WRITING, check_upload, count_chars, extract_text
from studios.access import today
from studios.models import SchoolYear

from ..models import Work, YearLock
from ..selectors import threshold_for
from .common import check_member


def _year_locked(studio, day) -> SchoolYear | None:
    """The school year of this day, if it is locked for the studio."""
    year = SchoolYear.objects.filter(start__lte=day, end__gte=day).first()
    if year is not None and YearLock.objects.filter(studio=studio, school_year=year).exists():
        return year
    return None


def _refuse_if_locked(work: Work) -> None:
    if work.status != Work.Status.SUBMITTED:
        return
    year = _year_locked(work.studio, work.date)
    if year is not None:
        raise DomainError(_("School year %(year)s is locked; its works can no longer be changed.")
                          % {"year": year.label})


def _read_writing(file) -> tuple:
    """Check a writing file and count its characters before anything is stored."""
    checked = check_upload(file, WRITING)
    text = extract_text(checked)
    return checked, (count_chars(text) if text is not None else None)


def _settle_count(*, file_count, has_text_layer: bool, has_file: bool, typed: int | None):
    """(count, source) from the file's count and what the person typed; refuses a typed count above the file's."""
    if has_file and has_text_layer:
        if typed is not None and typed > file_count:
            raise DomainError(
                _("The count you typed (%(typed)s) is higher than the file holds (%(file)s characters).")
                % {"typed": f"{typed:,}", "file": f"{file_count:,}"}
            )
        return (typed if typed is not None else file_count), Work.CountSource.FILE
    if typed is not None:
        return typed, Work.CountSource.MANUAL
    return None, ""


def _save_work(*, actor, work: Work, file, char_count, submit: bool, creating: bool) -> Work:
    new_upload = None
    old_upload = None
    if file is not None:
        checked, file_count = _read_writing(file)
        has_text = file_count is not None
        has_file = True
        counting = checked.kind in NEEDS_CONVERSION
    else:
        file_count = work.upload.text_chars if work.upload_id else None
        has_text = file_count is not None
        has_file = work.upload_id is not None
        counting = has_file and work.upload.conversion == Upload.Conversion.PENDING
        if has_file and not has_text and char_count is None and work.char_count_source == Work.CountSource.MANUAL:
            char_count = work.char_count  # a scan keeps the count typed for it before
    count, source = _settle_count(file_count=file_count, has_text_layer=has_text, has_file=has_file,
                                  typed=char_count)
    target_status = Work.Status.SUBMITTED if submit or work.status == Work.Status.SUBMITTED else Work.Status.DRAFT
    if target_status == Work.Status.SUBMITTED:
        if not has_file:
            raise DomainError(_("Attach the file before submitting the work."))
        # A .doc or .wps is counted by the worker a moment later (work_file_counted): no need to type it.
        if count is None and not counting and threshold_for(work.kind, _rules()) is not None:
            raise DomainError(_("This file has no text layer (a scan): type its character count to submit it."))
        year = _year_locked(work.studio, work.date)
        if year is not None:
            raise DomainError(_("School year %(year)s is locked; its works can no longer be changed.")
                              % {"year": year.label})
    if file is not None:
        new_upload = upload_create(checked=checked, original_name=file.name, user=actor, studio=work.studio,
                                   owner=work.teacher, visibility=Upload.Visibility.OWNER, count_text=True)
        old_upload = work.upload
        work.upload = new_upload
    previous = "" if creating else work.status
    work.char_count = count
    work.char_count_source = source
    work.status = target_status
    work.save()
    upload_discard(old_upload)
    if creating:
        audit_record(actor=actor, action="work.create", target=work, studio=work.studio, to_state=work.status,
                     data={"char_count": count, "source": source})
    elif previous != work.status:
        audit_record(actor=actor, action="work.submit", target=work, studio=work.studio, from_state=previous,
                     to_state=work.status, data={"char_count": count, "source": source})
    else:
        audit_record(actor=actor, action="work.update", target=work, studio=work.studio,
                     data={"char_count": count, "source": source, "file_replaced": old_upload is not None})
    return work


def _rules():
    from assessments.models import RuleSettings

    return RuleSettings.current()


def _check_work_fields(*, kind, title, date) -> None:
    if kind not in Work.Kind.values:
        raise DomainError(_("Unknown kind of work."))
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    if date is None:
        raise DomainError(_("Please give the date."))
    if date > today():
        raise DomainError(_("The date cannot be in the future."))


@transaction.atomic
def work_create(*, actor, teacher, studio, kind: str, title: str, date, file=None, char_count: int | None = None,
                submit: bool = False) -> Work:
    """A member's work, saved as a draft or submitted; the count comes from the file when it has text."""
    _check_work_fields(kind=kind, title=title, date=date)
    check_member(teacher, studio)
    work = Work(teacher=teacher, studio=studio, kind=kind, title=title.strip(), date=date, status=Work.Status.DRAFT)
    return _save_work(actor=actor, work=work, file=file, char_count=char_count, submit=submit, creating=True)


@transaction.atomic
def work_update(*, actor, work: Work, kind: str, title: str, date, studio=None, file=None,
                char_count: int | None = None, submit: bool = False) -> Work:
    """The author corrects a draft, or a submitted work while its school year is not locked."""
    work = Work.objects.select_for_update(of=("self",)).select_related("studio", "teacher", "upload").get(pk=work.pk)
    _refuse_if_locked(work)
    _check_work_fields(kind=kind, title=title, date=date)
    if studio is not None and studio.pk != work.studio_id:
        check_member(work.teacher, studio)
        work.studio = studio
    work.kind, work.title, work.date = kind, title.strip(), date
    return _save_work(actor=actor, work=work, file=file, char_count=char_count, submit=submit, creating=False)


@transaction.atomic
def work_file_counted(*, upload: Upload) -> list[Work]:
    """The worker has read a .doc or .wps (core.services.upload_read): the works holding it take the file's
    count, as if it had been counted on upload — a typed count stands only when the file holds at least that."""
    changed = []
    for work in Work.objects.select_for_update().filter(upload=upload).select_related("studio"):
        typed = work.char_count if work.char_count_source == Work.CountSource.MANUAL else None
        count = typed if typed is not None and typed <= upload.text_chars else upload.text_chars
        previous = work.char_count
        work.char_count, work.char_count_source = count, Work.CountSource.FILE
        work.save(update_fields=["char_count", "char_count_source"])
        audit_record(actor=None, action="work.count_from_file", target=work, studio=work.studio,
                     data={"char_count": count, "typed": typed, "before": previous, "file": upload.text_chars})
        changed.append(work)
    return changed


@transaction.atomic
def work_delete(*, actor, work: Work) -> None:
    work = Work.objects.select_for_update().select_related("studio").get(pk=work.pk)
    _refuse_if_locked(work)
    audit_record(actor=actor, action="work.delete", target=work, studio=work.studio, from_state=work.status)
    upload = work.upload
    work.delete()
    upload_discard(upload)

"""Works (成果): a member's works, their character counts, one file one count, near-copies, frozen years."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, audit_record, upload_create, upload_discard
from core.uploads import NEEDS_CONVERSION, WRITING, check_upload, count_chars, extract_text
from studios.access import today

from .. import similarity
from ..models import Work, WorkBand, WorkFingerprint
from ..selectors import threshold_for
from .common import check_member
from .duties import require_active_in
from .frozen import guard_frozen


def _refuse_duplicate(digest: str, work: Work) -> None:
    """One file, one count (clarification 10): a file that is already another work's is refused, naming it."""
    first = (Work.objects.filter(content_hash=digest).exclude(pk=work.pk)
             .select_related("teacher", "studio").first())
    if first is not None:
        raise DomainError(
            _("This file has already been handed in as the work “%(title)s” (%(ref)s, %(author)s, %(studio)s): "
              "the same file counts once only.")
            % {"title": first.title, "ref": first.ref, "author": first.teacher.name, "studio": first.studio.name}
        )


def _read_writing(file) -> tuple:
    """Check a writing file, read its text and count its characters before anything is stored."""
    checked = check_upload(file, WRITING)
    text = extract_text(checked)
    return checked, text, (count_chars(text) if text is not None else None)


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
    text = None
    if file is not None:
        checked, text, file_count = _read_writing(file)
        has_text = file_count is not None
        has_file = True
        _refuse_duplicate(hashlib.sha256(checked.data).hexdigest(), work)
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
    if file is not None:
        new_upload = upload_create(checked=checked, original_name=file.name, user=actor, studio=work.studio,
                                   owner=work.teacher, visibility=Upload.Visibility.OWNER, count_text=True)
        old_upload = work.upload
        work.upload = new_upload
        work.content_hash = new_upload.sha256
    previous = "" if creating else work.status
    if source == Work.CountSource.MANUAL:
        if (work.char_count, work.char_count_source) != (count, source) or not work.count_check:
            work.count_check = Work.Check.PENDING  # a count typed by hand waits for the office (待核实)
    else:
        work.count_check = Work.Check.NONE
    work.char_count = count
    work.char_count_source = source
    work.status = target_status
    try:
        with transaction.atomic():
            work.save()
    except IntegrityError:  # another work took the same file at the same moment
        _refuse_duplicate(work.content_hash, work)
        raise
    upload_discard(old_upload)
    if file is not None:
        _compare(work, text)
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


def _compare(work: Work, text: str | None) -> None:
    """Store the work's fingerprint and mark it a near-copy of the most similar earlier work of the banner, if any
    shares at least NEAR_COPY_SHARE of its shingles (clarification 10): the office sees both side by side."""
    WorkBand.objects.filter(work=work).delete()
    WorkFingerprint.objects.filter(work=work).delete()
    found = similarity.fingerprint(text)
    fields = {"copy_of": None, "copy_similarity": None, "copy_check": Work.Check.NONE}
    if found is not None:
        WorkFingerprint.objects.create(work=work, signature=list(found.signature), shingles=found.shingles)
        bands = found.bands()
        WorkBand.objects.bulk_create([WorkBand(work=work, band=band, value=value) for band, value in bands])
        wanted = set(bands)
        candidates = {
            work_id for work_id, band, value in
            WorkBand.objects.filter(value__in=[value for _band, value in bands]).exclude(work=work)
            .values_list("work_id", "band", "value")
            if (band, value) in wanted
        }
        best = None
        for other_id, signature, shingles in (WorkFingerprint.objects.filter(work_id__in=candidates)
                                              .values_list("work_id", "signature", "shingles")):
            share = similarity.shared_share(found, similarity.Fingerprint(tuple(signature), shingles))
            if share >= similarity.NEAR_COPY_SHARE and (best is None or share > best[1]):
                best = (other_id, share)
        if best is not None:
            fields = {"copy_of_id": best[0], "copy_similarity": round(best[1], 3), "copy_check": Work.Check.PENDING}
    Work.objects.filter(pk=work.pk).update(**fields)
    for name, value in fields.items():
        setattr(work, name, value)
    if fields["copy_check"] == Work.Check.PENDING:
        audit_record(actor=None, action="work.near_copy", target=work, studio=work.studio, to_state="pending",
                     data={"copy_of": work.copy_of_id, "share": work.copy_similarity})


def work_change_refusal(*, actor, work: Work) -> str | None:
    """Why ``actor`` may not change this work now (its year is frozen, or they have left the studio), or None: the
    same checks the services make, for pages to say so before the person fills in a form."""
    try:
        require_active_in(actor, work.studio)
        guard_frozen(studio=work.studio, days=[work.date])
    except DomainError as error:
        return str(error)
    return None


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
    require_active_in(actor, studio)
    guard_frozen(studio=studio, days=[date])
    work = Work(teacher=teacher, studio=studio, kind=kind, title=title.strip(), date=date, status=Work.Status.DRAFT)
    return _save_work(actor=actor, work=work, file=file, char_count=char_count, submit=submit, creating=True)


@transaction.atomic
def work_update(*, actor, work: Work, kind: str, title: str, date, studio=None, file=None,
                char_count: int | None = None, submit: bool = False) -> Work:
    """The author corrects a draft, or a submitted work while its school year is not locked."""
    work = Work.objects.select_for_update(of=("self",)).select_related("studio", "teacher", "upload").get(pk=work.pk)
    require_active_in(actor, work.studio)
    guard_frozen(studio=work.studio, days=[work.date, date])
    _check_work_fields(kind=kind, title=title, date=date)
    if studio is not None and studio.pk != work.studio_id:
        check_member(work.teacher, studio)
        require_active_in(actor, studio)
        guard_frozen(studio=studio, days=[date])
        work.studio = studio
    work.kind, work.title, work.date = kind, title.strip(), date
    return _save_work(actor=actor, work=work, file=file, char_count=char_count, submit=submit, creating=False)


@transaction.atomic
def work_file_counted(*, upload: Upload) -> list[Work]:
    """The worker has read a .doc or .wps (core.services.upload_read): the works holding it take the file's
    count, as if it had been counted on upload — a typed count stands only when the file holds at least that."""
    changed = []
    for work in Work.objects.select_for_update(of=("self",)).filter(upload=upload).select_related("studio"):
        typed = work.char_count if work.char_count_source == Work.CountSource.MANUAL else None
        count = typed if typed is not None and typed <= upload.text_chars else upload.text_chars
        previous = work.char_count
        work.char_count, work.char_count_source = count, Work.CountSource.FILE
        work.count_check = Work.Check.NONE  # the file's own count: nothing left for the office to verify
        work.save(update_fields=["char_count", "char_count_source", "count_check"])
        audit_record(actor=None, action="work.count_from_file", target=work, studio=work.studio,
                     data={"char_count": count, "typed": typed, "before": previous, "file": upload.text_chars})
        changed.append(work)
    return changed


@transaction.atomic
def work_delete(*, actor, work: Work) -> None:
    work = Work.objects.select_for_update(of=("self",)).select_related("studio").get(pk=work.pk)
    require_active_in(actor, work.studio)
    guard_frozen(studio=work.studio, days=[work.date])
    audit_record(actor=actor, action="work.delete", target=work, studio=work.studio, from_state=work.status)
    upload = work.upload
    work.delete()
    upload_discard(upload)

"""A member's .wps or .doc paper is counted by the worker a moment after upload; a scan's text is recognised
(识别中, then the recognised count); the work's page shows each state and the document's pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry, Upload
from core.tests import layouts
from records import services
from records.models import Work

DAY = datetime.date(2026, 3, 1)


def _create(member, studio, name, data, *, char_count=None, capture):
    with capture(execute=True):
        work = services.work_create(actor=member.user, teacher=member, studio=studio, kind=Work.Kind.PAPER,
                                    title="整本书阅读", date=DAY, file=SimpleUploadedFile(name, data),
                                    char_count=char_count, submit=True)
    work.refresh_from_db()
    return work


def test_a_wps_paper_is_submitted_without_typing_and_takes_the_files_count(
        banner, years, django_capture_on_commit_callbacks):
    member = banner.a.members[0]
    work = _create(member, banner.a.studio, "论文.wps", layouts.converted("footnotes", "wps"),
                   capture=django_capture_on_commit_callbacks)
    assert work.status == Work.Status.SUBMITTED
    assert (work.char_count, work.char_count_source) == (layouts.LAYOUTS["footnotes"][1], Work.CountSource.FILE)
    assert work.upload.original_name == "论文.wps" and work.upload.conversion == ""
    assert AuditEntry.objects.filter(action="work.count_from_file", target_id=str(work.pk)).exists()


def test_a_count_typed_above_what_the_wps_holds_gives_way_to_the_files(
        banner, years, django_capture_on_commit_callbacks):
    work = _create(banner.a.members[0], banner.a.studio, "论文.doc", layouts.converted("text-box", "doc"),
                   char_count=5000, capture=django_capture_on_commit_callbacks)
    assert (work.char_count, work.char_count_source) == (layouts.LAYOUTS["text-box"][1], Work.CountSource.FILE)


def test_a_wps_that_cannot_be_read_says_so_and_keeps_the_typed_count(
        banner, years, django_capture_on_commit_callbacks, client_for):
    from core.uploads import OLE_MAGIC, WORD_STREAM

    broken = OLE_MAGIC + bytes(500) + WORD_STREAM + bytes(range(256)) * 12  # a Word file's marks, nothing inside
    member = banner.a.members[0]
    work = _create(member, banner.a.studio, "论文.wps", broken, char_count=3000,
                   capture=django_capture_on_commit_callbacks)
    assert work.upload.conversion == Upload.Conversion.FAILED
    assert (work.char_count, work.char_count_source) == (3000, Work.CountSource.MANUAL)
    page = client_for(member.user).get(reverse("records:work", args=[work.pk])).content.decode()
    assert 'data-testid="count-failed"' in page


def test_the_work_page_says_counting_while_the_worker_has_not_read_it(banner, years, client_for):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                title="整本书阅读", date=DAY, submit=True,
                                file=SimpleUploadedFile("论文.wps", layouts.converted("footnotes", "wps")))
    assert work.upload.conversion == Upload.Conversion.PENDING  # the commit (and so the worker) has not come
    page = client_for(member.user).get(reverse("records:work", args=[work.pk])).content.decode()
    assert 'data-testid="count-pending"' in page and "统计中" in page and 'hx-trigger="load delay:2s"' in page


def test_a_scanned_pdf_is_recognised_and_shows_the_recognised_count(
        banner, years, django_capture_on_commit_callbacks, client_for):
    member = banner.a.members[0]
    work = _create(member, banner.a.studio, "扫描件.pdf", layouts.scan("pdf"), char_count=135,
                   capture=django_capture_on_commit_callbacks)
    upload = work.upload
    assert upload.text_chars is None and upload.ocr_status == Upload.Recognition.DONE
    assert abs(upload.ocr_chars - 135) <= 3  # a clean 150 dpi scan reads (almost) exactly
    assert (work.char_count, work.char_count_source) == (135, Work.CountSource.MANUAL)
    page = client_for(member.user).get(reverse("records:work", args=[work.pk])).content.decode()
    assert 'data-testid="ocr-chars"' in page and str(upload.ocr_chars) in page


def test_a_photo_of_a_page_waits_as_recognising_before_the_worker_reads_it(banner, years, client_for):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio,
                                kind=Work.Kind.REFLECTION, title="反思", date=DAY, char_count=135, submit=True,
                                file=SimpleUploadedFile("照片.png", layouts.scan("png")))
    assert work.upload.ocr_status == Upload.Recognition.PENDING
    page = client_for(member.user).get(reverse("records:work", args=[work.pk])).content.decode()
    assert 'data-testid="ocr-pending"' in page and "识别中" in page


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_text_document_is_counted_at_once_and_needs_no_worker(banner, years, kind):
    from records.tests.samples import make_docx, make_pdf

    data = make_docx("研" * 30) if kind == "docx" else make_pdf("研" * 30)
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                title="论文", date=DAY, file=SimpleUploadedFile(f"a.{kind}", data), submit=True)
    assert (work.char_count, work.upload.conversion, work.upload.ocr_status) == (30, "", "")


def test_after_a_refused_try_the_chosen_file_is_kept_for_the_next(banner, years, client_for):
    from records.tests.samples import make_docx

    member = banner.a.members[0]
    client = client_for(member.user)
    url = reverse("records:work_create")
    form = {"kind": Work.Kind.PAPER, "title": "", "date": "2026-03-01", "studio": banner.a.studio.pk,
            "action": "submit"}
    refused = client.post(url, {**form, "file": SimpleUploadedFile("整本书阅读.docx", make_docx("研" * 40))})
    assert refused.status_code == 200 and 'data-testid="pending-upload"' in refused.content.decode()
    assert "整本书阅读.docx" in refused.content.decode()
    kept = Upload.objects.get(original_name="整本书阅读.docx")
    done = client.post(url, {**form, "title": "整本书阅读", "keep_pending": "1"})
    work = Work.objects.get(title="整本书阅读")
    assert done.status_code == 302 and work.char_count == 40 and work.upload.original_name == "整本书阅读.docx"
    assert not Upload.objects.filter(pk=kept.pk).exists()  # the kept copy went once the work had its own


def test_another_members_kept_file_cannot_be_claimed(banner, years, client_for):
    from records.tests.samples import make_docx

    url = reverse("records:work_create")
    form = {"kind": Work.Kind.PAPER, "title": "", "date": "2026-03-01", "action": "draft"}
    first = client_for(banner.a.members[0].user)
    first.post(url, {**form, "studio": banner.a.studio.pk, "file": SimpleUploadedFile("a.docx", make_docx("研"))})
    other = client_for(banner.a.members[1].user)
    session = other.session
    session["pending_uploads"] = {"records:work_create": str(Upload.objects.get(original_name="a.docx").pk)}
    session.save()
    other.post(url, {**form, "title": "偷来的", "studio": banner.a.studio.pk, "keep_pending": "1"})
    work = Work.objects.get(title="偷来的")
    assert work.upload is None

"""Documents seen as page images drawn by the worker, never in the browser's PDF viewer; hostile files."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import sandbox
from core.models import AuditEntry, Upload
from core.services import upload_create
from core.uploads import WRITING, check_upload, count_chars, extract_text
from records.tests.samples import make_png

from . import hostile, layouts


def _stored(banner, name, data, capture, *, read=True):
    checked = check_upload(SimpleUploadedFile(name, data), WRITING)
    member = banner.a.members[0]
    with capture(execute=read):
        upload = upload_create(checked=checked, original_name=name, user=member.user, studio=banner.a.studio,
                               owner=member, count_text=True)
    upload.refresh_from_db()
    return upload


def test_a_docx_is_drawn_as_page_images_shown_to_those_who_may_see_it(
        banner, client_for, django_capture_on_commit_callbacks):
    upload = _stored(banner, "教学设计.docx", layouts.LAYOUTS["merged-table"][0], django_capture_on_commit_callbacks)
    assert (upload.preview, upload.preview_pages) == (Upload.Preview.DONE, 1)
    owner = client_for(banner.a.members[0].user)
    fragment = owner.get(reverse("core:upload_preview", args=[upload.pk]), {"label": "工作室A · 教学设计"})
    html = fragment.content.decode()
    assert 'data-testid="preview-page"' in html and "工作室A · 教学设计" in html
    assert AuditEntry.objects.filter(action="file.preview", target_id=str(upload.pk)).count() == 1
    page = owner.get(reverse("core:upload_page", args=[upload.pk, 1]))
    assert page["Content-Type"] == "image/png" and b"".join(page.streaming_content).startswith(b"\x89PNG")
    for outsider in (banner.b.members[0].user, banner.b.host.user):
        assert client_for(outsider).get(reverse("core:upload_page", args=[upload.pk, 1])).status_code == 404
        assert client_for(outsider).get(reverse("core:upload_preview", args=[upload.pk])).status_code == 404
    assert owner.get(reverse("core:upload_page", args=[upload.pk, 2])).status_code == 404


def test_a_preview_still_being_drawn_says_so_and_asks_again(banner, client_for, django_capture_on_commit_callbacks):
    upload = _stored(banner, "a.docx", layouts.LAYOUTS["text-box"][0], django_capture_on_commit_callbacks, read=False)
    assert upload.preview == Upload.Preview.PENDING
    html = client_for(banner.officer).get(reverse("core:upload_preview", args=[upload.pk])).content.decode()
    assert "正在生成预览" in html and 'hx-trigger="load delay:2s"' in html
    assert not AuditEntry.objects.filter(action="file.preview").exists()


def test_a_pdf_with_javascript_is_counted_drawn_and_never_opened_inline(
        banner, client_for, django_capture_on_commit_callbacks):
    upload = _stored(banner, "脚本.pdf", hostile.javascript_pdf(), django_capture_on_commit_callbacks)
    assert upload.text_chars == 16 and upload.preview == Upload.Preview.DONE
    download = client_for(banner.a.members[0].user).get(reverse("core:upload", args=[upload.pk]), {"inline": "1"})
    assert download["Content-Disposition"].startswith("attachment")


def test_a_photo_is_its_own_preview(banner, client_for, django_capture_on_commit_callbacks):
    upload = _stored(banner, "照片.png", make_png(), django_capture_on_commit_callbacks, read=False)
    assert (upload.preview, upload.preview_pages, upload.ocr_status) == ("done", 1, "pending")
    page = client_for(banner.a.host.user).get(reverse("core:upload_page", args=[upload.pk, 1]))
    assert page.status_code == 200 and page["Content-Type"] == "image/png"


def test_an_upload_from_before_previews_gets_them_when_first_looked_at(
        banner, client_for, django_capture_on_commit_callbacks):
    upload = _stored(banner, "a.docx", layouts.LAYOUTS["text-box"][0], django_capture_on_commit_callbacks, read=False)
    Upload.objects.filter(pk=upload.pk).update(preview="")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(banner.officer).get(reverse("core:upload_preview", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.preview == Upload.Preview.DONE


# --- hostile files -----------------------------------------------------------------------------------------


def test_the_padding_entry_bomb_is_refused_before_anything_is_inflated():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("论文.docx", hostile.padding_entry_bomb(inflated_mb=40)), WRITING)
    assert error.value.code == "zip_bomb"


def test_a_ten_thousand_page_pdf_is_refused_with_its_page_count():
    checked = check_upload(SimpleUploadedFile("a.pdf", hostile.many_page_pdf()), WRITING)
    with pytest.raises(ValidationError) as error:
        extract_text(checked)
    assert error.value.code == "too_many_pages" and "10,000" in error.value.messages[0]


def test_a_picture_declaring_a_gigantic_size_is_refused():
    png = bytearray(make_png())
    png[16:24] = (60000).to_bytes(4, "big") * 2
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("a.png", bytes(png)), WRITING)
    assert error.value.code == "too_large"


def test_a_converter_that_overruns_its_time_is_killed(tmp_path):
    with pytest.raises(ValidationError) as error:
        sandbox.run(["/bin/sleep", "30"], limits=sandbox.Limits(seconds=1, cpu_seconds=1, memory_mb=64),
                    workdir=tmp_path)
    assert error.value.code == "timeout"


def test_a_converter_that_wants_too_much_memory_fails_as_a_damaged_file(tmp_path):
    import sys

    with pytest.raises(ValidationError) as error:
        sandbox.run([sys.executable, "-c", "x = bytearray(300 * 1024 * 1024)"],
                    limits=sandbox.Limits(seconds=20, cpu_seconds=10, memory_mb=200), workdir=tmp_path)
    assert error.value.code == "damaged"


def test_the_office_engine_reaches_no_network(tmp_path):
    if not sandbox._network_isolation():
        pytest.fail("unshare --net is not available: the worker's host must block the network (docs/deploy.md)")
    out = sandbox.run(["/bin/cat", "/proc/net/dev"], limits=sandbox.PDF_TEXT, workdir=tmp_path).decode()
    assert [line.split(":")[0].strip() for line in out.splitlines()[2:]] == ["lo"]


def test_the_scan_fixture_reads_back_with_its_count():
    from core.convert import ocr_image

    assert abs(count_chars(ocr_image(layouts.scan("png"), "png")) - count_chars(layouts.REFLECTION)) <= 3

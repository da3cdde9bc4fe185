"""Verification by the office in the review queue (regulation.md, clarification 10): titles with their certificate,
counts typed for scans with the file, near-copies side by side; verified or declined with a reason."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import selectors
from members import services as member_services
from members.models import Level, Title
from records import services as record_services
from records.tests.samples import make_docx, make_pdf, make_png, unique_text

D = datetime.date


def _title(member, day=D(2025, 10, 1)):
    return member_services.title_create(
        actor=member.user, teacher=member, kind=Title.Kind.BACKBONE, level=Level.BANNER, awarded_on=day,
        certificate_file=SimpleUploadedFile("证书.png", make_png(), content_type="image/png"))


def _scan(member, studio, typed=2400):
    """A scan with no text layer; each one a different file (a scanner's page never repeats byte for byte)."""
    data = make_pdf(None) + f"% scan {member.code} {typed}\n".encode()
    return record_services.work_create(
        actor=member.user, teacher=member, studio=studio, kind="paper", title="扫描论文", date=D(2025, 10, 10),
        file=SimpleUploadedFile("扫描.pdf", data), char_count=typed, submit=True)


def _near_copy(banner):
    text = unique_text(2400)
    first = record_services.work_create(
        actor=banner.a.members[0].user, teacher=banner.a.members[0], studio=banner.a.studio, kind="paper",
        title="原稿", date=D(2025, 10, 1), file=SimpleUploadedFile("原稿.docx", make_docx(text)), submit=True)
    copy = record_services.work_create(
        actor=banner.b.members[0].user, teacher=banner.b.members[0], studio=banner.b.studio, kind="paper",
        title="抄来的", date=D(2025, 10, 9), file=SimpleUploadedFile("抄.docx", make_docx(text[:2000] + "。结语。")),
        submit=True)
    return first, copy


@pytest.fixture
def waiting(banner):
    return {"title": _title(banner.a.members[0]), "count": _scan(banner.a.members[1], banner.a.studio),
            "copy": _near_copy(banner)[1]}


def test_the_office_sees_titles_counts_and_near_copies_as_awaiting_verification(client_for, banner, waiting):
    page = client_for(banner.officer).get(reverse("activities:queue")).content.decode()
    for kind, obj in waiting.items():
        assert f'id="row-{kind}-{obj.pk}"' in page
    assert page.count("待核实") >= 3
    assert "手填 2,400 字；未能识别出文字" in page or "手填：2,400 字" in page
    assert "证书" in page and "并排比对" in page
    assert "的文字也出现在“原稿”" in page


def test_hosts_and_members_do_not_see_or_decide_verifications(client_for, banner, waiting):
    for role in ("host_a", "member_a"):
        client = client_for(banner.users[role])
        response = client.get(reverse("activities:queue"))
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert "row-title-" not in response.content.decode()
        url = reverse("activities:queue_decide", args=["title", waiting["title"].pk, "verify"])
        assert client.post(url).status_code == 403
    assert Title.objects.get().check_status == Title.Check.PENDING


@pytest.mark.parametrize("kind", ["title", "count", "copy"])
def test_the_office_verifies_from_the_queue_and_the_row_says_so(client_for, banner, waiting, kind):
    url = reverse("activities:queue_decide", args=[kind, waiting[kind].pk, "verify"])
    response = client_for(banner.officer).post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "已核实：计入。" in body and "queue-decided" in body
    obj = type(waiting[kind]).objects.get(pk=waiting[kind].pk)
    field = {"title": "check_status", "count": "count_check", "copy": "copy_check"}[kind]
    assert getattr(obj, field) == "verified"
    assert obj.checked_by == banner.officer
    assert f'row-{kind}-{obj.pk}' not in client_for(banner.officer).get(reverse("activities:queue")).content.decode()


@pytest.mark.parametrize("kind", ["title", "count", "copy"])
def test_declining_needs_a_reason_which_the_member_is_told(client_for, banner, waiting, kind):
    url = reverse("activities:queue_decide", args=[kind, waiting[kind].pk, "decline"])
    officer = client_for(banner.officer)
    assert "请" in officer.post(url, {"comment": ""}, HTTP_HX_REQUEST="true").content.decode()
    officer.post(url, {"comment": "与证书不符"})
    obj = type(waiting[kind]).objects.get(pk=waiting[kind].pk)
    field = {"title": "check_status", "count": "count_check", "copy": "copy_check"}[kind]
    assert getattr(obj, field) == "declined" and obj.check_comment == "与证书不符"
    owner = obj.teacher.user
    assert owner.notifications.filter(message__contains="与证书不符").exists()


def test_a_count_confirmed_by_text_recognition_needs_no_officer(banner):
    work = _scan(banner.a.members[1], banner.a.studio, typed=100)
    work.upload.ocr_status, work.upload.ocr_chars = "done", 120
    work.upload.save()
    assert all(item.obj != work for item in selectors.check_items(kind="count"))


def test_the_near_copy_is_shown_beside_the_work_it_resembles(client_for, banner):
    first, copy = _near_copy(banner)
    assert copy.copy_of == first
    page = client_for(banner.officer).get(reverse("records:work_compare", kwargs={"pk": copy.pk})).content.decode()
    assert "原稿" in page and "抄来的" in page and "<mark>" in page
    fragment = client_for(banner.officer).get(reverse("records:work_compare", kwargs={"pk": copy.pk}),
                                              HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="work-compare"' in fragment and "<html" not in fragment
    assert client_for(banner.users["host_b"]).get(reverse("records:work_compare",
                                                          kwargs={"pk": copy.pk})).status_code == 403


def test_the_home_panel_counts_the_verifications(banner, waiting):
    counts = selectors.queue_counts(banner.officer)
    assert counts["checks"] == 3 and counts["total"] >= 3


def test_the_queue_reads_verifications_in_a_fixed_number_of_queries(client_for, banner):
    client = client_for(banner.officer)
    _title(banner.a.members[0])
    _scan(banner.a.members[1], banner.a.studio)
    client.get(reverse("activities:queue"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("activities:queue"))
    for index, member in enumerate([*banner.a.members, *banner.b.members]):
        _title(member, D(2025, 1, 1 + index))
        _scan(member, banner.a.studio if member in banner.a.members else banner.b.studio, typed=2000 + index)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("activities:queue"))
    assert len(many.captured_queries) == len(few.captured_queries)

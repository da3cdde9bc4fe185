import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Title

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_teacher_records_own_title_with_certificate_scan(banner, client_for):
    teacher = banner.a.members[0]
    response = client_for(teacher.user).post(reverse("members:title_create", args=[teacher.code]), {
        "kind": "backbone", "level": 1, "awarded_on": "2025-09-10",
        "certificate_file": SimpleUploadedFile("证书.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302
    title = Title.objects.get(teacher=teacher)
    assert title.certificate.original_name == "证书.png"
    # The host of the teacher's studio can open the scan; a member of another studio cannot.
    url = reverse("core:upload", args=[title.certificate.pk])
    assert client_for(banner.users["host_a"]).get(url).status_code == 200
    assert client_for(banner.users["member_b"]).get(url).status_code == 404


def test_certificate_must_really_be_an_image_or_pdf(banner, client_for):
    teacher = banner.a.members[0]
    response = client_for(teacher.user).post(reverse("members:title_create", args=[teacher.code]), {
        "kind": "backbone", "level": 1, "awarded_on": "2025-09-10",
        "certificate_file": SimpleUploadedFile("证书.png", b"MZ\x90\x00 not an image", content_type="image/png"),
    })
    assert "不接受此类文件" in response.content.decode()
    assert not Title.objects.exists()


def test_members_cannot_record_titles_for_colleagues(banner, client_for):
    colleague = banner.a.members[1]
    response = client_for(banner.users["member_a"]).post(reverse("members:title_create", args=[colleague.code]),
                                                         {"kind": "backbone", "level": 1, "awarded_on": "2025-09-10"})
    assert response.status_code == 404
    assert not Title.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("member_a", 200), ("host_a", 200), ("member_b", 404),
                                                ("officer", 200), ("anonymous", 302)])
def test_teacher_profile_access(banner, client_for, role, expected):
    teacher = banner.a.members[1]
    assert client_for(banner.users[role]).get(reverse("members:teacher", args=[teacher.code])).status_code == expected




def test_the_teacher_page_says_a_title_waits_for_the_office_and_why_it_was_declined(banner, client_for):
    from members import services

    teacher = banner.a.members[0]
    url = reverse("members:teacher", args=[teacher.code])
    title = services.title_create(actor=teacher.user, teacher=teacher, kind="backbone", level=1,
                                  awarded_on=datetime.date(2025, 9, 10))
    page = client_for(teacher.user).get(url).content.decode()
    assert "待核实" in page and "教研中心核实证书后计入考核" in page

    services.title_decline(actor=banner.users["officer"], title=title, comment="证书上的姓名与本人不符。")
    page = client_for(teacher.user).get(url).content.decode()
    assert "证书上的姓名与本人不符。" in page and "教研中心核实证书后计入考核" not in page

"""With DEBUG off, 400, 403, 404, 500 and a failed CSRF check answer a Chinese page with a way home."""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME_LINK = 'href="/"'


def _chinese_error(response, status, words):
    page = response.content.decode()
    assert response.status_code == status
    assert 'data-testid="error-page"' in page
    assert words in page
    assert "返回首页" in page and HOME_LINK in page
    assert "Not Found" not in page and "Forbidden" not in page and "Server Error" not in page
    return page


def test_a_member_tapping_another_studio_gets_the_chinese_not_found_page(banner, client_for):
    response = client_for(banner.users["member_a"]).get(reverse("studios:detail", args=[banner.b.studio.code]))
    page = _chinese_error(response, 404, "页面不存在")
    assert banner.b.studio.name not in page


def test_a_teacher_on_an_office_page_gets_the_chinese_forbidden_page(banner, client_for):
    response = client_for(banner.users["host_a"]).get(reverse("security:audit_log"))
    _chinese_error(response, 403, "无权访问")


def test_a_form_sent_without_its_csrf_token_gets_the_chinese_expired_form_page(banner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(banner.users["member_a"])
    response = client.post(reverse("core:notifications_read"), {})
    _chinese_error(response, 403, "表单已失效")


def test_a_bad_request_gets_the_chinese_bad_request_page(banner, client_for):
    client = client_for(banner.users["member_a"])
    response = client.get("/", HTTP_HOST="evil.example")  # DisallowedHost: Django answers 400
    _chinese_error(response, 400, "请求有误")


def test_a_server_error_gets_the_chinese_page_without_anything_of_the_failure(banner):
    client = Client(raise_request_exception=False)
    client.force_login(banner.users["member_a"])
    with mock.patch("core.views.panels_for", side_effect=RuntimeError("secret detail")):
        response = client.get(reverse("home"))
    page = _chinese_error(response, 500, "出错了")
    assert "secret detail" not in page


def test_the_django_admin_speaks_the_apps_chinese(banner, client_for):
    page = client_for(banner.admin).get("/admin/members/school/").content.decode()
    assert "筛选" in page and "过滤器" not in page
    assert "乌审旗名师工作室管理" in page


def test_the_audit_log_names_actions_in_chinese_not_by_their_codes(banner, client_for):
    from core.services import audit_record

    audit_record(actor=banner.officer, action="attendance.record", target=banner.a.studio, studio=banner.a.studio)
    page = client_for(banner.audit_admin).get(reverse("security:audit_log")).content.decode()
    body = page.split('data-testid="audit-row"', 1)[1]
    assert "考勤" in body
    assert ">attendance.record<" not in body and "<code>attendance.record</code>" not in body

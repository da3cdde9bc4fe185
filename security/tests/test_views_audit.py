import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.services import audit_record

AUDIT_URL = reverse("security:audit_log")
EXPORT_URL = reverse("security:audit_export")


def _entries(banner, count, *, action="filing.approve", studio=None):
    for index in range(count):
        audit_record(actor=banner.officer, action=action, target=banner.a.studio, studio=studio or banner.a.studio,
                     from_state="submitted", to_state="approved", comment=f"第{index}次")


def _rows(response):
    return response.content.decode().count('data-testid="audit-row"')


@pytest.mark.parametrize("role,status", [
    ("member_a", 403), ("host_a", 403), ("member_b", 403), ("host_b", 403), ("officer", 403), ("admin", 403),
    ("security_admin", 403), ("audit_admin", 200),
])
def test_audit_log_is_for_the_audit_administrator_only(banner, client_for, role, status):
    assert client_for(banner.users[role]).get(AUDIT_URL).status_code == status
    assert client_for(banner.users[role]).get(EXPORT_URL).status_code == status


def test_anonymous_is_sent_to_the_login_page(client):
    for url in (AUDIT_URL, EXPORT_URL, reverse("security:lockouts")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_nav_shows_the_audit_log_to_the_office_only(banner, client_for):
    assert "审计日志" in client_for(banner.audit_admin).get(reverse("home")).content.decode()
    assert "审计日志" not in client_for(banner.users["host_a"]).get(reverse("home")).content.decode()


def test_audit_log_lists_transitions_in_chinese(banner, client_for):
    _entries(banner, 2)
    response = client_for(banner.audit_admin).get(AUDIT_URL)
    body = response.content.decode()
    assert _rows(response) == 2
    assert "filing.approve" in body and "第1次" in body and "审计日志" in body and "共 2 条记录" in body


def test_query_count_does_not_grow_with_rows(banner, client_for, django_assert_max_num_queries):
    client = client_for(banner.audit_admin)
    _entries(banner, 3)
    client.get(AUDIT_URL)  # warm the session and content types
    with django_assert_max_num_queries(12) as few:
        client.get(AUDIT_URL)
    _entries(banner, 40, studio=banner.b.studio)
    with django_assert_max_num_queries(12) as many:
        response = client.get(AUDIT_URL)
    assert _rows(response) == 43
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pagination_keeps_the_filters(banner, client_for):
    _entries(banner, 55)
    response = client_for(banner.audit_admin).get(AUDIT_URL, {"action": "filing", "page": 2})
    assert _rows(response) == 5
    assert "?action=filing&page=1" in response.content.decode()


def test_filter_by_action_family(banner, client_for):
    _entries(banner, 2)
    _entries(banner, 1, action="document.submit")
    response = client_for(banner.audit_admin).get(AUDIT_URL, {"action": "document"})
    assert _rows(response) == 1 and "document.submit" in response.content.decode()


def test_filter_by_studio(banner, client_for):
    _entries(banner, 2)
    _entries(banner, 3, studio=banner.b.studio)
    response = client_for(banner.audit_admin).get(AUDIT_URL, {"studio": banner.b.studio.pk})
    assert _rows(response) == 3


def test_filter_by_actor_name_or_username_including_failed_logins(banner, client_for):
    _entries(banner, 2)
    host = banner.a.host
    audit_record(actor=host.user, action="work.create", studio=banner.a.studio)
    AuditEntry.objects.create(action="auth.login_failed", data={"username": "ghost-user", "ip": "10.1.1.1"})
    client = client_for(banner.audit_admin)
    assert _rows(client.get(AUDIT_URL, {"actor": host.name})) == 1
    assert _rows(client.get(AUDIT_URL, {"actor": host.user.username})) == 1
    assert _rows(client.get(AUDIT_URL, {"actor": "ghost"})) == 1


def test_filter_by_date_range(banner, client_for):
    _entries(banner, 2)
    old = timezone.now() - datetime.timedelta(days=40)
    AuditEntry.objects.create(action="filing.approve", created_at=old, comment="旧记录")
    client = client_for(banner.audit_admin)
    today = timezone.localdate()
    assert _rows(client.get(AUDIT_URL, {"date_from": today.isoformat(), "date_to": today.isoformat()})) == 2
    old_day = timezone.localtime(old).date().isoformat()
    response = client.get(AUDIT_URL, {"date_from": old_day, "date_to": old_day})
    assert _rows(response) == 1 and "旧记录" in response.content.decode()


def test_free_text_search(banner, client_for):
    _entries(banner, 2)
    audit_record(actor=banner.officer, action="filing.return", studio=banner.a.studio, comment="材料不全，请补充签到表")
    response = client_for(banner.audit_admin).get(AUDIT_URL, {"q": "签到表"})
    assert _rows(response) == 1


def test_reversed_dates_give_a_chinese_message_and_no_rows(banner, client_for):
    _entries(banner, 2)
    response = client_for(banner.audit_admin).get(AUDIT_URL, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert _rows(response) == 0


@pytest.mark.parametrize("params", [
    {"date_from": "not-a-date"}, {"studio": "99999"}, {"studio": "abc"}, {"action": "nonsense"}, {"page": "x"},
    {"q": "x" * 500},
])
def test_bad_filters_never_fail(banner, client_for, params):
    _entries(banner, 1)
    response = client_for(banner.audit_admin).get(AUDIT_URL, params)
    assert response.status_code == 200


def test_export_is_csv_with_bom_and_chinese(banner, client_for):
    _entries(banner, 2)
    response = client_for(banner.audit_admin).get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "时间" and rows[0][2] == "操作人"
    assert len(rows) == 3
    assert rows[1][1] == "filing.approve" and rows[1][4] == banner.a.studio.name


def test_export_follows_the_filters_and_is_itself_audited(banner, client_for):
    _entries(banner, 2)
    _entries(banner, 1, action="document.submit")
    response = client_for(banner.audit_admin).get(EXPORT_URL, {"action": "document"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "document.submit"
    entry = AuditEntry.objects.get(action="audit.export")
    assert entry.actor == banner.audit_admin and entry.data == {"filters": {"action": "document"}}


def test_export_escapes_formulae(banner, client_for):
    for comment in ("=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "正常说明"):
        audit_record(actor=banner.officer, action="filing.return", comment=comment)
    AuditEntry.objects.create(action="auth.login_failed", data={"username": "=cmd|' /C calc'!A0"})
    response = client_for(banner.audit_admin).get(EXPORT_URL)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    comments = {row[8] for row in rows[1:]}
    assert {"'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR", "正常说明"} <= comments
    usernames = {row[3] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in usernames
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_export_with_bad_filters_goes_back_with_a_message(banner, client_for):
    client = client_for(banner.audit_admin)
    response = client.get(EXPORT_URL, {"date_from": "2025-03-02", "date_to": "2025-03-01"}, follow=True)
    body = response.content.decode()
    assert "请先更正筛选条件再导出" in body and "截止日期不能早于起始日期" in body
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_audit_log_records_downloads(banner, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.services import upload_create
    from core.uploads import WRITING, check_upload

    checked = check_upload(SimpleUploadedFile("计划.txt", "工作计划".encode()), WRITING)
    upload = upload_create(checked=checked, original_name="计划.txt", user=banner.a.host.user,
                           studio=banner.a.studio, owner=banner.a.host)
    client_for(banner.a.host.user).get(reverse("core:upload", args=[upload.pk]))
    response = client_for(banner.audit_admin).get(AUDIT_URL, {"action": "file"})
    assert _rows(response) == 1 and "file.download" in response.content.decode()

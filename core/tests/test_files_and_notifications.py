
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry, Notification, Upload
from core.services import notification_send, upload_create, upload_discard
from core.uploads import WRITING, check_upload

pytestmark = pytest.mark.django_db

TEXT = "教学反思：课堂提问的有效性。".encode()


def _upload(banner, *, visibility=Upload.Visibility.OWNER, name="我的论文.txt"):
    owner = banner.a.members[0]
    checked = check_upload(SimpleUploadedFile(name, TEXT), WRITING)
    return upload_create(checked=checked, original_name=name, user=owner.user, studio=banner.a.studio, owner=owner,
                         visibility=visibility, count_text=True)


def test_upload_is_stored_under_a_random_name_and_counts_its_characters(banner):
    upload = _upload(banner, name="../../etc/我的论文.txt")
    assert upload.original_name == "我的论文.txt"
    assert "我的论文" not in upload.file.name and ".." not in upload.file.name
    assert upload.file.name.startswith("private/")
    assert upload.text_chars == 14


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("member_a", 200), ("host_a", 200), ("member_b", 404), ("host_b", 404),
     ("officer", 200), ("admin", 404), ("security_admin", 404), ("audit_admin", 404)],
)
def test_personal_upload_download_by_role(banner, client_for, role, expected):
    upload = _upload(banner)
    # member_a is the owner here; a colleague in the same studio is tested separately.
    response = client_for(banner.users[role]).get(reverse("core:upload", args=[upload.pk]))
    assert response.status_code == expected


def test_colleague_cannot_download_a_personal_file_but_can_a_studio_file(banner, client_for):
    colleague = client_for(banner.a.members[1].user)
    personal = _upload(banner)
    shared = _upload(banner, visibility=Upload.Visibility.STUDIO)
    assert colleague.get(reverse("core:upload", args=[personal.pk])).status_code == 404
    assert colleague.get(reverse("core:upload", args=[shared.pk])).status_code == 200


def test_download_keeps_the_chinese_name_and_is_audited(banner, client_for):
    upload = _upload(banner)
    response = client_for(banner.officer).get(reverse("core:upload", args=[upload.pk]))
    assert b"".join(response.streaming_content) == TEXT
    assert "filename*=utf-8''%E6%88%91%E7%9A%84%E8%AE%BA%E6%96%87.txt" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="file.download", target_id=str(upload.pk)).exists()


def test_production_hands_the_bytes_to_nginx(banner, client_for, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/protected/"
    upload = _upload(banner)
    response = client_for(banner.officer).get(reverse("core:upload", args=[upload.pk]) + "?inline=1")
    assert response["X-Accel-Redirect"] == "/protected/" + upload.file.name
    assert response["Content-Disposition"].startswith("inline")
    assert response.content == b""


def test_discarding_an_upload_removes_its_bytes(banner, django_capture_on_commit_callbacks):
    upload = _upload(banner)
    storage, name = upload.file.storage, upload.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        upload_discard(upload)
    assert not storage.exists(name)
    assert not Upload.objects.filter(pk=upload.pk).exists()


def test_notification_is_shown_with_unread_count_and_emailed(banner, client_for, django_capture_on_commit_callbacks):
    user = banner.users["host_a"]
    user.email = "host@example.edu.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[user], verb="filing.approved", message="备案已批准：专题研讨", url="/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["host@example.edu.cn"]
    assert Notification.objects.get().emailed_at is not None
    client = client_for(user)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">1<' in home
    assert "备案已批准：专题研讨" in client.get(reverse("core:notifications")).content.decode()


def test_marking_read_touches_only_own_notifications(banner, client_for):
    mine = notification_send(recipients=[banner.users["host_a"]], verb="x", message="甲")[0]
    theirs = notification_send(recipients=[banner.users["host_b"]], verb="x", message="乙")[0]
    client_for(banner.users["host_a"]).post(reverse("core:notifications_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_mark_read_is_post_only(banner, client_for):
    assert client_for(banner.users["host_a"]).get(reverse("core:notifications_read")).status_code == 405




def test_the_audit_log_is_read_only_in_the_django_admin_even_for_a_superuser(banner, client_for):
    from django.urls import reverse

    from core.models import AuditEntry
    from core.services import audit_record
    from studios.tests.factories import UserFactory

    entry = audit_record(actor=banner.officer, action="filing.approve", comment="原始记录")
    # The system administrator does not see the audit log in the admin at all; the installation's superuser
    # sees it read-only.
    assert client_for(banner.admin).get(reverse("admin:core_auditentry_changelist")).status_code == 403
    client = client_for(UserFactory(username="installer", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    forged = {"created_at_0": "2020-01-01", "created_at_1": "08:00:00", "action": "filing.approve",
              "actor": banner.a.host.user.pk, "comment": "伪造"}
    assert client.post(reverse("admin:core_auditentry_add"), forged).status_code == 403
    assert client.post(reverse("admin:core_auditentry_change", args=[entry.pk]),
                       {"action": "filing.return", "comment": "篡改"}).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:core_auditentry_changelist"),
                       {"action": "delete_selected", "_selected_action": [entry.pk]}).status_code in (200, 302)
    assert list(AuditEntry.objects.values_list("action", "comment")) == [("filing.approve", "原始记录")]

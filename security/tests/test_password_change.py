"""Forced and voluntary password changes (等保 身份鉴别): an initial or reset password opens nothing but the change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from studios.tests.factories import UserFactory

OLD = "pass-1234-word"
NEW = "Xin-mima-2026"


@pytest.fixture
def forced(db):
    return UserFactory(username="chuci", must_change_password=True)


def _change(client, old=OLD, new=NEW, **extra):
    return client.post(reverse("password_change"),
                       {"old_password": old, "new_password1": new, "new_password2": new}, **extra)


@pytest.mark.parametrize("url_name", ["home", "studios:list", "core:notifications", "password_change_done"])
def test_with_a_forced_change_every_page_sends_to_the_change_form(client_for, forced, url_name):
    response = client_for(forced).get(reverse(url_name))
    assert response.status_code == 302 and response.url == reverse("password_change")


def test_the_change_form_says_why_in_chinese(client_for, forced):
    page = client_for(forced).get(reverse("password_change")).content.decode()
    assert "您的密码由他人设置" in page


def test_an_htmx_request_is_sent_to_the_change_form_as_a_whole_page(client_for, forced):
    response = client_for(forced).get(reverse("core:notifications"), HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == reverse("password_change")


def test_logout_stays_open(client_for, forced):
    client = client_for(forced)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_new_password_lifts_the_block_keeps_the_session_and_is_audited(client_for, forced):
    client = client_for(forced)
    response = _change(client, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    forced.refresh_from_db()
    assert not forced.must_change_password and forced.check_password(NEW)
    assert abs(forced.password_changed_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert client.get(reverse("home")).status_code == 200
    entry = AuditEntry.objects.get(action="auth.password_change")
    assert entry.actor == forced and entry.ip == "10.1.2.3" and entry.target_id == str(forced.pk)
    assert NEW not in str(entry.data) and OLD not in str(entry.data)


def test_a_wrong_old_password_changes_nothing(client_for, forced):
    response = _change(client_for(forced), old="wrong-old-1")
    assert response.status_code == 200
    forced.refresh_from_db()
    assert forced.must_change_password and forced.check_password(OLD)
    assert not AuditEntry.objects.filter(action="auth.password_change").exists()


def test_without_a_forced_change_pages_open_as_usual(client_for, db):
    assert client_for(UserFactory(username="putong")).get(reverse("home")).status_code == 200


def test_a_maximum_age_is_off_by_default(client_for, db, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 0
    old = UserFactory(username="laomima", password_changed_at=timezone.now() - datetime.timedelta(days=3650))
    assert client_for(old).get(reverse("home")).status_code == 200


def test_with_a_maximum_age_an_old_password_must_change(client_for, db, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    old = UserFactory(username="laomima", password_changed_at=timezone.now() - datetime.timedelta(days=91))
    fresh = UserFactory(username="xinmima", password_changed_at=timezone.now() - datetime.timedelta(days=10))
    client = client_for(old)
    assert client.get(reverse("home")).url == reverse("password_change")
    assert "已达到最长使用期限" in client.get(reverse("password_change")).content.decode()
    assert client_for(fresh).get(reverse("home")).status_code == 200
    _change(client)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("new,message", [
    ("Ab1-xyz", "密码至少需要 8 个字符。"),
    ("abcdefghijk", "这四类中的至少 3 类"),
    ("chuci-2026-ok", "密码中不能包含用户名。"),
])
def test_a_password_that_breaks_the_policy_is_refused_in_chinese(client_for, forced, new, message):
    response = _change(client_for(forced), new=new)
    assert response.status_code == 200 and message in response.content.decode()
    forced.refresh_from_db()
    assert forced.check_password(OLD) and forced.must_change_password


def test_the_change_form_states_the_policy(client_for, forced):
    assert "不能包含用户名" in client_for(forced).get(reverse("password_change")).content.decode()


def test_the_django_admin_refuses_a_weak_password_for_a_new_account(client_for, db):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client_for(superuser).post(reverse("admin:members_user_add"), {
        "username": "xinzhanghao", "password1": "xinzhanghao1", "password2": "xinzhanghao1",
        "usable_password": "true"})
    assert response.status_code == 200 and "密码中不能包含用户名。" in response.content.decode()


def test_changepassword_and_createsuperuser_use_the_policy(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
    validate_password("Mingshi-2024")

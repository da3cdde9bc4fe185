import pytest
from axes.models import AccessAttempt
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from studios.tests.factories import UserFactory

PASSWORD = "pass-1234-word"
LOCKOUT_TEXT = "登录失败次数过多，账户已暂时锁定，请 15 分钟后再试或联系教研中心办公室解锁"


def _post_login(client, username, password, ip="10.0.0.5"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def teacher(db):
    return UserFactory(username="zhanglaoshi")


def test_login_page_and_real_form_login_work_with_axes(client, teacher):
    assert client.get(reverse("login")).status_code == 200
    response = _post_login(client, "zhanglaoshi", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == teacher and entry.ip == "10.0.0.5"
    assert entry.data == {"username": "zhanglaoshi", "ip": "10.0.0.5"}


def test_a_wrong_password_is_refused_and_logged_with_username_and_ip(client, teacher):
    response = _post_login(client, "zhanglaoshi", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor is None and entry.ip == "10.0.0.5"
    assert entry.data["username"] == "zhanglaoshi"
    assert "password" not in entry.data and "wrong-password" not in str(entry.data)


def test_five_failures_lock_the_pair_and_say_so_in_chinese(client, teacher):
    for _attempt in range(4):
        assert _post_login(client, "zhanglaoshi", "wrong").status_code == 200
    response = _post_login(client, "zhanglaoshi", "wrong")
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.locked_out", data__username="zhanglaoshi").count() == 1


def test_a_locked_pair_is_refused_even_with_the_right_password(client, teacher):
    for _attempt in range(5):
        _post_login(client, "zhanglaoshi", "wrong")
    response = _post_login(client, "zhanglaoshi", PASSWORD)
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
    refused = AuditEntry.objects.filter(action="auth.login_failed").order_by("-id").first()
    assert refused.data["during_lockout"] is True
    # The refusal neither extends the lock nor writes a second "locked out" entry.
    assert AuditEntry.objects.filter(action="auth.locked_out").count() == 1
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_the_lock_is_per_username_and_address_pair(client, teacher):
    UserFactory(username="lilaoshi")
    for _attempt in range(5):
        _post_login(client, "zhanglaoshi", "wrong", ip="10.0.0.5")
    assert _post_login(Client(), "zhanglaoshi", PASSWORD, ip="10.0.0.6").status_code == 302
    assert _post_login(Client(), "lilaoshi", PASSWORD, ip="10.0.0.5").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, teacher, settings):
    for _attempt in range(5):
        _post_login(client, "zhanglaoshi", "wrong")
    attempt = AccessAttempt.objects.get()
    attempt.attempt_time -= settings.AXES_COOLOFF_TIME
    attempt.save(update_fields=["attempt_time"])
    assert _post_login(client, "zhanglaoshi", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, teacher):
    for _attempt in range(4):
        _post_login(client, "zhanglaoshi", "wrong")
    assert _post_login(client, "zhanglaoshi", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_failure_limit_and_cool_off_follow_the_settings(client, teacher, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _post_login(client, "zhanglaoshi", "wrong")
    assert _post_login(client, "zhanglaoshi", "wrong").status_code == 429


def test_logout_is_audited(client, teacher):
    _post_login(client, "zhanglaoshi", PASSWORD)
    response = client.post(reverse("logout"), REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.actor == teacher and entry.ip == "10.0.0.5"


def test_force_login_and_client_for_still_work_and_write_no_login_entry(banner, client_for):
    client = client_for(banner.users["host_a"])
    assert client.get(reverse("home")).status_code == 200
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_client_login_works_when_given_a_request(teacher):
    client = Client()
    assert client.login(request=HttpRequest(), username="zhanglaoshi", password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    assert not client.login(request=HttpRequest(), username="zhanglaoshi", password="wrong")


def test_inactive_user_cannot_log_in_through_the_form(client, teacher):
    teacher.is_active = False
    teacher.save()
    assert _post_login(client, "zhanglaoshi", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_twenty_failures_on_the_office_account_from_twenty_addresses_lock_it(client, db, settings):
    office = UserFactory(username="office", role="officer")
    answers = [_post_login(Client(), "office", f"guess-{index}", ip=f"198.51.100.{index}").status_code
               for index in range(20)]
    # Each address stays under its own limit; the account reaches its limit at the tenth and is locked.
    assert answers[:9] == [200] * 9 and set(answers[9:]) == {429}
    response = _post_login(Client(), "office", PASSWORD, ip="192.0.2.50")
    assert response.status_code == 429 and LOCKOUT_TEXT in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.locked_out", data__username="office").count() == 1
    # A cooling-off time, not a permanent lock: the office logs in again once it has passed.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert _post_login(Client(), "office", PASSWORD, ip="192.0.2.50").status_code == 302
    assert office.is_active


def test_one_address_guessing_many_usernames_is_locked(client, teacher):
    for index in range(30):
        _post_login(Client(), f"nobody{index}", "guess", ip="203.0.113.9")
    assert _post_login(Client(), "zhanglaoshi", PASSWORD, ip="203.0.113.9").status_code == 429
    assert _post_login(Client(), "zhanglaoshi", PASSWORD, ip="203.0.113.10").status_code == 302


def test_a_school_sharing_one_address_is_not_locked_by_a_few_typos(client, db):
    people = [UserFactory(username=f"teacher{index}") for index in range(10)]
    for person in people:
        _post_login(Client(), person.username, "typo", ip="10.20.0.1")
        _post_login(Client(), person.username, "typo2", ip="10.20.0.1")
    assert all(_post_login(Client(), person.username, PASSWORD, ip="10.20.0.1").status_code == 302
               for person in people)


def test_logging_in_to_ones_own_account_does_not_forgive_guesses_at_another(client, teacher):
    UserFactory(username="office", role="officer")
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _guess in range(4):
            _post_login(Client(), "office", "guess", ip=address)
        assert _post_login(Client(), "zhanglaoshi", PASSWORD, ip=address).status_code == 302
    assert _post_login(Client(), "office", PASSWORD, ip="192.0.2.1").status_code == 429


def test_wrong_old_passwords_on_the_change_form_are_throttled_like_logins(client_for, teacher):
    person = client_for(teacher)
    data = {"old_password": "guess", "new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"}
    url = reverse("password_change")
    answers = [person.post(url, data, REMOTE_ADDR="10.0.0.5").status_code for _attempt in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    data["old_password"] = PASSWORD
    response = person.post(url, data, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429 and LOCKOUT_TEXT in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="auth.password_change_failed").count() == 5
    assert AuditEntry.objects.filter(action="auth.locked_out", data__username="zhanglaoshi").count() == 1
    stored = AccessAttempt.objects.get()
    assert "guess" not in stored.post_data and "Xin-mima-2026" not in stored.post_data
    # The same account may not log in from that address either, until the lock ends.
    assert _post_login(Client(), "zhanglaoshi", PASSWORD, ip="10.0.0.5").status_code == 429

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry

LIST_URL = reverse("security:lockouts")


def _unlock_url(attempt, kind="pair"):
    return (reverse("security:lockout_unlock")
            + f"?kind={kind}&username={attempt.username}&ip={attempt.ip_address}")


def _attempt(username="zhanglaoshi", ip="10.0.0.5", failures=5, minutes_ago=1):
    attempt = AccessAttempt.objects.create(
        username=username, ip_address=ip, user_agent="test", failures_since_start=failures, get_data="",
        post_data="", http_accept="", path_info="/accounts/login/",
    )
    # attempt_time is set on creation; move it back to when the last failure happened.
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return attempt


@pytest.mark.parametrize("role,status", [
    ("member_a", 403), ("host_a", 403), ("member_b", 403), ("host_b", 403), ("officer", 200), ("admin", 403),
    ("security_admin", 200), ("audit_admin", 403),
])
def test_lockout_pages_are_for_the_office_and_the_security_administrator(banner, client_for, role, status):
    attempt = _attempt()
    client = client_for(banner.users[role])
    assert client.get(LIST_URL).status_code == status
    unlock_url = _unlock_url(attempt)
    assert client.get(unlock_url).status_code == status
    if status == 403:
        assert client.post(unlock_url).status_code == 403
        assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_anonymous_cannot_unlock(banner, client):
    attempt = _attempt()
    response = client.post(_unlock_url(attempt))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_list_shows_only_current_lockouts(banner, client_for, django_assert_max_num_queries):
    _attempt(username="locked-now")
    _attempt(username="too-few-failures", failures=2)
    _attempt(username="lock-expired", minutes_ago=16)
    client = client_for(banner.officer)
    response = client.get(LIST_URL)
    body = response.content.decode()
    assert "locked-now" in body and "too-few-failures" not in body and "lock-expired" not in body
    assert body.count('data-testid="lockout-row"') == 1
    assert "登录锁定" in body and "15 分钟" in body
    for index in range(10):
        _attempt(username=f"more-{index}", ip=f"10.0.1.{index}")
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)
    assert response.content.decode().count('data-testid="lockout-row"') == 11


def test_get_asks_for_confirmation_and_changes_nothing(banner, client_for):
    attempt = _attempt()
    response = client_for(banner.officer).get(_unlock_url(attempt))
    body = response.content.decode()
    assert response.status_code == 200 and "解除登录锁定" in body and "zhanglaoshi" in body
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_officer_unlocks_and_the_person_can_log_in_again(banner, client_for):
    teacher = banner.a.members[0].user
    person = Client()
    for _index in range(5):
        person.post(reverse("login"), {"username": teacher.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    attempt = AccessAttempt.objects.get(username=teacher.username)
    officer = client_for(banner.officer)
    response = officer.post(_unlock_url(attempt), REMOTE_ADDR="10.9.9.9", follow=True)
    assert "现在可以从 10.0.0.9 重新登录" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action="auth.unlock")
    assert entry.actor == banner.officer and entry.ip == "10.9.9.9"
    assert entry.data["username"] == teacher.username and entry.data["ip"] == "10.0.0.9"
    assert entry.data["failures"] == 5
    login = person.post(reverse("login"), {"username": teacher.username, "password": "pass-1234-word"},
                        REMOTE_ADDR="10.0.0.9")
    assert login.status_code == 302


def test_unlocking_twice_says_so_and_writes_nothing(banner, client_for):
    attempt = _attempt()
    officer = client_for(banner.officer)
    url = _unlock_url(attempt)
    officer.post(url)
    response = officer.post(url, follow=True)
    assert "该锁定已到期或已被解除" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.unlock").count() == 1
    response = officer.get(url, follow=True)
    assert "该锁定已到期或已被解除" in response.content.decode()


def test_the_lockouts_are_in_the_menu_of_who_releases_them_not_on_the_audit_log(banner, client_for):
    _attempt()
    for user in (banner.officer, banner.security_admin):
        assert reverse("security:lockouts") in client_for(user).get(reverse("home")).content.decode()
    # The audit administrator reads the log; releasing a lock is the security administrator's work (三员分立).
    body = client_for(banner.audit_admin).get(reverse("security:audit_log")).content.decode()
    assert reverse("security:lockouts") not in body and 'data-testid="lockouts-link"' not in body


def test_the_list_shows_account_and_address_locks_with_what_they_cover(banner, client_for):
    for index in range(10):
        _attempt(username="office", ip=f"198.51.100.{index}", failures=1)
    for index in range(30):
        _attempt(username=f"guess{index}", ip="203.0.113.9", failures=1)
    body = client_for(banner.officer).get(LIST_URL).content.decode()
    assert body.count('data-testid="lockout-row"') == 2
    assert "账户（任何地址）" in body and "地址（任何用户名）" in body
    assert "203.0.113.9" in body and "office" in body


def test_releasing_an_account_lock_forgives_its_failures_from_every_address(banner, client_for):
    attempts = [_attempt(username="office", ip=f"198.51.100.{index}", failures=1) for index in range(10)]
    other = _attempt(username="someone-else", ip="198.51.100.1", failures=2)
    officer = client_for(banner.officer)
    url = _unlock_url(attempts[0], kind="account")
    assert "账户（任何地址）" in officer.get(url).content.decode()
    response = officer.post(url, follow=True)
    assert "现在可以从任何地址重新登录" in response.content.decode()
    assert list(AccessAttempt.objects.all()) == [other]
    entry = AuditEntry.objects.get(action="auth.unlock")
    assert entry.data["kind"] == "account" and entry.data["failures"] == 10
    assert "（所有地址）" in entry.comment


def test_releasing_an_address_lock_forgives_every_username_from_it(banner, client_for):
    attempt = _attempt(username="a", ip="203.0.113.9", failures=30)
    kept = _attempt(username="a", ip="203.0.113.10", failures=1)
    client_for(banner.officer).post(_unlock_url(attempt, kind="address"))
    assert list(AccessAttempt.objects.all()) == [kept]
    assert AuditEntry.objects.get(action="auth.unlock").data["kind"] == "address"


def test_an_unknown_kind_of_lock_is_refused(banner, client_for):
    attempt = _attempt()
    response = client_for(banner.officer).post(_unlock_url(attempt, kind="everything"), follow=True)
    assert "该锁定已到期或已被解除" in response.content.decode()
    assert AccessAttempt.objects.exists()

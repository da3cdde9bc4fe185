"""Sessions end after 30 minutes without a request and 8 hours after the login, on the server (等保 身份鉴别)."""

import time

import pytest
from django.urls import reverse

from core.models import AuditEntry
from security.middleware import SESSION_SEEN, SESSION_STARTED
from security.policy import session_end_reason


def _age(client, **seconds_back):
    session = client.session
    for key, back in seconds_back.items():
        session[{"seen": SESSION_SEEN, "started": SESSION_STARTED}[key]] -= back
    session.save()


@pytest.fixture
def person(banner, client_for):
    client = client_for(banner.users["host_a"])
    assert client.get(reverse("home")).status_code == 200
    return client


def test_an_idle_session_expires_and_says_so(person, banner):
    _age(person, seen=31 * 60)
    response = person.get(reverse("studios:list"), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + reverse("studios:list")
    assert "_auth_user_id" not in person.session
    page = person.get(response.url).content.decode()
    assert "您已连续 30 分钟未操作，系统已自动退出" in page
    entry = AuditEntry.objects.get(action="auth.session_expired")
    assert entry.actor == banner.users["host_a"] and entry.data["reason"] == "idle" and entry.ip == "10.3.3.3"
    assert not AuditEntry.objects.filter(action="auth.logout").exists()


def test_activity_keeps_a_session_alive(person):
    _age(person, seen=29 * 60, started=29 * 60)
    assert person.get(reverse("home")).status_code == 200
    # That request moved the last activity to now: another 29 minutes later the session still stands.
    assert time.time() - person.session[SESSION_SEEN] < 60
    _age(person, seen=29 * 60)
    assert person.get(reverse("home")).status_code == 200


def test_a_busy_session_still_ends_after_its_lifetime(person, settings):
    _age(person, started=settings.SESSION_COOKIE_AGE)
    response = person.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "本次登录已达到最长在线时间" in person.get(response.url).content.decode()
    assert AuditEntry.objects.get(action="auth.session_expired").data["reason"] == "lifetime"


def test_the_idle_time_follows_the_setting(person, settings):
    settings.SESSION_IDLE_MINUTES = 5
    _age(person, seen=6 * 60)
    assert person.get(reverse("home")).status_code == 302


def test_an_expired_htmx_request_sends_the_whole_page_to_login(person):
    _age(person, seen=31 * 60)
    response = person.get(reverse("core:notifications"), HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"].startswith(reverse("login"))


def test_a_page_within_a_minute_of_the_last_does_not_write_the_session(person, django_assert_num_queries):
    seen = person.session[SESSION_SEEN]
    person.get(reverse("home"))
    assert person.session[SESSION_SEEN] == seen


@pytest.mark.parametrize("started,seen,reason", [
    (0, 0, None), (0, -1799, None), (0, -1800, "idle"), (-28799, -10, None), (-28800, -10, "lifetime"),
])
def test_session_end_reason(started, seen, reason):
    now = 1_000_000.0
    assert session_end_reason(started=now + started, seen=now + seen, now=now, idle_seconds=1800,
                              lifetime_seconds=28800) == reason

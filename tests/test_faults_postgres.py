"""PostgreSQL restarted under load: requests fail cleanly and the next ones succeed (connection health checks).

A restart ends every open connection; pg_terminate_backend does exactly that to the app's connections here.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from core.models import AuditEntry
from excel.models import ExportJob

from .faults import job_service

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…); CI runs on PostgreSQL"),
]


def _admin_connection():
    """A connection of its own, outside Django's, to play the restarting server."""
    import psycopg2

    params = connection.settings_dict
    db = psycopg2.connect(dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"] or None,
                          host=params["HOST"] or None, port=params["PORT"] or None)
    db.autocommit = True
    return db


def _terminate_others(db, keep: int = 0) -> int:
    """End every client connection to the test database but this one (and keep, the observing test's own)."""
    with db.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid() AND pid <> %s "
                       "AND backend_type = 'client backend'", [keep])
        return cursor.fetchone()[0]


def test_health_checks_and_persistent_connections_are_on_for_postgresql():
    params = connection.settings_dict
    assert params["CONN_HEALTH_CHECKS"] is True and params["CONN_MAX_AGE"] == 60


class InThread:
    """Requests served by Django's WSGI handler in this thread, as a gunicorn worker serves them: with the
    request_started/finished signals that check and recycle the persistent connection."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        name = django_settings.SESSION_COOKIE_NAME
        self.cookie = f"{name}={client.cookies[name].value}"
        self.handler = WSGIHandler()

    def get(self, path: str) -> int:
        environ = RequestFactory().get(path, HTTP_COOKIE=self.cookie).environ
        statuses = []
        response = self.handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(response)
        response.close()
        return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_a_restart_between_requests_costs_no_request_with_health_checks(banner):
    server = InThread(banner.officer)
    assert server.get("/") == 200
    first = connection.connection.get_backend_pid()
    admin = _admin_connection()
    try:
        assert _terminate_others(admin) >= 1
        assert server.get("/") == 200  # the dead connection is noticed at the start and replaced
        assert connection.connection.get_backend_pid() != first
        assert server.get(reverse("studios:detail", args=["WS-A"])) == 200
    finally:
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_without_health_checks_one_request_fails_cleanly_and_the_next_succeeds(banner):
    server = InThread(banner.officer)
    assert server.get("/") == 200
    admin = _admin_connection()
    saved = connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    connection.health_check_enabled = False  # read when the connection was opened
    try:
        _terminate_others(admin)
        assert server.get("/") == 500  # Django's own error page, no hang
        assert server.get("/") == 200  # the broken connection was dropped at the end of the failed request
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = saved
        connection.health_check_enabled = saved
        admin.close()


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr("excel.services.BACKGROUND_ROWS", 3)


def _opener(user):
    """A urllib opener logged in as user, with a CSRF cookie and the matching token for its POSTs."""
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    token = get_random_string(32)
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"{django_settings.SESSION_COOKIE_NAME}={session}; "
                                    f"{django_settings.CSRF_COOKIE_NAME}={token}")]
    return opener, token


def _request(opener, url, token, post: bool) -> int:
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode() if post else None
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_under_load_a_restart_fails_requests_cleanly_and_the_next_ones_succeed(banner, live_server,
                                                                               small_threshold):
    pages = [reverse("home"), reverse("studios:detail", args=["WS-A"]), reverse("activities:queue"),
             reverse("assessments:overview")]
    export = live_server.url + reverse("excel:export", args=["ledger"])
    statuses, lock = [], threading.Lock()
    admin = _admin_connection()
    connection.ensure_connection()
    observer = connection.connection.get_backend_pid()  # this test's own connection, not one of the app's
    kills = []
    with job_service("memory://"):  # jobs are queued, not built: the writes are the job row and its audit entry
        openers = [_opener(banner.officer) for _ in range(4)]

        def work(index):
            opener, token = openers[index]
            for number in range(12):
                if number % 4 == index:  # a restart while the other threads' requests are being served
                    with lock:
                        kills.append(_terminate_others(admin, observer))
                post = number % 3 == 0
                status = _request(opener, export if post else live_server.url + pages[number % len(pages)],
                                  token, post)
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads), "a request hung"
        assert len(statuses) == 48 and set(statuses) <= {200, 302, 500, 503}
        assert len(kills) == 12
        admin.close()
        opener, token = openers[0]
        after = [_request(opener, live_server.url + page, token, False) for page in pages * 3]
        after.append(_request(opener, export, token, True))
    assert set(after) == {200}, after  # the export answers 200 once it has followed the redirect to its job
    jobs = {str(pk) for pk in ExportJob.objects.values_list("pk", flat=True)}
    audited = set(AuditEntry.objects.filter(action="excel.export").values_list("target_id", flat=True))
    assert jobs == audited and jobs, (statuses, after)  # every job with its audit entry, no half-written one

"""Faults: the job service (Redis, the Celery worker) down, and a crash in the middle of an import or a sign-off.

PostgreSQL restarted under load is in tests/test_faults_postgres.py (it needs PostgreSQL).
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models.query import QuerySet
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import AssessmentSignoff
from core.models import AuditEntry, Notification
from excel import services as excel_services
from excel.importer import ledger_import
from excel.models import ExportJob
from excel.tasks import requeue_waiting_jobs
from excel.tests.helpers import ledger_bytes
from studios.tests.factories import school_year

from .faults import big_ledger_records, job_service, table_counts

ROOT = Path(__file__).resolve().parent.parent
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the job service is down
UNAVAILABLE = "后台任务服务暂时不可用"
WAITING = "等待开始……"


# --- the job service down -----------------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """Redis unreachable: the broker, the result backend and the cache all point at a closed port."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}}
    with job_service(CLOSED) as app:
        yield app


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr("excel.services.BACKGROUND_ROWS", 3)


def test_a_dead_broker_costs_a_request_a_couple_of_seconds_at_most():
    from mingshi.celery import app

    policy = app.conf.task_publish_retry_policy
    connect = app.conf.broker_transport_options["socket_connect_timeout"]
    attempts = policy["max_retries"] + 1
    worst = attempts * connect + policy["max_retries"] * policy["interval_max"]
    assert worst <= 3
    backend_policy = django_settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["retry_policy"]
    assert backend_policy["max_retries"] <= 1
    from excel.tasks import run_job

    assert run_job.ignore_result  # queueing a job never waits on the result backend


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role,names", [
    ("officer", [("home", []), ("studios:detail", ["WS-A"]), ("activities:queue", []),
                 ("assessments:overview", []), ("assessments:studio", ["WS-A"]), ("excel:index", []),
                 ("excel:studio", ["WS-A"]), ("security:lockouts", [])]),
    ("audit_admin", [("home", []), ("security:audit_log", [])]),
    ("host_a", [("home", []), ("studios:detail", ["WS-A"]), ("assessments:studio", ["WS-A"]),
                ("excel:studio", ["WS-A"])]),
    ("member_a", [("home", []), ("studios:detail", ["WS-A"]), ("assessments:mine", [])]),
])
def test_pages_keep_working_with_redis_down(banner, client_for, redis_down, role, names):
    client = client_for(banner.users[role])
    for name, args in names:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, response.status_code)


@pytest.mark.django_db(transaction=True)
def test_a_login_works_with_redis_down(banner, client, redis_down):
    user = banner.users["host_a"]
    user.set_password("correct-horse-battery")
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_large_export_asked_for_with_redis_down_is_kept_and_says_so_in_chinese(banner, client_for, redis_down,
                                                                               small_threshold):
    client = client_for(banner.officer)
    response = client.post(reverse("excel:export", args=["ledger"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("excel:job", args=[job.pk])
    assert job.status == ExportJob.Status.QUEUED and excel_services.job_waits_for_service(job)
    assert AuditEntry.objects.filter(action="excel.export", target_id=str(job.pk)).count() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200 and UNAVAILABLE in page.content.decode()
    state = client.get(reverse("excel:job_progress", args=[job.pk])).json()
    assert state["status"] == "queued" and UNAVAILABLE in state["message"] and "download_url" not in state
    assert client.get(reverse("excel:job_download", args=[job.pk])).status_code == 404
    assert excel_services.jobs_requeue() == 0  # still down: nothing handed over, nothing lost
    job.refresh_from_db()
    assert excel_services.job_waits_for_service(job)


@pytest.mark.django_db(transaction=True)
def test_an_archive_asked_for_with_redis_down_waits_and_the_page_retries_once_it_is_back(banner, client_for,
                                                                                        redis_down):
    client = client_for(banner.users["host_a"])
    year = school_year(2024)
    response = client.post(reverse("excel:archive", args=["WS-A"]), {"school_year": year.start_year})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == ExportJob.Kind.ARCHIVE
    assert UNAVAILABLE in client.get(reverse("excel:job_progress", args=[job.pk])).json()["message"]
    with job_service(None):  # the service is back (tasks run in-process here)
        state = client.get(reverse("excel:job_progress", args=[job.pk])).json()
    assert state["status"] == "done" and state["download_url"] == reverse("excel:job_download", args=[job.pk])
    assert client.get(state["download_url"]).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_jobs_queued_while_redis_was_down_are_requeued_by_beat_when_it_is_back(banner, client_for, redis_down,
                                                                               small_threshold):
    client = client_for(banner.officer)
    for _ in range(2):
        client.post(reverse("excel:export", args=["ledger"]))
    assert ExportJob.objects.filter(status=ExportJob.Status.QUEUED, error__startswith="queue-unavailable").count() == 2
    with job_service(None):
        assert requeue_waiting_jobs() == 2
    assert set(ExportJob.objects.values_list("status", flat=True)) == {ExportJob.Status.DONE}
    assert all(job.file and job.error == "" for job in ExportJob.objects.all())


def test_requeue_and_the_beat_schedule_are_registered():
    from mingshi.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"excel.tasks.requeue_waiting_jobs", "excel.tasks.cleanup_expired_jobs"} <= tasks


@pytest.mark.django_db(transaction=True)
def test_a_job_is_built_once_even_when_it_was_queued_twice(banner, client_for, small_threshold):
    with job_service(CLOSED):
        client_for(banner.officer).post(reverse("excel:export", args=["ledger"]))
    job = ExportJob.objects.get()
    first = excel_services.job_run(job_id=job.pk)
    name = first.file.name
    second = excel_services.job_run(job_id=job.pk)  # the duplicate message of a re-queue
    assert second.status == ExportJob.Status.DONE and second.file.name == name


@pytest.mark.django_db(transaction=True)
def test_a_workflow_step_that_notifies_succeeds_with_redis_down(banner, redis_down):
    from django.db import transaction

    from core.services import notification_send

    with transaction.atomic():
        notification_send(recipients=[banner.officer], verb="filing.submit", message="备案待审核", url="/")
    notification = Notification.objects.get(recipient=banner.officer)
    assert notification.emailed_at is None  # the e-mail waits; the in-app notification stands


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_with_the_worker_down_the_job_waits_and_a_worker_coming_back_builds_it(banner, client_for,
                                                                               small_threshold):
    """Redis up (the real one under CI, kombu's in-memory broker elsewhere), no worker: the job is queued and its
    page says it is waiting; a worker started afterwards takes the message and builds the file."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    client = client_for(banner.officer)
    with job_service(django_settings.REDIS_URL or "memory://") as app:
        response = client.post(reverse("excel:export", args=["ledger"]))
        job = ExportJob.objects.get()
        assert response.status_code == 302
        assert not excel_services.job_waits_for_service(job)
        state = client.get(reverse("excel:job_progress", args=[job.pk])).json()
        assert (state["status"], state["message"]) == ("queued", WAITING)
        assert WAITING in client.get(reverse("excel:job", args=[job.pk])).content.decode()
        finished = threading.Event()

        def on_postrun(sender=None, args=None, **kwargs):
            if sender is not None and sender.name == "excel.tasks.run_job" and list(args or ()) == [str(job.pk)]:
                finished.set()

        task_postrun.connect(on_postrun, weak=False)
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                assert finished.wait(timeout=60), "the worker did not run the queued job"
        finally:
            task_postrun.disconnect(on_postrun)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file
    assert client.get(reverse("excel:job_progress", args=[job.pk])).json()["status"] == "done"


# --- a crash in the middle of an import -----------------------------------------------------------------------------


class Crash(Exception):
    pass


@pytest.fixture
def big_ledger():
    return ledger_bytes(big_ledger_records())


@pytest.mark.django_db
@pytest.mark.parametrize("after", [1, 4, 9])
def test_an_exception_half_way_through_an_import_leaves_every_table_as_it_was(banner, monkeypatch, big_ledger,
                                                                             after):
    before = table_counts()
    original = QuerySet.bulk_create
    batches = []

    def failing(self, *args, **kwargs):
        created = original(self, *args, **kwargs)
        batches.append(self.model)
        if len(batches) == after:
            raise Crash(f"crash after writing {self.model._meta.db_table}")
        return created

    monkeypatch.setattr(QuerySet, "bulk_create", failing)
    with pytest.raises(Crash):
        ledger_import(big_ledger, actor=banner.officer, file_name="big.xlsx")
    assert len(batches) == after
    assert table_counts() == before


@pytest.mark.django_db
def test_a_failure_at_the_audit_entry_of_an_import_undoes_the_whole_import(banner, monkeypatch, big_ledger):
    before = table_counts()

    def failing_audit(**kwargs):
        raise Crash("audit log unavailable")

    monkeypatch.setattr("excel.importer.importing.audit_record", failing_audit)
    with pytest.raises(Crash):
        ledger_import(big_ledger, actor=banner.officer)
    assert table_counts() == before


@pytest.mark.django_db
def test_a_failed_confirm_keeps_the_uploaded_workbook_for_another_try(banner, monkeypatch, big_ledger):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = excel_services.ledger_upload_store(user=banner.officer,
                                                uploaded=SimpleUploadedFile("big.xlsx", big_ledger))
    before = table_counts()
    monkeypatch.setattr("excel.importer.importing.audit_record", lambda **kwargs: (_ for _ in ()).throw(Crash("down")))
    with pytest.raises(Crash):
        excel_services.ledger_import_confirm(actor=banner.officer, upload=upload)
    assert table_counts() == before
    upload.refresh_from_db()
    monkeypatch.undo()
    result = excel_services.ledger_import_confirm(actor=banner.officer, upload=upload)
    assert result.written and result.counts["教师"].created == 12 * 9


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:  # opening the file rolls back a crashed transaction's hot journal
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def _database_for_subprocess(tmp_path) -> tuple[dict, callable]:
    """Environment for a manage.py subprocess on the test database, and a function counting its tables."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DJANGO_ENV="test", MEDIA_ROOT=str(tmp_path / "media"), VAR_DIR=str(tmp_path / "var"),
               AXES_ENABLED="0", PYTHONPATH=str(ROOT))
    if connection.vendor == "sqlite":
        path = tmp_path / "crash.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)  # the in-memory test database, as a file another process opens
        env["DATABASE_URL"] = f"sqlite:///{path}"
        return env, lambda: _sqlite_counts(path)
    assert connection.vendor == "postgresql"
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
    return env, table_counts


def _wait_for_line(process, timeout: float) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the import never reached its writes"
    return process.stdout.readline()


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_with_sigkill_while_writing_leaves_nothing_of_the_workbook(banner, tmp_path, big_ledger):
    workbook = tmp_path / "big.xlsx"
    workbook.write_bytes(big_ledger)
    env, counts = _database_for_subprocess(tmp_path)
    env["FAULT_AFTER_BATCHES"] = "6"
    before = counts()
    process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fault_import_runner.py"), str(workbook)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               cwd=ROOT, text=True)
    try:
        line = _wait_for_line(process, timeout=120)
        assert line.startswith("WRITING"), process.stderr.read()
        if connection.vendor == "sqlite":
            assert Path(env["DATABASE_URL"].removeprefix("sqlite:///") + "-journal").exists()
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdin.close()
        process.stdout.close()
        process.stderr.close()
    if connection.vendor == "postgresql":
        _wait_for_backends_to_go(env["DATABASE_URL"].rsplit("/", 1)[1])
    after = counts()
    assert after == before
    assert {"members_teacher", "studios_studio", "records_work"} <= set(after)


def _wait_for_backends_to_go(database: str) -> None:
    """The killed client's server process aborts its transaction when it sees the socket close; wait for that."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                       "pg_backend_pid()", [database])


# --- a crash in the middle of a sign-off ---------------------------------------------------------------------------


def _sign(banner, **kwargs):
    import datetime

    values = {"actor": banner.officer, "studio": banner.a.studio, "school_year": school_year(2024),
              "kind": "annual", "grade": "fail", "comment": "", "person_grades": {},
              "as_of": datetime.date(2025, 10, 31)}
    values.update(kwargs)
    return assessment_services.signoff_create(**values)


@pytest.mark.django_db
def test_a_crash_after_the_signoff_row_before_its_audit_entry_keeps_neither(banner, monkeypatch):
    written = []
    original_save = AssessmentSignoff.save

    def save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        written.append(self.pk)

    def failing_audit(**kwargs):
        assert AssessmentSignoff.objects.filter(pk__in=written).exists()  # the row is written at this point
        raise Crash("crash before the audit entry")

    monkeypatch.setattr(AssessmentSignoff, "save", save)
    monkeypatch.setattr("assessments.services.audit_record", failing_audit)
    with pytest.raises(Crash):
        _sign(banner)
    assert written
    assert not AssessmentSignoff.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()


@pytest.mark.django_db
def test_a_crash_while_re_signing_keeps_the_first_signoff_untouched(banner, monkeypatch):
    first = _sign(banner, grade="fail")
    monkeypatch.setattr("assessments.services.audit_record", lambda **kwargs: (_ for _ in ()).throw(Crash("x")))
    with pytest.raises(Crash):
        _sign(banner, grade="pass", comment="经研究改为合格")
    stored = AssessmentSignoff.objects.get()
    assert (stored.pk, stored.grade, stored.comment) == (first.pk, "fail", "")
    assert AuditEntry.objects.filter(action__startswith="assessment.").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_signoff_page_that_crashes_answers_500_and_writes_nothing(banner, client_for, monkeypatch):
    monkeypatch.setattr("assessments.services.audit_record", lambda **kwargs: (_ for _ in ()).throw(Crash("x")))
    client = client_for(banner.officer)
    client.raise_request_exception = False
    response = client.post(reverse("assessments:signoff", args=["WS-A"]),
                           {"kind": "annual", "year": "2024-2025", "grade": "fail", "comment": "理由"})
    assert response.status_code in (200, 500)
    assert not AssessmentSignoff.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()

"""The audit log is append-only and hash-chained (等保 安全审计, 数据完整性); old entries go to a file, never lost."""

from __future__ import annotations

import datetime
import gzip
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from core.audit_archive import audit_archive, verify_archive, verify_table
from core.audit_chain import chain_pending
from core.models import AuditArchive, AuditEntry, AuditLogIsAppendOnly
from core.services import audit_record

POSTGRES = connection.vendor == "postgresql"
on_postgres = pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…); CI runs on it")


def _entries(banner, count=3, **extra):
    """Entries as committed: the test's transaction never commits, so the chaining that follows every commit is
    run here."""
    entries = [audit_record(actor=banner.officer, action="filing.approve", comment=f"第{index}条",
                            studio=banner.a.studio, data={"n": index, "名": "张"}, **extra) for index in range(count)]
    chain_pending()
    for entry in entries:
        entry.refresh_from_db()
    return entries


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _raw(sql: str, params=()):
    """What someone with direct database access would do (on PostgreSQL past the trigger, as its owner can)."""
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = 'replica'")  # a superuser switching triggers off
        cursor.execute(sql, params)
        if POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = 'origin'")


def test_an_entry_is_sealed_at_once_and_chained_when_its_transaction_commits(banner,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit_record(actor=banner.officer, action="filing.approve", studio=banner.a.studio)
        entry.refresh_from_db()
        assert len(entry.seal) == 64 and entry.seq is None and entry.hash == ""
    entry.refresh_from_db()
    assert entry.seq == 1 and len(entry.hash) == 64


def test_every_entry_is_chained_to_the_one_before(banner):
    first, second, third = _entries(banner)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert len({first.hash, second.hash, third.hash}) == 3 and all(len(e.hash) == 64 for e in (first, second, third))
    assert verify_table().intact
    assert "审计日志完整：已核对 3 条记录，哈希链没有断点" in _verify()


def test_the_orm_refuses_to_change_or_delete_an_entry(banner):
    entry, *_rest = _entries(banner)
    entry.comment = "改过"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="改过")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).comment == "第0条"


def test_a_person_in_the_log_cannot_be_deleted(banner):
    from django.db.models import ProtectedError

    _entries(banner, 1)
    with pytest.raises(ProtectedError):
        banner.officer.delete()


def test_audit_verify_finds_a_row_changed_by_sql(banner):
    _first, second, _third = _entries(banner)
    _raw("UPDATE core_auditentry SET comment = %s WHERE id = %s", ["篡改", second.pk])
    with pytest.raises(CommandError, match=rf"第 2 条记录处断开：id={second.pk}.*filing.approve"):
        _verify()


FORGE = ("INSERT INTO core_auditentry (created_at, action, target_id, target_repr, from_state, to_state, comment, "
         "data, seal, seq, hash) VALUES (%s, 'filing.approve', '', '', '', '', '伪造', '{}', %s, %s, %s)")


def test_audit_verify_finds_a_back_dated_row_inserted_by_sql_and_never_chains_it(banner):
    _first, second = _entries(banner, 2)
    _raw(FORGE, [timezone.now() - datetime.timedelta(days=30), second.seal, None, ""])
    result = verify_table()
    assert result.broken.reason == "unsealed" and result.broken.action == "filing.approve"
    assert AuditEntry.objects.filter(comment="伪造", seq__isnull=True).exists()
    with pytest.raises(CommandError, match="不在哈希链中"):
        _verify()


def test_audit_verify_finds_a_row_inserted_into_the_chain_by_sql(banner):
    _first, second = _entries(banner, 2)
    _raw(FORGE, [timezone.now() - datetime.timedelta(days=30), second.seal, second.seq + 1, second.hash])
    assert verify_table().broken.reason == "mismatch"


def test_audit_verify_finds_a_deleted_row(banner):
    _first, second, third = _entries(banner)
    _raw("DELETE FROM core_auditentry WHERE id = %s", [second.pk])
    assert verify_table().broken.pk == third.pk


def test_back_dated_bulk_entries_are_chained_too(banner):
    old = timezone.now() - datetime.timedelta(days=400)
    AuditEntry.objects.bulk_create([AuditEntry(created_at=old, action="document.submit", data={"k": (1, 2)})
                                    for _index in range(5)])
    _entries(banner, 1)
    assert verify_table().intact and AuditEntry.objects.filter(hash="").count() == 0


@on_postgres
@pytest.mark.postgres
def test_an_update_or_delete_on_the_audit_table_fails_on_postgresql(banner):
    from django.db import InternalError, ProgrammingError

    entry, *_rest = _entries(banner)
    for sql in ("UPDATE core_auditentry SET comment = '篡改' WHERE id = %s",
                "DELETE FROM core_auditentry WHERE id = %s"):
        with (pytest.raises((InternalError, ProgrammingError), match="append-only"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).comment == "第0条"


@on_postgres
@pytest.mark.postgres
def test_even_the_archiving_switch_cannot_delete_a_young_entry(banner):
    from django.db import InternalError, ProgrammingError

    entry, *_rest = _entries(banner)
    with (pytest.raises((InternalError, ProgrammingError), match="append-only"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("SET LOCAL mingshi.audit_archiving = 'on'")
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


@on_postgres
@pytest.mark.postgres
def test_the_trigger_lets_through_only_the_chaining_of_an_unchained_entry(banner):
    from django.db import InternalError, ProgrammingError

    entry = audit_record(actor=banner.officer, action="filing.approve", comment="原文")
    with (pytest.raises((InternalError, ProgrammingError), match="append-only"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("UPDATE core_auditentry SET seq = 99, hash = 'x', comment = '篡改' WHERE id = %s", [entry.pk])
    chain_pending()
    entry.refresh_from_db()
    assert entry.seq == 1 and entry.comment == "原文"
    with (pytest.raises((InternalError, ProgrammingError), match="append-only"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("UPDATE core_auditentry SET seq = 2 WHERE id = %s", [entry.pk])


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_neither_wait_for_each_other_nor_fork_the_chain():
    """Writer A audits and keeps its transaction open, then locks a row that writer B holds; B audits meanwhile.
    When the chain was linked under a lock held to the end of the writer's transaction, B waited for A's lock
    while A waited for B's row: a deadlock. Now B's entry is written at once, and both are chained on commit."""
    from studios.models import SchoolYear

    year = SchoolYear.objects.create(start_year=2040, start="2040-09-01", end="2041-08-31",
                                     semester2_start="2041-02-01")
    a_wrote, b_locked, b_done = threading.Event(), threading.Event(), threading.Event()
    audit_record(actor=None, action="auth.login_failed", data={"username": "start"})
    errors = []

    def writer_a():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="auth.login_failed", data={"username": "a"})
                a_wrote.set()
                assert b_locked.wait(30)
                SchoolYear.objects.select_for_update().get(pk=year.pk)  # waits for B's commit, no longer
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def writer_b():
        try:
            assert a_wrote.wait(30)
            with transaction.atomic():
                SchoolYear.objects.select_for_update().get(pk=year.pk)
                b_locked.set()
                audit_record(actor=None, action="auth.login_failed", data={"username": "b"})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            b_done.set()
            connections.close_all()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    assert b_done.wait(30), "writer B waited on writer A's open transaction"
    for thread in threads:
        thread.join(30)
    assert errors == []
    chain = list(AuditEntry.objects.order_by("seq").values_list("seq", "data__username"))
    # B commits first; whether A has committed too by the time B's chainer looks decides the order of the two
    # (entries committed together are chained in the order written). Either way: one chain, no gap, no fork.
    assert chain[0] == (1, "start")
    assert sorted(chain[1:]) in ([(2, "a"), (3, "b")], [(2, "b"), (3, "a")])
    assert verify_table().intact and _advisory_waiters() == 0


def _advisory_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


def _wait_for(condition, timeout: float = 20.0) -> bool:
    event = threading.Event()
    deadline = timezone.now() + datetime.timedelta(seconds=timeout)
    while timezone.now() < deadline:
        if condition():
            return True
        event.wait(0.05)
    return False


# --- retention and archive ---------------------------------------------------------------------------------------

def _old_and_new(banner):
    old = timezone.now() - datetime.timedelta(days=200)
    AuditEntry.objects.bulk_create([AuditEntry(created_at=old + datetime.timedelta(minutes=index),
                                               action="auth.login", actor=banner.officer, data={"i": index})
                                    for index in range(4)])
    return _entries(banner, 2)


def test_old_entries_are_archived_to_a_file_and_the_chain_goes_on(banner, tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    young = _old_and_new(banner)
    summary = audit_archive(days=180)
    assert summary["count"] == 4
    assert list(AuditEntry.objects.order_by("id")) == young
    archive = AuditArchive.objects.get()
    assert archive.count == 4 and archive.last_hash and archive.file_name.endswith(".jsonl.gz")
    path = tmp_path / archive.file_name
    assert verify_archive(path).intact and verify_archive(path).checked == 4
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][1:]
    assert [row["data"]["i"] for row in rows] == [0, 1, 2, 3] and rows[0]["actor_username"] == "officer"
    # The entries left in the table link to the archive's last hash, and new ones go on from there.
    assert verify_table().intact
    _entries(banner, 1)
    assert verify_table().intact
    # Nothing more is old enough: a second run archives nothing.
    assert audit_archive(days=180) == {"count": 0}


def test_a_changed_archive_file_is_found(banner, tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _old_and_new(banner)
    audit_archive(days=180)
    path = tmp_path / AuditArchive.objects.get().file_name
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    lines[2] = lines[2].replace('"auth.login"', '"auth.logout"')
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="归档文件.*第 2 条记录处断开"):
        call_command("audit_verify", archive=path)


def test_entries_are_kept_at_least_180_days(banner, tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _old_and_new(banner)
    with pytest.raises(CommandError, match="不少于|at least 180"):
        call_command("audit_archive", days=30)
    assert AuditEntry.objects.count() == 6 and not list(tmp_path.iterdir())


def test_a_broken_chain_is_not_archived(banner, tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _old_and_new(banner)
    first = AuditEntry.objects.order_by("id").first()
    _raw("UPDATE core_auditentry SET comment = '篡改' WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match="未归档"):
        call_command("audit_archive", days=180)
    assert AuditEntry.objects.count() == 6 and not AuditArchive.objects.exists()


def test_the_dry_run_only_counts(banner, tmp_path, settings):
    from io import StringIO

    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _old_and_new(banner)
    out = StringIO()
    call_command("audit_archive", days=180, dry_run=True, stdout=out)
    assert "将归档 4 条审计记录" in out.getvalue() and AuditEntry.objects.count() == 6

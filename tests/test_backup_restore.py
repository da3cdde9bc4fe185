"""deploy/backup.sh and deploy/restore.sh, for real: back up, damage, restore, and find everything back."""

import hashlib
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
BACKUP = BASE_DIR / "deploy" / "backup.sh"
RESTORE = BASE_DIR / "deploy" / "restore.sh"
POSTGRES_SERVER = os.environ.get("BACKUP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROWS = [("WS-01", "张老师语文名师工作室"), ("WS-02", "李老师数学名师工作室"), ("WS-03", "王老师英语名师工作室")]
FILES = {
    "private/2025/05/3f2a.pdf": b"%PDF-1.4 activity plan",
    "private/2025/06/9c1d.docx": "工作室成果：论文《乡村小学阅读教学》".encode(),
    "private/2026/01/empty.txt": b"",
}


def _env(tmp_path, database_url):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "VAR_DIR", "MEDIA_ROOT", "STORAGE_BACKEND", "MINGSHI_ENV_FILE")}
    env.update(DATABASE_URL=database_url, VAR_DIR=str(tmp_path / "var"), MEDIA_ROOT=str(tmp_path / "var" / "media"),
               MINGSHI_ENV_FILE=str(tmp_path / "no-such-env-file"))
    return env


def _run(script, *args, env):
    return subprocess.run(["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=300)


def _write_media(media: Path):
    for name, content in FILES.items():
        path = media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _damage_media(media: Path):
    (media / "private/2025/05/3f2a.pdf").unlink()
    (media / "private/2025/06/9c1d.docx").write_bytes(b"overwritten")
    (media / "private/2026/02").mkdir(parents=True)
    (media / "private/2026/02/stray.pdf").write_bytes(b"written after the backup")


def _media_digest(media: Path) -> dict:
    return {str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(media.rglob("*")) if path.is_file()}


def _backup(tmp_path, env) -> Path:
    result = _run(BACKUP, str(tmp_path / "backups"), env=env)
    assert result.returncode == 0, result.stderr
    backup = Path(result.stdout.strip().splitlines()[-1])
    assert backup.is_dir() and backup.parent == tmp_path / "backups"
    assert (backup / "SHA256SUMS").is_file() and (backup / "media.tar.gz").is_file()
    return backup


def _restore(backup, env):
    result = _run(RESTORE, str(backup), "--yes", env=env)
    assert result.returncode == 0, result.stderr


def test_sqlite_round_trip_brings_back_rows_and_files(tmp_path):
    env = _env(tmp_path, "")
    var = tmp_path / "var"
    var.mkdir()
    db_path = var / "db.sqlite3"
    with sqlite3.connect(db_path) as db:
        db.execute("create table studio (id integer primary key autoincrement, code text unique, name text)")
        db.executemany("insert into studio (code, name) values (?, ?)", ROWS)
    _write_media(var / "media")
    expected_media = _media_digest(var / "media")

    backup = _backup(tmp_path, env)
    assert "database=sqlite" in (backup / "INFO").read_text()

    with sqlite3.connect(db_path) as db:
        db.execute("delete from studio where code = 'WS-01'")
        db.execute("update studio set name = '被改动' where code = 'WS-02'")
        db.execute("insert into studio (code, name) values ('WS-99', '备份之后新增')")
    _damage_media(var / "media")

    _restore(backup, env)

    with sqlite3.connect(db_path) as db:
        assert db.execute("select code, name from studio order by code").fetchall() == ROWS
    assert _media_digest(var / "media") == expected_media
    assert not any(path.name.startswith(".media-") for path in var.iterdir())


def test_restore_refuses_without_yes_and_with_a_damaged_backup(tmp_path):
    env = _env(tmp_path, "")
    var = tmp_path / "var"
    var.mkdir()
    with sqlite3.connect(var / "db.sqlite3") as db:
        db.execute("create table studio (code text)")
        db.execute("insert into studio values ('WS-01')")
    _write_media(var / "media")
    backup = _backup(tmp_path, env)
    with sqlite3.connect(var / "db.sqlite3") as db:
        db.execute("insert into studio values ('WS-02')")

    unconfirmed = _run(RESTORE, str(backup), env=env)
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr

    with open(backup / "media.tar.gz", "ab") as archive:
        archive.write(b"tampered")
    damaged = _run(RESTORE, str(backup), "--yes", env=env)
    assert damaged.returncode != 0 and "checksums" in damaged.stderr

    with sqlite3.connect(var / "db.sqlite3") as db:
        assert db.execute("select count(*) from studio").fetchone() == (2,)
    assert _media_digest(var / "media") == {name: hashlib.sha256(content).hexdigest()
                                            for name, content in sorted(FILES.items())}


def test_backup_refuses_a_missing_sqlite_database(tmp_path):
    result = _run(BACKUP, str(tmp_path / "backups"), env=_env(tmp_path, ""))
    assert result.returncode != 0 and "no SQLite database" in result.stderr
    assert not any((tmp_path / "backups").glob("mingshi-*"))


def _psql(url, sql):
    result = subprocess.run(["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "--set",
                             "ON_ERROR_STOP=1", "--dbname", url, "--command", sql],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def throwaway_postgres():
    name = f"mingshi_restore_{uuid.uuid4().hex[:10]}"
    _psql(POSTGRES_SERVER, f'create database "{name}"')
    url = POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    yield url
    _psql(POSTGRES_SERVER, f'drop database if exists "{name}" with (force)')


@pytest.mark.postgres
def test_postgresql_round_trip_brings_back_rows_sequences_and_files(tmp_path, throwaway_postgres):
    url = throwaway_postgres
    env = _env(tmp_path, url.replace("postgresql://", "postgres://", 1))
    _psql(url, "create table studio (id serial primary key, code varchar(20) unique not null, name text not null);"
               "create table work (id serial primary key, studio_id integer not null references studio(id),"
               " title text not null)")
    values = ", ".join(f"('{code}', '{name}')" for code, name in ROWS)
    _psql(url, f"insert into studio (code, name) values {values};"
               "insert into work (studio_id, title) select id, name || '的论文' from studio")
    media = tmp_path / "var" / "media"
    _write_media(media)
    expected_media = _media_digest(media)

    backup = _backup(tmp_path, env)
    assert (backup / "database.pgdump").is_file() and "database=postgresql" in (backup / "INFO").read_text()

    _psql(url, "delete from work; delete from studio where code = 'WS-01';"
               "update studio set name = '被改动' where code = 'WS-02';"
               "insert into studio (code, name) values ('WS-99', '备份之后新增')")
    _damage_media(media)

    _restore(backup, env)

    restored = _psql(url, "select code || '|' || name from studio order by code")
    assert restored.splitlines() == [f"{code}|{name}" for code, name in ROWS]
    assert _psql(url, "select count(*) from work") == "3"
    # The sequences came back too: a new row does not collide with a restored one.
    assert _psql(url, "insert into studio (code, name) values ('WS-04', '新工作室') returning id") == "4"
    assert _media_digest(media) == expected_media

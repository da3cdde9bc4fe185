"""Retention of the audit log (等保 安全审计 c: 审计记录留存不少于六个月): entries are kept at least
AUDIT_RETENTION_DAYS (≥ 180) days; older ones are written to a gzip file of JSON lines, checked, recorded as an
AuditArchive and only then removed from the table. Nothing is dropped without its file."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .audit_chain import GENESIS, Broken, Verification, chain_key, chain_pending, unchained_entries, verify_entries
from .models import AuditArchive, AuditEntry

FORMAT = "mingshi-audit-archive/1"
FIELDS = ("id", "seq", "created_at", "actor_id", "action", "studio_id", "target_type_id", "target_id", "target_repr",
          "from_state", "to_state", "comment", "data", "ip", "seal", "hash")


class ArchiveRefused(Exception):
    pass


def chain_start() -> str:
    """What the oldest entry still in the table links to: the last archive's final hash, or the chain's start."""
    archive = AuditArchive.objects.order_by("-last_seq").first()
    return archive.last_hash if archive is not None else GENESIS


def _chained():
    return AuditEntry.objects.filter(seq__isnull=False).order_by("seq").select_related(None)


def verify_table() -> Verification:
    """The chain in the table, after chaining what has just been committed; then any entry left out of it (one
    written behind the application's back has no valid seal and is never chained)."""
    chain_pending()
    result = verify_entries(_chained().iterator(chunk_size=2000), previous=chain_start())
    if result.intact:
        outside = unchained_entries().first()
        if outside is not None:
            return Verification(result.checked + 1, Broken(outside.pk, outside.created_at, outside.action,
                                                           "unsealed"), result.last_hash)
    return result


def _line(entry, usernames: dict) -> str:
    row = {name: getattr(entry, name) for name in FIELDS}
    row["created_at"] = entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    row["actor_username"] = usernames.get(entry.actor_id, "")
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def _entry_from(row: dict) -> SimpleNamespace:
    return SimpleNamespace(pk=row["id"], **{"seal": "", **row,
                                            "created_at": datetime.datetime.fromisoformat(row["created_at"])})


def read_archive(path: Path) -> tuple[dict, list[SimpleNamespace]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = json.loads(handle.readline())
        if header.get("format") != FORMAT:
            raise ArchiveRefused(f"{path} is not an audit archive")
        return header, [_entry_from(json.loads(line)) for line in handle if line.strip()]


def verify_archive(path: Path) -> Verification:
    header, entries = read_archive(path)
    result = verify_entries(entries, previous=header["previous_hash"], key=chain_key())
    if result.intact and len(entries) != header["count"]:
        last = entries[-1] if entries else None
        from .audit_chain import Broken

        return Verification(len(entries), Broken(last.pk if last else 0, last.created_at if last else
                                                 timezone.now(), last.action if last else "", "truncated"),
                            result.last_hash)
    return result


def archivable(*, days: int) -> list[AuditEntry]:
    """The oldest entries, in chain order, up to the first one younger than the retention time (the chain goes on
    from the last archived entry, so only a beginning of it can leave the table)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    first_young = _chained().filter(created_at__gte=cutoff).values_list("seq", flat=True).first()
    old = _chained()
    if first_young is not None:
        old = old.filter(seq__lt=first_young)
    return list(old)


def audit_archive(*, days: int | None = None, directory: Path | None = None, dry_run: bool = False) -> dict:
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days < settings.AUDIT_MIN_RETENTION_DAYS:
        raise ArchiveRefused(f"entries are kept at least {settings.AUDIT_MIN_RETENTION_DAYS} days")
    directory = Path(directory or settings.AUDIT_ARCHIVE_DIR)
    chain_pending()
    with transaction.atomic():
        from .audit_chain import lock_chain

        lock_chain()  # nobody chains a new entry while the beginning of the chain moves to a file
        entries = archivable(days=days)
        if not entries:
            return {"count": 0}
        previous = chain_start()
        checked = verify_entries(entries, previous=previous)
        if not checked.intact:
            raise ArchiveRefused(f"the chain is broken at entry {checked.broken.pk}: run manage.py audit_verify")
        summary = {"count": len(entries), "first_seq": entries[0].seq, "last_seq": entries[-1].seq,
                   "oldest": min(entry.created_at for entry in entries),
                   "newest": max(entry.created_at for entry in entries)}
        if dry_run:
            return summary
        path = _write(directory, entries, previous)
        written = verify_archive(path)
        if not written.intact or written.checked != len(entries):
            raise ArchiveRefused(f"{path} did not read back intact; nothing was removed")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        AuditArchive.objects.create(
            first_seq=entries[0].seq, last_seq=entries[-1].seq, count=len(entries), oldest=summary["oldest"],
            newest=summary["newest"], previous_hash=previous, last_hash=entries[-1].hash, file_name=path.name,
            file_sha256=digest,
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL mingshi.audit_archiving = 'on'")
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq >= %s AND seq <= %s",
                           [entries[0].seq, entries[-1].seq])
        return summary | {"file": str(path), "sha256": digest}


def _write(directory: Path, entries: list[AuditEntry], previous: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    from django.contrib.auth import get_user_model

    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    usernames = dict(get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", "username"))
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"audit-{stamp}-{entries[0].pk}-{entries[-1].pk}.jsonl.gz"
    header = {"format": FORMAT, "previous_hash": previous, "count": len(entries),
              "written_at": timezone.now().isoformat(timespec="seconds")}
    with open(path, "xb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as handle:
        handle.write((json.dumps(header) + "\n").encode())
        for entry in entries:
            handle.write((_line(entry, usernames) + "\n").encode())
        handle.flush()
    with open(path, "rb") as raw:
        os.fsync(raw.fileno())
    return path

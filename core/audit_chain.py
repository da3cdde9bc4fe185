"""The audit log's hash chain (等保 安全审计 c/d, 数据完整性).

Two HMACs guard every entry, both keyed with AUDIT_CHAIN_KEY (by default derived from SECRET_KEY), so whoever can
write to the database but does not hold the key can neither forge an entry nor rebuild the chain after a change:
- its **seal**, written with the entry: the HMAC of its own content (time, actor, event, object, result, address);
- its **link** (`hash`), written once the entry's transaction has committed: the HMAC of the previous link and the
  seal, with the entry's place in the chain (`seq`).

Why after the commit: a writer that held one lock on the chain from its first audit entry to the end of its
transaction serialised every auditing transaction in the application (an hour-long import would have stopped
every approval) and deadlocked against row locks taken after the entry. Chaining instead runs in its own short
transaction that takes nothing but the chain's lock (`chain_pending`, queued with `transaction.on_commit`, and
run again by `audit_verify`). An entry without a valid seal is never chained: `audit_verify` names it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

# pg_advisory_xact_lock key of the audit chain (any constant the application uses for nothing else).
CHAIN_LOCK_KEY = 0x6D696E67  # "ming"
GENESIS = ""  # the "previous hash" of the very first entry


def _ip(value) -> str:
    # PostgreSQL's inet and Python print some IPv6 forms differently: hash the address's bytes.
    if not value:
        return ""
    try:
        return ipaddress.ip_address(str(value)).packed.hex()
    except ValueError:
        return str(value)


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def normalise_data(data) -> dict:
    """The details as the database gives them back (JSON): what is hashed is exactly what is stored."""
    return json.loads(json.dumps(data or {}, ensure_ascii=False, sort_keys=True))


def entry_payload(entry) -> bytes:
    """Every field an assessor reads — time, actor, event, object, result, address, details — in one canonical
    form (works on the model and on historical models in migrations)."""
    fields = {
        "created_at": _moment(entry.created_at),
        "actor": entry.actor_id,
        "action": entry.action,
        "studio": entry.studio_id,
        "target_type": entry.target_type_id,
        "target_id": entry.target_id or "",
        "target_repr": entry.target_repr or "",
        "from_state": entry.from_state or "",
        "to_state": entry.to_state or "",
        "comment": entry.comment or "",
        "data": normalise_data(entry.data),
        "ip": _ip(entry.ip),
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", None) or "audit-chain:" + settings.SECRET_KEY
    return key.encode()


def seal_of(entry, *, key: bytes | None = None) -> str:
    """The HMAC of the entry's own content, written with it."""
    return hmac.new(key or chain_key(), b"seal\n" + entry_payload(entry), hashlib.sha256).hexdigest()


def link_of(previous: str, seal: str, *, key: bytes | None = None) -> str:
    """The entry's link in the chain: the previous link and the entry's seal."""
    return hmac.new(key or chain_key(), previous.encode() + b"\n" + seal.encode(), hashlib.sha256).hexdigest()


def chain_hash(previous: str, entry, *, key: bytes | None = None) -> str:
    """The link an entry with this content gets after `previous`."""
    key = key or chain_key()
    return link_of(previous, seal_of(entry, key=key), key=key)


def lock_chain() -> None:
    """Serialise the chainers until the current (short) transaction ends (PostgreSQL). SQLite needs nothing: its
    transactions take the database's write lock when they begin (transaction_mode IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


@dataclass(frozen=True)
class Broken:
    pk: int
    created_at: datetime.datetime
    action: str
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: Broken | None
    last_hash: str

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_entries(entries, *, previous: str = GENESIS, key: bytes | None = None) -> Verification:
    """Walk entries in chain order; stop at the first whose content does not give its seal (changed) or whose
    link is not the one its seal and its predecessor give (inserted, removed or reordered before it)."""
    key = key or chain_key()
    checked = 0
    for entry in entries:
        checked += 1
        if not entry.hash:
            return Verification(checked, Broken(entry.pk, entry.created_at, entry.action, "unchained"), previous)
        seal = seal_of(entry, key=key)
        if not hmac.compare_digest(entry.seal or "", seal) or not hmac.compare_digest(
                entry.hash, link_of(previous, seal, key=key)):
            return Verification(checked, Broken(entry.pk, entry.created_at, entry.action, "mismatch"), previous)
        previous = entry.hash
    return Verification(checked, None, previous)


def chain_pending(*, batch: int = 2000) -> int:
    """Chain the committed entries that are not chained yet, in the order they were written; returns how many.

    Runs in its own short transaction holding only the chain's lock, so it can neither deadlock against a
    writer's row locks nor make one wait. An entry whose seal its content does not give (written behind the
    application's back) is left unchained, for `audit_verify` to report."""
    from django.db import transaction

    from .models import AuditEntry

    chained, after = 0, 0
    key = chain_key()
    while True:
        with transaction.atomic():
            lock_chain()
            pending = list(AuditEntry.objects.filter(seq__isnull=True, id__gt=after).order_by("id")[:batch])
            if not pending:
                return chained
            after = pending[-1].pk
            seq, previous = AuditEntry.chain_end()
            done = []
            for entry in pending:
                if not entry.seal or not hmac.compare_digest(entry.seal, seal_of(entry, key=key)):
                    continue
                seq += 1
                previous = link_of(previous, entry.seal, key=key)
                done.append((seq, previous, entry.pk))
            if done:
                AuditEntry.objects.set_links(done)
            chained += len(done)
            if len(pending) < batch:
                return chained


def unchained_entries():
    """Entries the chain does not hold: forged (no valid seal), or committed moments ago and about to be chained."""
    from .models import AuditEntry

    return AuditEntry.objects.filter(seq__isnull=True).order_by("id")

"""The audit log's hash chain (等保 安全审计 c/d, 数据完整性): each entry carries an HMAC of its own content and of
the entry before it, so that an entry changed, inserted or removed behind the application's back breaks the chain
at that point (`manage.py audit_verify` names the first broken link).

The key is AUDIT_CHAIN_KEY (by default derived from SECRET_KEY): whoever can write to the database but does not
hold the key cannot rebuild the chain after a change. Entries are chained in id order; on PostgreSQL every writer
takes one advisory lock until its transaction ends, so two writers at once never link to the same entry.
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


def chain_hash(previous: str, entry, *, key: bytes | None = None) -> str:
    return hmac.new(key or chain_key(), previous.encode() + b"\n" + entry_payload(entry), hashlib.sha256).hexdigest()


def lock_chain() -> None:
    """Serialise the writers of the chain until the current transaction ends (PostgreSQL). SQLite needs nothing:
    its transactions take the database's write lock when they begin (transaction_mode IMMEDIATE)."""
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
    """Walk entries in chain order; stop at the first whose stored hash is not the one its content and its
    predecessor give (changed, inserted, removed before it, or never chained)."""
    key = key or chain_key()
    checked = 0
    for entry in entries:
        checked += 1
        if not entry.hash:
            return Verification(checked, Broken(entry.pk, entry.created_at, entry.action, "unchained"), previous)
        if not hmac.compare_digest(entry.hash, chain_hash(previous, entry, key=key)):
            return Verification(checked, Broken(entry.pk, entry.created_at, entry.action, "mismatch"), previous)
        previous = entry.hash
    return Verification(checked, None, previous)

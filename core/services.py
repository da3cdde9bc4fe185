"""Writes shared by every app: the audit log, private uploads, notifications."""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, Notification, Upload
from .uploads import EXTENSIONS, CheckedFile, count_chars, extract_text

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A refused action, with a message for the person (in Chinese once translated)."""


def client_ip(request) -> str | None:
    """The client's address (behind nginx, security.middleware has put X-Real-IP here), or None."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    studio=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
    request=None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        studio=studio,
        from_state=from_state or "",
        to_state=to_state or "",
        comment=comment or "",
        data=data or {},
        ip=client_ip(request),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:255]
    entry.save()
    return entry


def audit_trail(target):
    """The transitions recorded for one object, oldest first, for its page."""
    return (
        AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
        .select_related("actor", "actor__teacher")
        .order_by("created_at", "id")
    )


def upload_create(
    *,
    checked: CheckedFile,
    original_name: str,
    user,
    studio=None,
    owner=None,
    visibility: str = Upload.Visibility.OWNER,
    count_text: bool = False,
) -> Upload:
    """Store a checked file under a random name; the original name is kept only as data."""
    text_chars = None
    if count_text:
        text = extract_text(checked)
        text_chars = count_chars(text) if text is not None else None
    safe_name = _display_name(original_name, checked.kind)
    upload = Upload(
        original_name=safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        text_chars=text_chars,
        studio=studio,
        owner=owner,
        visibility=visibility,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    upload.file.save(f"upload{EXTENSIONS[checked.kind]}", ContentFile(checked.data), save=False)
    upload.save()
    # Bytes written by a transaction that later rolls back are removed by `manage.py purge_orphan_files`.
    return upload


def _display_name(original_name: str, kind: str) -> str:
    """Keep the person's name for downloads (Chinese intact) but drop any path and fix the extension."""
    base = (original_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".") or "file"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"|?*')[:120] or "file"
    return f"{stem}{EXTENSIONS[kind]}"


def upload_discard(upload: Upload | None) -> None:
    """Delete an upload row now; its bytes go once the transaction has committed (core.signals)."""
    if upload is not None:
        upload.delete()


def notification_send(*, recipients, verb: str, message: str, url: str = "") -> list[Notification]:
    """In-app notification for each recipient, and an e-mail queued once the transaction commits."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, verb=verb, message=message, url=url) for user in users.values()]
    )
    ids = [notification.pk for notification in notifications if notification.pk]
    if ids:
        transaction.on_commit(lambda: _queue_notification_emails(ids))
    return notifications


def _queue_notification_emails(ids: list[int]) -> None:
    """Queue the e-mails; with the job service (Redis) down the action still succeeds and the in-app
    notifications stand, the e-mails are left unsent (emailed_at stays empty)."""
    from .tasks import send_notification_emails

    try:
        send_notification_emails.delay(ids)
    except Exception as error:  # kombu's OperationalError, the result backend's RuntimeError, a timeout…
        logger.warning("notification e-mails %s could not be queued: %s", ids, error)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


def email_subject_text(text: str, limit: int = 40) -> str:
    """A subject is one header line: a newline in a title (typed or crafted) would make Django refuse the whole
    message (BadHeaderError, header injection) and lose the batch, so every run of whitespace becomes one space."""
    return " ".join((text or "").split())[:limit]


def notification_emails_deliver(*, ids: list[int]) -> int:
    """Send the e-mails of these notifications that have not gone out yet; returns how many were sent."""
    from django.core.mail import send_mail

    sent = 0
    pending = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient")
    for notification in pending:
        address = notification.recipient.email
        if address:
            send_mail(
                subject=f"【名师工作室】{email_subject_text(notification.message)}",
                message=notification.message + (f"\n\n{notification.url}" if notification.url else ""),
                from_email=None,
                recipient_list=[address],
            )
            sent += 1
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent

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
from .uploads import EXTENSIONS, IMAGES, NEEDS_CONVERSION, CheckedFile, count_chars, extract_text

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
    conversion = ocr = ""
    if count_text:
        text = extract_text(checked)
        text_chars = count_chars(text) if text is not None else None
        if checked.kind in NEEDS_CONVERSION:
            conversion = Upload.Conversion.PENDING
        elif text_chars is None:
            ocr = Upload.Recognition.PENDING  # a scan or a photo: its text is recognised in the background
    previewable = checked.kind in PREVIEWABLE
    safe_name = _display_name(original_name, checked.kind)
    upload = Upload(
        original_name=safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        text_chars=text_chars,
        conversion=conversion,
        ocr_status=ocr,
        preview=Upload.Preview.PENDING if previewable else (Upload.Preview.DONE if checked.kind in IMAGES else ""),
        preview_pages=1 if checked.kind in IMAGES else 0,
        studio=studio,
        owner=owner,
        visibility=visibility,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    upload.file.save(f"upload{EXTENSIONS[checked.kind]}", ContentFile(checked.data), save=False)
    upload.save()
    # Bytes written by a transaction that later rolls back are removed by `manage.py purge_orphan_files`.
    if conversion or ocr or previewable:
        upload_id = upload.pk
        transaction.on_commit(lambda: _queue_reading(upload_id))
    return upload


# Documents whose pages the worker draws as images; a photo is its own preview.
PREVIEWABLE = frozenset({"docx", "doc", "wps", "odt", "pdf", "txt"})


def _queue_reading(upload_id) -> None:
    """Queue the background reading; with the job service down the upload stands and shows as waiting."""
    from .tasks import read_upload

    try:
        read_upload.delay(str(upload_id))
    except Exception as error:  # kombu's OperationalError, a timeout…
        logger.warning("upload %s could not be queued for reading: %s", upload_id, error)


def upload_read(*, upload_id) -> Upload | None:
    """The background worker's part (core.tasks.read_upload): count a .doc or .wps through the office engine,
    recognise a scan's text (OCR), draw the pages for the preview. Each step records its own outcome, so one
    that fails (a damaged file, a timeout) leaves the others done and the upload usable."""
    from django.core.exceptions import ValidationError

    from . import convert
    from .sandbox import ToolMissing
    from .signals import preview_name, upload_counted, upload_read_done
    from .uploads import KINDS

    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return None
    with upload.file.open("rb") as stream:
        data = stream.read()
    kind = KINDS.get(upload.content_type, "")
    checked = CheckedFile(kind=kind, content_type=upload.content_type, size=len(data), data=data)
    failures = (ValidationError, ToolMissing, OSError)
    if upload.conversion == Upload.Conversion.PENDING:
        try:
            text = extract_text(checked, convert=True)
        except failures as error:
            logger.warning("upload %s could not be converted: %s", upload.pk, error)
            Upload.objects.filter(pk=upload.pk).update(conversion=Upload.Conversion.FAILED)
        else:
            upload.text_chars = count_chars(text or "")
            upload.conversion = Upload.Conversion.NONE
            Upload.objects.filter(pk=upload.pk).update(text_chars=upload.text_chars, conversion="")
            upload_counted.send(sender=Upload, upload=upload)
    if upload.ocr_status == Upload.Recognition.PENDING:
        try:
            text = convert.ocr_pdf(data) if kind == "pdf" else convert.ocr_image(data, kind)
        except failures as error:
            logger.warning("upload %s could not be recognised: %s", upload.pk, error)
            Upload.objects.filter(pk=upload.pk).update(ocr_status=Upload.Recognition.FAILED)
        else:
            Upload.objects.filter(pk=upload.pk).update(ocr_status=Upload.Recognition.DONE,
                                                       ocr_chars=count_chars(text))
    if upload.preview in (Upload.Preview.PENDING, Upload.Preview.NONE) and kind in PREVIEWABLE:
        try:
            pdf = data if kind == "pdf" else convert.office_convert(data, kind, "pdf")
            pages = convert.render_pdf(pdf)
        except failures as error:
            logger.warning("upload %s could not be previewed: %s", upload.pk, error)
            Upload.objects.filter(pk=upload.pk).update(preview=Upload.Preview.FAILED)
        else:
            storage = upload.file.storage
            for number, image in enumerate(pages, start=1):
                name = preview_name(upload, number)
                storage.delete(name)
                storage.save(name, ContentFile(image))
            Upload.objects.filter(pk=upload.pk).update(preview=Upload.Preview.DONE, preview_pages=len(pages))
    upload.refresh_from_db()
    upload_read_done.send(sender=Upload, upload=upload)
    return upload


def upload_preview_request(*, upload: Upload) -> Upload:
    """An upload from before previews existed gets its pages drawn the first time someone looks."""
    if upload.preview == Upload.Preview.NONE and upload.kind in PREVIEWABLE:
        Upload.objects.filter(pk=upload.pk, preview=Upload.Preview.NONE).update(preview=Upload.Preview.PENDING)
        upload.preview = Upload.Preview.PENDING
        upload_id = upload.pk
        transaction.on_commit(lambda: _queue_reading(upload_id))
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

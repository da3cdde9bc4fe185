import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _random_upload_path(instance, filename):
    # Never trust the user's name on disk: a random name, sharded by month, keeping only a safe extension.
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".pdf", ".docx", ".doc", ".wps", ".odt", ".txt", ".jpg", ".jpeg", ".png", ".xlsx", ".zip"}:
        suffix = ""
    return f"private/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Upload(models.Model):
    """A private file. Records point at uploads; the serve view checks access through the owning studio."""

    class Visibility(models.TextChoices):
        OWNER = "owner", _("Owner, studio host and office")
        STUDIO = "studio", _("Everyone in the studio and the office")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to=_random_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    text_chars = models.PositiveIntegerField(_("character count from the file"), null=True, blank=True)

    class Recognition(models.TextChoices):
        """Text recognition (OCR) of a scan or photo, done in the background."""

        NONE = "", _("Not needed")
        PENDING = "pending", _("Recognising")
        DONE = "done", _("Recognised")
        FAILED = "failed", _("Could not be recognised")

    ocr_status = models.CharField(_("text recognition"), max_length=10, choices=Recognition.choices, blank=True,
                                  default=Recognition.NONE)
    ocr_chars = models.PositiveIntegerField(_("character count recognised (OCR)"), null=True, blank=True)

    class Conversion(models.TextChoices):
        """A .doc or .wps is read by the office engine in the background; text_chars is filled when done."""

        NONE = "", _("Not needed")
        PENDING = "pending", _("Counting")
        FAILED = "failed", _("Could not be read")

    conversion = models.CharField(_("reading by the office engine"), max_length=10, choices=Conversion.choices,
                                  blank=True, default=Conversion.NONE)

    class Preview(models.TextChoices):
        """Pages drawn as images in the background, so a document is seen without downloading it and no
        script of the file ever runs in a browser."""

        NONE = "", _("Not prepared")
        PENDING = "pending", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Not available")

    preview = models.CharField(_("preview"), max_length=10, choices=Preview.choices, blank=True,
                               default=Preview.NONE)
    preview_pages = models.PositiveSmallIntegerField(_("pages in the preview"), default=0)
    studio = models.ForeignKey("studios.Studio", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey("members.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.OWNER)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self):
        return self.original_name

    @property
    def kind(self) -> str:
        from .uploads import KINDS

        return KINDS.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/jpeg", "image/png")


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry through the ORM (等保 安全审计)."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit entries are never changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit entries are never deleted (manage.py audit_archive moves old ones to a file)")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("audit entries are never changed")

    def bulk_create(self, objs, *args, **kwargs):
        """Back-dated entries (the demo, benchmarks) are sealed now and chained after the commit, in the order
        given, like single entries."""
        from .audit_chain import normalise_data, seal_of

        objs = list(objs)
        for entry in objs:
            entry.data = normalise_data(entry.data)
            entry.seal, entry.hash, entry.seq = seal_of(entry), "", None
        created = super().bulk_create(objs, *args, **kwargs)
        _queue_chaining()
        return created

    def set_links(self, links) -> None:
        """core.audit_chain.chain_pending only: give committed entries their place and link, once (the PostgreSQL
        trigger lets exactly this through: seq and hash set on an entry that had neither, nothing else changed)."""
        from django.db import connection

        table = AuditEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET seq = %s, hash = %s WHERE id = %s AND seq IS NULL", links)


def _queue_chaining() -> None:
    from .audit_chain import chain_pending

    transaction.on_commit(chain_pending, robust=True)


class AuditEntry(models.Model):
    """One row per workflow transition, sign-off, override, import, export, download or security event.

    Append-only: a row is written once, chained to the one before it (core.audit_chain), and never changed or
    deleted — here through the ORM, and on PostgreSQL by a trigger (core migration 0004) whatever the client."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a person or studio that appears in the log is deactivated or dissolved, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    studio = models.ForeignKey("studios.Studio", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=255, blank=True)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # core.audit_chain: the seal is written with the entry, its place and link once its transaction has committed.
    seal = models.CharField(max_length=64, blank=True, editable=False)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        from .audit_chain import normalise_data, seal_of

        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit entries are never changed")
        self.data = normalise_data(self.data)
        self.seal, self.hash, self.seq = seal_of(self), "", None
        super().save(*args, **kwargs)
        _queue_chaining()

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries are never deleted")

    @staticmethod
    def chain_end() -> tuple[int, str]:
        """(seq, link) the next chained entry follows: the last chained entry's, or the last archive's once the
        table holds no chained entry, or the chain's start."""
        from .audit_chain import GENESIS

        last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        if last is not None:
            return last
        archived = AuditArchive.objects.order_by("-last_seq").values_list("last_seq", "last_hash").first()
        return archived or (0, GENESIS)


class AuditArchive(models.Model):
    """Entries past the retention time, moved to a file by `manage.py audit_archive` (never dropped silently):
    the file's checksum and the chain's last hash, which the entries still in the table link to."""

    created_at = models.DateTimeField(default=timezone.now)
    first_seq = models.BigIntegerField()  # the entries' places in the chain (AuditEntry.seq)
    last_seq = models.BigIntegerField()
    count = models.PositiveIntegerField()
    oldest = models.DateTimeField()
    newest = models.DateTimeField()
    previous_hash = models.CharField(max_length=64, blank=True)
    last_hash = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-last_seq"]
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")

    def __str__(self):
        return self.file_name


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=60)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.message


def record_code(prefix: str, pk: int) -> str:
    """The code (编号) of a record typed in the browser: its kind's letter and its number, e.g. A00046."""
    return f"{prefix}{pk:05d}"


def fill_missing_codes(model, prefix: str | None = None) -> int:
    """Give every record of `model` without a code its code (record_code), so that a ledger export names every
    record by a code that an empty database can import (ledger-workbook.md, Clarifications). A code that a ledger
    already uses gets a suffix (A00046-2). Two queries per chunk, whatever the number of rows; returns how many."""
    prefix = prefix or model.REF_PREFIX
    manager = model._base_manager
    filled = 0
    while True:
        pks = list(manager.filter(code__isnull=True).order_by("pk").values_list("pk", flat=True)[:1000])
        if not pks:
            return filled
        wanted = {pk: record_code(prefix, pk) for pk in pks}
        taken = set(manager.filter(code__in=list(wanted.values())).values_list("code", flat=True))
        rows = []
        for pk, code in wanted.items():
            number = 2
            while code in taken:
                code = f"{wanted[pk]}-{number}"
                number += 1
            taken.add(code)
            rows.append(model(pk=pk, code=code))
        manager.bulk_update(rows, ["code"])
        filled += len(rows)


class CodedRecord(models.Model):
    """A record with a ledger code (编号). A record typed in the browser gets its code when it is first saved
    (record_code: A00046), so that every record is named by a code in exports and ledgers."""

    REF_PREFIX = "R"

    code = models.CharField(_("code"), max_length=40, unique=True, null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.code == "":
            self.code = None
        super().save(*args, **kwargs)
        if self.code is None:
            manager = type(self)._base_manager
            code = base = record_code(self.REF_PREFIX, self.pk)
            number = 2
            while manager.filter(code=code).exists():
                code = f"{base}-{number}"
                number += 1
            manager.filter(pk=self.pk).update(code=code)
            self.code = code

    @property
    def ref(self) -> str:
        # "#A46": records of databases from before every record had a code (see fill_missing_codes).
        return self.code or f"#{self.REF_PREFIX}{self.pk}"

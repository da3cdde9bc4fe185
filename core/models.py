import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
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


class AuditEntry(models.Model):
    """One row per workflow transition, sign-off, override, import, export, download or login event."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    studio = models.ForeignKey("studios.Studio", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=255, blank=True)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


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


class CodedRecord(models.Model):
    """A record with a ledger code (编号). Records typed in the browser have none and use the app's own id."""

    REF_PREFIX = "R"

    code = models.CharField(_("code"), max_length=40, unique=True, null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def ref(self) -> str:
        return self.code or f"#{self.REF_PREFIX}{self.pk}"

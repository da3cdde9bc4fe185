import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """A large export or a studio archive built in the background; its file is private and expires."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        ARCHIVE = "archive", _("Archive")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("requested by"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    exporter = models.CharField(_("export"), max_length=40, blank=True)
    label = models.CharField(_("description"), max_length=200)
    studio = models.ForeignKey("studios.Studio", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("studio"))
    params = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(upload_to="private/jobs/", max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self):
        return self.label

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

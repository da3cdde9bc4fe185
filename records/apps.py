from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records")

    def ready(self):
        from core.models import Upload
        from core.signals import upload_counted

        upload_counted.connect(_file_counted, sender=Upload, dispatch_uid="records.work_file_counted")


def _file_counted(sender, upload, **kwargs):
    from .services.works import work_file_counted

    work_file_counted(upload=upload)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExcelConfig(AppConfig):
    name = "excel"
    verbose_name = _("Excel import and export")

    def ready(self):
        from celery.schedules import crontab

        from mingshi.celery import app

        app.conf.beat_schedule.update({
            "excel.requeue_waiting_jobs": {"task": "excel.tasks.requeue_waiting_jobs", "schedule": 120.0},
            "excel.cleanup_expired_jobs": {"task": "excel.tasks.cleanup_expired_jobs", "schedule": crontab(minute=5)},
        })

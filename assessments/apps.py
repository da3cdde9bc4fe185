from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from celery.schedules import crontab

        from mingshi.celery import app

        from . import signals

        signals.connect()
        # After midnight "as of today" has moved: results whose period is still running are recomputed.
        app.conf.beat_schedule.update({
            "assessments.refresh_running_results": {
                "task": "assessments.tasks.refresh_running_results",
                "schedule": crontab(hour=1, minute=10),
            },
        })

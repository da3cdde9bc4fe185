from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from celery.schedules import crontab

        from mingshi.celery import app

        app.conf.beat_schedule.update({
            "activities.remind_tasks_due": {
                "task": "activities.tasks.remind_tasks_due",
                "schedule": crontab(hour=7, minute=30),
            },
            "activities.remind_semester_gaps": {
                "task": "activities.tasks.remind_semester_gaps",
                "schedule": crontab(hour=7, minute=45),
            },
        })

from smtplib import SMTPException

from celery import shared_task

from .services import notification_emails_deliver, upload_read


@shared_task(autoretry_for=(SMTPException, ConnectionError, OSError), retry_backoff=30, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    return notification_emails_deliver(ids=ids)


# The converters bound themselves (core.sandbox); the task's own limits only catch a worker that hangs on top.
@shared_task(soft_time_limit=600, time_limit=660)
def read_upload(upload_id: str) -> None:
    upload_read(upload_id=upload_id)

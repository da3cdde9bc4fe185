from smtplib import SMTPException

from celery import shared_task

from .services import notification_emails_deliver


@shared_task(autoretry_for=(SMTPException, ConnectionError, OSError), retry_backoff=30, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    return notification_emails_deliver(ids=ids)

from celery import shared_task

from .services import job_run, jobs_cleanup


@shared_task(acks_late=True)
def run_job(job_id: str) -> str:
    """Build a large export or a studio archive; the browser polls the job's progress."""
    return job_run(job_id=job_id).status


@shared_task
def cleanup_expired_jobs() -> int:
    """Delete export and archive files past their expiry (schedule hourly with celery beat)."""
    return jobs_cleanup()

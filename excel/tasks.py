from celery import shared_task

from .services import job_run, jobs_cleanup, jobs_requeue


# No result is kept: the job row is the result, and a result backend that is down must not hold up the request.
@shared_task(acks_late=True, ignore_result=True)
def run_job(job_id: str) -> str:
    """Build a large export or a studio archive; the browser polls the job's progress."""
    return job_run(job_id=job_id).status


@shared_task
def cleanup_expired_jobs() -> int:
    """Delete export and archive files past their expiry (schedule hourly with celery beat)."""
    return jobs_cleanup()


@shared_task(ignore_result=True)
def requeue_waiting_jobs() -> int:
    """Hand jobs queued while the job service was down (or waiting too long) to the worker again (beat)."""
    return jobs_requeue()

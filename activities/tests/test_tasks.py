import datetime

import pytest
from celery.signals import after_task_publish
from django.conf import settings as django_settings
from django.core import mail

from activities import services, tasks
from activities.models import Activity
from activities.tests.conftest import DAY, plan_file
from core.models import Notification
from records.models import Task, TaskAssignment


def _task(banner, *, due, title="提交教学设计", completed=None, teacher=None):
    task = Task.objects.create(studio=banner.a.studio, title=title, due_on=due)
    return TaskAssignment.objects.create(task=task, teacher=teacher or banner.a.members[0], completed_on=completed)


def test_due_soon_reminders_go_once_to_open_tasks_due_within_three_days(banner, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    banner.a.members[0].user.email = "m@example.edu.cn"
    banner.a.members[0].user.save()
    _task(banner, due=DAY + datetime.timedelta(days=3))
    _task(banner, due=DAY + datetime.timedelta(days=4), title="太远")
    _task(banner, due=DAY + datetime.timedelta(days=1), title="已完成", completed=DAY)
    _task(banner, due=DAY - datetime.timedelta(days=1), title="已过期")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_tasks_due.delay(DAY.isoformat()).get(timeout=10) == 1
    assert tasks.remind_tasks_due.delay(DAY.isoformat()).get(timeout=10) == 0
    note = Notification.objects.get(verb="task.due_soon")
    assert note.recipient == banner.a.members[0].user
    assert "提交教学设计" in note.message and "2026-11-26" in note.message
    assert len(mail.outbox) == 1


def test_semester_reminders_list_each_persons_gaps_once_in_the_last_two_weeks(banner, make_activity):
    # Semester 1 of 2026-2027 ends on 2027-01-31; the window opens on 2027-01-17.
    make_activity(date=datetime.date(2027, 1, 25), title="期末全旗研讨")
    _task(banner, due=datetime.date(2027, 1, 28), title="阶段总结")
    assert services.reminders_semester_end(on=datetime.date(2027, 1, 10)) == 0
    on = datetime.date(2027, 1, 20)
    # Nobody in either studio has recorded anything this semester: hosts and members of A and B are reminded.
    assert tasks.remind_semester_gaps.delay(on.isoformat()).get(timeout=10) == 6
    host_note = Notification.objects.get(recipient=banner.a.host.user, verb="semester.gaps")
    assert "期末全旗研讨" in host_note.message and "2027-01-31" in host_note.message
    member_note = Notification.objects.get(recipient=banner.a.members[0].user, verb="semester.gaps")
    assert "阶段总结" in member_note.message
    assert services.reminders_semester_end(on=datetime.date(2027, 1, 21)) == 0


def test_semester_reminders_name_the_rules_the_assessment_engine_finds_unmet(banner):
    gaps = services.assessment_gaps(studios=[banner.a.studio], on=datetime.date(2027, 1, 20))
    _user, member_lines = gaps[banner.a.members[0].user.pk]
    assert any("论文" in line and "还差 1 篇" in line and "本学期剩 11 天" in line for line in member_lines)
    assert any("阶段成果总结" in line for line in member_lines)
    _user, host_lines = gaps[banner.a.host.user.pk]
    # The host hears of the studio's team rules (two 全旗 专题研讨 a semester, 二十.4) as well.
    assert any("专题研讨" in line for line in host_lines)
    assert banner.b.host.user.pk not in gaps


def test_second_semester_reminders_include_the_years_rules(banner):
    gaps = services.assessment_gaps(studios=[banner.a.studio], on=datetime.date(2027, 8, 20))
    _user, member_lines = gaps[banner.a.members[0].user.pk]
    assert any("教学设计" in line for line in member_lines)


def test_semester_gaps_name_unapproved_filings_to_the_host_only(banner, make_activity):
    from studios.models import SchoolYear

    approved = make_activity(date=datetime.date(2027, 1, 25), title="已批准的")
    services.filing_submit(actor=banner.a.host.user, filing=approved.filing)
    services.filing_approve(actor=banner.officer, filing=approved.filing)
    make_activity(date=datetime.date(2027, 1, 26), title="草稿的")
    make_activity(date=datetime.date(2027, 1, 27), title="工作室内的", scope=Activity.Scope.STUDIO)
    gaps = services.semester_gaps(studios=[banner.a.studio, banner.b.studio],
                                  school_year=SchoolYear.get_or_create_for(2026), semester=1, on=DAY)
    assert list(gaps) == [banner.a.host.user.pk]
    (lines,) = [lines for _user, lines in gaps.values()]
    assert len(lines) == 1 and "草稿的" in lines[0]


def test_the_beat_schedule_is_registered():
    from mingshi.celery import app

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"activities.tasks.remind_tasks_due", "activities.tasks.remind_semester_gaps"} <= names


def test_notification_emails_retry_with_a_cap():
    from core.tasks import send_notification_emails

    assert send_notification_emails.max_retries == 5
    assert OSError in send_notification_emails.autoretry_for


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_a_real_worker_on_redis_delivers_the_filing_email(settings):
    from celery.contrib.testing.worker import start_worker

    from mingshi.celery import app
    from studios.tests.factories import make_banner

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    banner = make_banner()
    banner.officer.email = "office@example.edu.cn"
    banner.officer.save()
    published = []

    def remember(sender=None, headers=None, **kwargs):
        if not sender.startswith("assessments."):  # stored results are recomputed too; another test waits on those
            published.append(headers["id"])

    after_task_publish.connect(remember, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo"):
            activity = services.activity_create(
                actor=banner.a.host.user, studio=banner.a.studio, title="全旗专题研讨（真实队列）",
                kind=Activity.Kind.SEMINAR, scope=Activity.Scope.BANNER, date=DAY + datetime.timedelta(days=9),
                plan_file=plan_file(),
            )
            services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
            assert published, "the e-mail task was not queued after commit"
            for task_id in published:
                # The solo worker first recomputes the stored results the banner's creation queued.
                app.AsyncResult(task_id).get(timeout=60)
    finally:
        after_task_publish.disconnect(remember)
    assert [message.to for message in mail.outbox] == [["office@example.edu.cn"]]
    assert "全旗专题研讨（真实队列）" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=banner.officer).emailed_at is not None

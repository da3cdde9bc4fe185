import datetime

import pytest
from django.core import mail
from django.test import override_settings

from activities import services
from activities.models import Activity, Attendance, DocumentNumberCounter, Filing
from activities.tests.conftest import DAY, plan_file
from core.models import AuditEntry, Notification
from core.services import DomainError
from studios.models import Membership
from studios.tests.factories import TeacherFactory, UserFactory


def actions(filing):
    return list(AuditEntry.objects.filter(target_id=str(filing.pk), action__startswith="filing.")
                .order_by("id").values_list("action", "from_state", "to_state"))


# --- creation --------------------------------------------------------------------------------------------------


def test_a_whole_banner_activity_gets_a_draft_filing(make_activity):
    activity = make_activity()
    assert activity.filing.status == Filing.Status.DRAFT
    assert activity.needs_filing


def test_a_studio_activity_needs_no_filing_and_counts(make_activity):
    activity = make_activity(scope=Activity.Scope.STUDIO)
    assert activity.current_filing() is None
    assert activity.filing_counts


def test_a_lecture_without_its_presenter_is_refused(make_activity):
    with pytest.raises(DomainError):
        make_activity(kind=Activity.Kind.LECTURE)
    assert not Activity.objects.exists()


def test_a_lecture_records_its_presenter(banner, make_activity):
    activity = make_activity(kind=Activity.Kind.OPEN_CLASS, organiser=banner.a.members[0])
    assert activity.organiser == banner.a.members[0]
    assert activity.has_presenter


def test_changing_scope_away_from_the_banner_drops_a_draft_filing(banner, make_activity):
    activity = make_activity()
    services.activity_update(actor=banner.a.host.user, activity=activity, scope=Activity.Scope.STUDIO)
    assert not Filing.objects.exists()
    services.activity_update(actor=banner.a.host.user, activity=activity, scope=Activity.Scope.BANNER)
    assert Filing.objects.get().status == Filing.Status.DRAFT


def test_a_submitted_filing_freezes_the_activity(banner, submitted_filing):
    with pytest.raises(DomainError):
        services.activity_update(actor=banner.a.host.user, activity=submitted_filing.activity, place="新地点")


def test_an_approved_filing_fixes_the_date_but_not_the_place(banner, submitted_filing):
    services.filing_approve(actor=banner.officer, filing=submitted_filing)
    activity = submitted_filing.activity
    with pytest.raises(DomainError):
        services.activity_update(actor=banner.a.host.user, activity=activity, date=DAY + datetime.timedelta(days=20))
    services.activity_update(actor=banner.a.host.user, activity=activity, place="旗教研中心报告厅")
    activity.refresh_from_db()
    assert activity.place == "旗教研中心报告厅"
    assert activity.date == DAY + datetime.timedelta(days=10)


# --- the filing state machine --------------------------------------------------------------------------------


def test_submit_needs_the_plan(banner, make_activity):
    activity = make_activity(with_plan=False)
    with pytest.raises(DomainError, match="方案|plan"):
        services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    activity.filing.refresh_from_db()
    assert activity.filing.status == Filing.Status.DRAFT


def test_submit_notifies_the_office(banner, submitted_filing):
    assert submitted_filing.status == Filing.Status.SUBMITTED
    assert submitted_filing.submitted_at is not None
    assert Notification.objects.filter(recipient=banner.officer, verb="filing.submit").count() == 1
    assert not Notification.objects.filter(recipient=banner.a.host.user).exists()


def test_the_full_journey_draft_submit_return_resubmit_approve(banner, make_activity):
    host, officer = banner.a.host.user, banner.officer
    filing = make_activity().filing
    services.filing_submit(actor=host, filing=filing)
    services.filing_return(actor=officer, filing=filing, comment="请补充活动议程")
    filing.refresh_from_db()
    assert filing.status == Filing.Status.RETURNED
    assert filing.return_comment == "请补充活动议程"
    told = Notification.objects.filter(recipient=host, verb="filing.return", message__contains="请补充活动议程")
    assert told.exists()
    services.filing_resubmit(actor=host, filing=filing)
    services.filing_approve(actor=officer, filing=filing)
    filing.refresh_from_db()
    assert filing.status == Filing.Status.APPROVED
    assert filing.doc_number == "乌教研发〔2026〕1号"
    assert filing.approved_on == DAY
    assert filing.decided_by == officer
    assert filing.return_comment == ""
    assert filing.counts_for
    assert actions(filing) == [
        ("filing.create", "", "draft"),
        ("filing.submit", "draft", "submitted"),
        ("filing.return", "submitted", "returned"),
        ("filing.resubmit", "returned", "submitted"),
        ("filing.approve", "submitted", "approved"),
    ]
    comment = AuditEntry.objects.get(action="filing.return").comment
    assert comment == "请补充活动议程"
    assert Notification.objects.filter(recipient=host, verb="filing.approve", message__contains="〔2026〕1号").exists()


def test_return_without_a_comment_is_refused_and_nothing_changes(banner, submitted_filing):
    with pytest.raises(DomainError):
        services.filing_return(actor=banner.officer, filing=submitted_filing, comment="   ")
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == Filing.Status.SUBMITTED
    assert not AuditEntry.objects.filter(action="filing.return").exists()


def test_withdraw_then_submit_again(banner, submitted_filing):
    host = banner.a.host.user
    services.filing_withdraw(actor=host, filing=submitted_filing)
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == Filing.Status.WITHDRAWN
    with pytest.raises(DomainError):
        services.filing_approve(actor=banner.officer, filing=submitted_filing)
    services.filing_submit(actor=host, filing=submitted_filing)
    assert Filing.objects.get().status == Filing.Status.SUBMITTED


@pytest.mark.parametrize("state", ["draft", "returned", "approved", "withdrawn"])
def test_only_a_submitted_filing_can_be_decided(banner, make_activity, state):
    filing = make_activity().filing
    Filing.objects.filter(pk=filing.pk).update(status=state)
    with pytest.raises(DomainError):
        services.filing_approve(actor=banner.officer, filing=filing)
    with pytest.raises(DomainError):
        services.filing_return(actor=banner.officer, filing=filing, comment="不行")
    assert Filing.objects.get().status == state
    assert Filing.objects.get().doc_number is None


@pytest.mark.parametrize(("state", "service"), [
    ("approved", services.filing_submit), ("submitted", services.filing_submit),
    ("draft", services.filing_resubmit), ("approved", services.filing_resubmit),
    ("draft", services.filing_withdraw), ("approved", services.filing_withdraw),
])
def test_refused_host_transitions(banner, make_activity, state, service):
    filing = make_activity().filing
    Filing.objects.filter(pk=filing.pk).update(status=state)
    with pytest.raises(DomainError):
        service(actor=banner.a.host.user, filing=filing)
    assert Filing.objects.get().status == state


def test_a_teacher_cannot_decide(banner, submitted_filing):
    with pytest.raises(DomainError):
        services.filing_approve(actor=banner.a.host.user, filing=submitted_filing)
    assert Filing.objects.get().status == Filing.Status.SUBMITTED


def test_the_second_decision_is_told_it_was_already_handled(banner, submitted_filing):
    stale = Filing.objects.get(pk=submitted_filing.pk)
    services.filing_approve(actor=banner.officer, filing=submitted_filing)
    with pytest.raises(DomainError, match="其他人处理|someone else"):
        services.filing_return(actor=UserFactory(username="officer2", role="officer"), filing=stale, comment="退回")
    assert Filing.objects.get().status == Filing.Status.APPROVED
    assert AuditEntry.objects.filter(action__in=["filing.approve", "filing.return"]).count() == 1


def test_the_compare_and_set_refuses_a_state_changed_under_it(banner, submitted_filing):
    """Where select_for_update is a no-op (SQLite) the UPDATE … WHERE status catches a stale read."""
    Filing.objects.filter(pk=submitted_filing.pk).update(status=Filing.Status.RETURNED)
    with pytest.raises(DomainError):
        services._move(actor=banner.officer, filing=submitted_filing, to=Filing.Status.APPROVED,
                       action="filing.approve", decision=True)
    assert Filing.objects.get().status == Filing.Status.RETURNED


# --- numbering -----------------------------------------------------------------------------------------------


def test_numbers_are_sequential_per_year_and_restart_each_year(banner, make_activity):
    numbers = []
    for on in (datetime.date(2025, 12, 30), datetime.date(2025, 12, 31), datetime.date(2026, 1, 2)):
        filing = services.filing_submit(actor=banner.a.host.user, filing=make_activity().filing)
        numbers.append(services.filing_approve(actor=banner.officer, filing=filing, on=on).doc_number)
    assert numbers == ["乌教研发〔2025〕1号", "乌教研发〔2025〕2号", "乌教研发〔2026〕1号"]
    assert DocumentNumberCounter.objects.get(year=2025).last_seq == 2


@override_settings(FILING_DOC_PREFIX="乌教研字")
def test_the_prefix_is_a_setting(banner, submitted_filing):
    assert services.filing_approve(actor=banner.officer, filing=submitted_filing).doc_number == "乌教研字〔2026〕1号"


def test_numbering_continues_after_imported_numbers(banner, make_activity):
    imported = make_activity().filing
    Filing.objects.filter(pk=imported.pk).update(status=Filing.Status.APPROVED, doc_year=2026, doc_seq=41,
                                                 doc_number="乌教研发〔2026〕41号", approved_on=DAY)
    filing = services.filing_submit(actor=banner.a.host.user, filing=make_activity().filing)
    assert services.filing_approve(actor=banner.officer, filing=filing).doc_number == "乌教研发〔2026〕42号"


# --- held, unfiled, late -------------------------------------------------------------------------------------


def test_marking_held_without_an_approved_filing_needs_confirmation(banner, make_activity):
    activity = make_activity(date=DAY - datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        services.activity_mark_held(actor=banner.a.host.user, activity=activity)
    assert Activity.objects.get().status == Activity.Status.PLANNED
    services.activity_mark_held(actor=banner.a.host.user, activity=activity, confirm_unfiled=True)
    activity = Activity.objects.get()
    assert activity.status == Activity.Status.HELD
    assert activity.held_without_filing
    assert activity.unfiled
    assert not activity.filing_counts


def test_an_activity_with_a_filing_approved_in_time_is_held_without_question(banner, submitted_filing):
    services.filing_approve(actor=banner.officer, filing=submitted_filing, on=DAY - datetime.timedelta(days=30))
    activity = Activity.objects.get()
    Activity.objects.filter(pk=activity.pk).update(date=DAY)
    activity.refresh_from_db()
    services.activity_mark_held(actor=banner.a.host.user, activity=activity)
    activity = Activity.objects.get()
    assert activity.filing_counts
    assert not activity.held_without_filing
    assert not activity.unfiled


def test_an_approval_after_the_activity_does_not_make_it_count(banner, make_activity):
    activity = make_activity(date=DAY - datetime.timedelta(days=5))
    services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    services.activity_mark_held(actor=banner.a.host.user, activity=activity, confirm_unfiled=True)
    filing = services.filing_approve(actor=banner.officer, filing=Filing.objects.get())
    assert filing.doc_number
    assert not filing.counts_for
    activity = Activity.objects.get()
    assert activity.unfiled
    assert Notification.objects.filter(recipient=banner.a.host.user, verb="filing.approve",
                                       message__contains="不计入").exists() or Notification.objects.filter(
        recipient=banner.a.host.user, verb="filing.approve", message__contains="does not count").exists()


def test_an_activity_cannot_be_held_before_its_date(banner, make_activity):
    activity = make_activity(scope=Activity.Scope.STUDIO)
    with pytest.raises(DomainError):
        services.activity_mark_held(actor=banner.a.host.user, activity=activity)


def test_cancelling_withdraws_a_submitted_filing(banner, submitted_filing):
    services.activity_cancel(actor=banner.a.host.user, activity=submitted_filing.activity, reason="天气原因")
    assert Filing.objects.get().status == Filing.Status.WITHDRAWN
    assert Activity.objects.get().status == Activity.Status.CANCELLED
    with pytest.raises(DomainError):
        services.filing_submit(actor=banner.a.host.user, filing=submitted_filing)


def test_cancel_needs_a_reason(banner, make_activity):
    activity = make_activity()
    with pytest.raises(DomainError):
        services.activity_cancel(actor=banner.a.host.user, activity=activity, reason=" ")


# --- attendance ----------------------------------------------------------------------------------------------


@pytest.fixture
def held_activity(banner, make_activity):
    activity = make_activity(scope=Activity.Scope.STUDIO, kind=Activity.Kind.WORK_SEMINAR,
                             date=DAY - datetime.timedelta(days=2))
    return services.activity_mark_held(actor=banner.a.host.user, activity=activity)


def test_everyone_present_unless_an_exception(banner, held_activity):
    absent, excused = banner.a.members
    counts = services.attendance_record(actor=banner.a.host.user, activity=held_activity,
                                        exceptions={absent.pk: Attendance.Status.ABSENT,
                                                    excused.pk: Attendance.Status.EXCUSED})
    assert counts == {"present": 1, "excused": 1, "absent": 1}
    rows = dict(Attendance.objects.values_list("teacher_id", "status"))
    assert rows == {banner.a.host.pk: "present", absent.pk: "absent", excused.pk: "excused"}


def test_recording_again_replaces_the_statuses(banner, held_activity):
    member = banner.a.members[0]
    services.attendance_record(actor=banner.a.host.user, activity=held_activity,
                               exceptions={member.pk: Attendance.Status.ABSENT})
    services.attendance_record(actor=banner.a.host.user, activity=held_activity, exceptions={})
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}
    assert Attendance.objects.count() == 3


def test_only_members_active_that_day_are_on_the_roster(banner, held_activity):
    late = TeacherFactory()
    Membership.objects.create(studio=banner.a.studio, teacher=late, role=Membership.Role.MEMBER, joined_on=DAY)
    roster = [membership.teacher for membership in services.attendance_roster(held_activity)]
    assert late not in roster
    assert roster[0] == banner.a.host
    with pytest.raises(DomainError):
        services.attendance_record(actor=banner.a.host.user, activity=held_activity,
                                   exceptions={late.pk: Attendance.Status.ABSENT})
    with pytest.raises(DomainError):
        services.attendance_record(actor=banner.a.host.user, activity=held_activity,
                                   exceptions={banner.b.members[0].pk: Attendance.Status.ABSENT})
    assert not Attendance.objects.exists()


def test_attendance_of_a_planned_activity_is_refused(banner, make_activity):
    with pytest.raises(DomainError):
        services.attendance_record(actor=banner.a.host.user, activity=make_activity(), exceptions={})


# --- record --------------------------------------------------------------------------------------------------


def test_record_replaces_the_minutes_and_keeps_photos(banner, held_activity):
    from activities.tests.conftest import png_file

    services.activity_record(actor=banner.a.host.user, activity=held_activity, summary="研讨顺利",
                             minutes_file=plan_file("纪要.txt", "会议纪要一"), photo_files=[png_file()])
    first = Activity.objects.get().minutes
    services.activity_record(actor=banner.a.host.user, activity=held_activity,
                             minutes_file=plan_file("纪要2.txt", "会议纪要二"))
    activity = Activity.objects.get()
    assert activity.summary == "研讨顺利"
    assert activity.minutes.original_name == "纪要2.txt"
    assert activity.minutes_id != first.pk
    assert activity.photos.count() == 1


# --- notifications and e-mail --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_submit_sends_the_office_an_email_after_commit(settings):
    from studios.tests.factories import make_banner

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    banner = make_banner()
    banner.officer.email = "office@example.edu.cn"
    banner.officer.save()
    activity = services.activity_create(actor=banner.a.host.user, studio=banner.a.studio, title="全旗研讨",
                                        kind=Activity.Kind.SEMINAR, scope=Activity.Scope.BANNER,
                                        date=DAY + datetime.timedelta(days=9), plan_file=plan_file())
    services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    assert [message.to for message in mail.outbox] == [["office@example.edu.cn"]]
    assert "全旗研讨" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=banner.officer).emailed_at is not None

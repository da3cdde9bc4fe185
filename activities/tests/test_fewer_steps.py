"""Fewer steps (减负): 「保存并提交备案」 in one submit, held with attendance in one form, and QR sign-in (扫码签到)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, Attendance, Filing, SignIn
from activities.tests.conftest import DAY, plan_file
from core.models import AuditEntry
from core.services import DomainError
from studios.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {"title": "全旗专题研讨：整本书阅读", "kind": "seminar", "scope": "banner",
            "date": (DAY + datetime.timedelta(days=10)).isoformat(), "attendance_required": "on"}
    data.update(extra)
    return data


# --- 保存并提交备案 ------------------------------------------------------------------------------------------


def test_save_and_submit_files_a_banner_activity_in_one_submit(banner, client_for):
    client = client_for(banner.a.host.user)
    page = client.get(reverse("activities:create", args=["WS-A"])).content.decode()
    assert "保存并提交备案" in page
    response = client.post(reverse("activities:create", args=["WS-A"]),
                           {**_form(), "plan_file": plan_file(), "and_submit": "1"}, follow=True)
    activity = Activity.objects.get()
    assert activity.filing.status == Filing.Status.SUBMITTED
    assert "备案已提交" in response.content.decode()
    assert list(AuditEntry.objects.filter(target_id__in=[str(activity.pk), str(activity.filing.pk)])
                .order_by("pk").values_list("action", flat=True)) == ["activity.create", "filing.create",
                                                                      "filing.submit"]


def test_save_and_submit_without_a_plan_saves_nothing_and_says_why(banner, client_for):
    response = client_for(banner.a.host.user).post(reverse("activities:create", args=["WS-A"]),
                                                   {**_form(), "and_submit": "1"})
    assert response.status_code == 200
    assert "提交备案前请先上传活动方案" in response.content.decode() or "活动方案" in response.content.decode()
    assert not Activity.objects.exists() and not Filing.objects.exists()


def test_save_only_keeps_the_filing_a_draft_and_a_studio_activity_has_nothing_to_file(banner, client_for):
    client = client_for(banner.a.host.user)
    client.post(reverse("activities:create", args=["WS-A"]), {**_form(), "plan_file": plan_file()})
    assert Filing.objects.get().status == Filing.Status.DRAFT
    client.post(reverse("activities:create", args=["WS-A"]),
                {**_form(title="工作室研修", scope="studio", kind="work_seminar"), "and_submit": "1"})
    assert Activity.objects.get(title="工作室研修").current_filing() is None


def test_editing_a_returned_filing_with_save_and_submit_resubmits_it(banner, client_for, submitted_filing):
    services.filing_return(actor=banner.officer, filing=submitted_filing, comment="请补充议程")
    activity = submitted_filing.activity
    response = client_for(banner.a.host.user).post(
        reverse("activities:edit", args=["WS-A", activity.pk]),
        {**_form(place="乌审旗教研中心"), "plan_file": plan_file(text="补充议程后的方案"), "and_submit": "1"})
    assert response.status_code == 302
    assert Filing.objects.get().status == Filing.Status.SUBMITTED
    assert AuditEntry.objects.filter(action="filing.resubmit").exists()


# --- held, with attendance -----------------------------------------------------------------------------------


def _held_today(banner):
    return services.activity_create(actor=banner.a.host.user, studio=banner.a.studio, title="工作室研修：读书交流",
                                    kind=Activity.Kind.WORK_SEMINAR, scope=Activity.Scope.STUDIO, date=DAY)


def test_held_with_attendance_is_one_form_and_one_submit(banner, client_for):
    activity = _held_today(banner)
    absent = banner.a.members[1]
    client = client_for(banner.a.host.user)
    url = reverse("activities:held", args=["WS-A", activity.pk])
    page = client.get(url).content.decode()
    assert f'name="t{absent.pk}"' in page
    response = client.post(url, {f"t{absent.pk}": Attendance.Status.ABSENT}, follow=True)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.HELD
    statuses = dict(Attendance.objects.filter(activity=activity).values_list("teacher_id", "status"))
    assert statuses[absent.pk] == Attendance.Status.ABSENT
    assert statuses[banner.a.host.pk] == statuses[banner.a.members[0].pk] == Attendance.Status.PRESENT
    assert "缺席 1 人" in response.content.decode()


def test_held_with_attendance_refused_changes_neither(banner, client_for):
    activity = _held_today(banner)
    stranger = TeacherFactory()
    with pytest.raises(DomainError):
        services.activity_mark_held_with_attendance(actor=banner.a.host.user, activity=activity,
                                                    exceptions={stranger.pk: Attendance.Status.ABSENT})
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED and not Attendance.objects.exists()


# --- QR sign-in ----------------------------------------------------------------------------------------------


def _open(banner, activity, *, minutes_before=10, minutes_after=60):
    now = timezone.now()
    return services.signin_open(actor=banner.a.host.user, activity=activity,
                                opens_at=now - datetime.timedelta(minutes=minutes_before),
                                closes_at=now + datetime.timedelta(minutes=minutes_after))


def test_the_host_sets_a_window_and_the_activity_page_shows_the_qr_code_made_here(banner, client_for):
    activity = _held_today(banner)
    client = client_for(banner.a.host.user)
    response = client.post(reverse("activities:signin_window", args=["WS-A", activity.pk]),
                           {"opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                            "closes_at": (timezone.localtime() + datetime.timedelta(hours=1))
                            .strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert len(activity.signin_token) >= 20
    page = client.get(reverse("activities:detail", args=["WS-A", activity.pk])).content.decode()
    assert '<svg' in page and 'class="signin-qr"' in page
    assert reverse("activities:signin", args=[activity.pk, activity.signin_token]) in page
    assert "http" not in page.split('data-testid="signin-qr"', 1)[1].split("</div>", 1)[0].replace(
        "http://www.w3.org", "")  # the code is inline markup, no image from anywhere
    assert AuditEntry.objects.filter(action="signin.window").exists()
    # A member sees the activity but neither the code nor the list.
    member_page = client_for(banner.a.members[0].user).get(
        reverse("activities:detail", args=["WS-A", activity.pk])).content.decode()
    assert activity.signin_token not in member_page


def test_a_member_signs_in_with_one_tap_once_and_the_host_sees_it(banner, client_for):
    activity = _open(banner, _held_today(banner))
    member = banner.a.members[0]
    client = client_for(member.user)
    url = reverse("activities:signin", args=[activity.pk, activity.signin_token])
    assert "一键" in client.get(url).content.decode() or "签到" in client.get(url).content.decode()
    client.post(url)
    client.post(url)
    assert SignIn.objects.filter(activity=activity, teacher=member).count() == 1
    assert AuditEntry.objects.filter(action="signin.sign").count() == 1
    assert 'data-testid="signed-in"' in client.get(url).content.decode()
    listing = client_for(banner.a.host.user).get(reverse("activities:signin_list", args=["WS-A", activity.pk]))
    assert member.name in listing.content.decode()


def test_the_attendance_list_is_preset_from_the_signins_for_the_host_to_confirm(banner, client_for):
    activity = _open(banner, _held_today(banner))
    signed = banner.a.members[0]
    services.signin_record(actor=signed.user, activity=activity, token=activity.signin_token)
    client = client_for(banner.a.host.user)
    client.post(reverse("activities:held", args=["WS-A", activity.pk]), {})
    statuses = dict(Attendance.objects.filter(activity=activity).values_list("teacher_id", "status"))
    assert statuses[signed.pk] == Attendance.Status.PRESENT
    assert statuses[banner.a.members[1].pk] == statuses[banner.a.host.pk] == Attendance.Status.ABSENT


def test_outside_the_window_or_with_a_wrong_code_nobody_signs_in(banner, client_for):
    activity = _open(banner, _held_today(banner), minutes_before=-30, minutes_after=90)  # opens in 30 minutes
    member = banner.a.members[0]
    client = client_for(member.user)
    page = client.get(reverse("activities:signin", args=[activity.pk, activity.signin_token])).content.decode()
    assert 'data-testid="signin-closed"' in page
    response = client.post(reverse("activities:signin", args=[activity.pk, activity.signin_token]), follow=True)
    assert "不在签到时间内" in response.content.decode()
    assert client.post(reverse("activities:signin", args=[activity.pk, "guessed-token"])).status_code == 404
    with pytest.raises(DomainError):
        services.signin_record(actor=member.user, activity=activity, token="guessed-token")
    assert not SignIn.objects.exists()


def test_a_studio_activity_is_not_there_for_another_studios_teachers(banner, client_for):
    activity = _open(banner, _held_today(banner))
    url = reverse("activities:signin", args=[activity.pk, activity.signin_token])
    for role in ("member_b", "host_b"):
        client = client_for(banner.users[role])
        assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert not SignIn.objects.exists()


def test_any_teacher_of_the_banner_signs_in_to_a_whole_banner_activity_and_counts_in_its_reach(
        banner, client_for, submitted_filing):
    activity = submitted_filing.activity
    _open(banner, activity)
    activity.refresh_from_db()
    guests = [banner.b.members[0], banner.outsider]
    for teacher in [banner.a.members[0], *guests]:
        client_for(teacher.user).post(reverse("activities:signin", args=[activity.pk, activity.signin_token]))
    assert SignIn.objects.filter(activity=activity).count() == 3
    listing = client_for(banner.a.host.user).get(
        reverse("activities:signin_list", args=["WS-A", activity.pk])).content.decode()
    assert 'data-testid="participants">3<' in listing
    assert all(guest.name in listing for guest in guests)
    # Guests from elsewhere are counted, not put on the studio's attendance roster.
    services.filing_approve(actor=banner.officer, filing=submitted_filing, on=DAY)
    activity.date = DAY
    Activity.objects.filter(pk=activity.pk).update(date=DAY)
    services.activity_mark_held_with_attendance(actor=banner.a.host.user, activity=activity, exceptions={})
    assert not Attendance.objects.filter(activity=activity, teacher__in=guests).exists()


def test_office_staff_are_told_that_only_teachers_sign_in(banner, client_for):
    activity = _open(banner, _held_today(banner))
    client = client_for(banner.officer)
    url = reverse("activities:signin", args=[activity.pk, activity.signin_token])
    assert "只有教师需要签到" in client.get(url).content.decode()
    assert client.post(url).status_code == 302 and not SignIn.objects.exists()


def test_a_window_that_closes_before_it_opens_is_refused_in_chinese(banner, client_for):
    activity = _held_today(banner)
    now = timezone.localtime()
    response = client_for(banner.a.host.user).post(
        reverse("activities:signin_window", args=["WS-A", activity.pk]),
        {"opens_at": now.strftime("%Y-%m-%dT%H:%M"),
         "closes_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200 and "签到截止时间须晚于开始时间" in response.content.decode()
    activity.refresh_from_db()
    assert not activity.signin_token


# --- approving an overdue filing -----------------------------------------------------------------------------


def test_approving_a_filing_after_its_activitys_date_warns_before_it_is_done(banner, client_for, make_activity):
    late = make_activity(date=DAY - datetime.timedelta(days=2))
    filing = services.filing_submit(actor=banner.a.host.user, filing=late.filing)
    client = client_for(banner.officer)
    confirm = client.get(reverse("activities:filing_action", args=["WS-A", late.pk, "approve"])).content.decode()
    assert 'data-testid="approve-late-warning"' in confirm and "不计入考核" in confirm
    queue = client.get(reverse("activities:queue")).content.decode()
    assert "现在才批准，已晚于活动日期，该活动不计入考核" in queue
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED  # nothing happened on the way


def test_approving_a_filing_in_time_gives_no_warning(banner, client_for, submitted_filing):
    activity = submitted_filing.activity
    confirm = client_for(banner.officer).get(
        reverse("activities:filing_action", args=["WS-A", activity.pk, "approve"])).content.decode()
    assert 'data-testid="approve-late-warning"' not in confirm

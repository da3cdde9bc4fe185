"""Journeys with fewer steps, in Chromium: a member records a paper on a phone in three screens; a host files an
activity in one submit and records it held with attendance in one more; ten teachers sign in by QR on their
phones and appear on the host's list; an officer sees from the home page which studios are behind, on what."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from activities import services as activity_services
from activities.models import Activity, Attendance, Filing, SignIn
from records.models import Work
from records.tests.samples import make_docx
from studios.models import Membership
from studios.tests.factories import TeacherFactory
from tests.browser.harness import BROWSER_TIMEOUT_MS

from .crawl import PHONE

pytestmark = pytest.mark.browser


def _context(chromium, live_server, user, viewport=PHONE):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def _fits(page):
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, page.url


def test_a_member_on_a_phone_records_a_paper_with_its_count_in_three_screens(chromium, live_server, transactional_db,
                                                                              banner, tmp_path):
    member = banner.a.members[0]
    context = _context(chromium, live_server, member.user)
    page = context.new_page()
    paper = tmp_path / "整本书阅读教学研究.docx"
    paper.write_bytes(make_docx("整本书阅读教学" * 300))  # 2,100 characters

    page.goto("/")  # screen 1: home
    _fits(page)
    page.get_by_test_id("record-paper").click()
    page.wait_for_url(re.compile(r"/records/works/new/\?kind=paper"))  # screen 2: the form, a paper already
    _fits(page)
    page.get_by_label("标题").fill("小学语文整本书阅读教学研究")
    page.get_by_label("文件").set_input_files(str(paper))
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/records/works/\d+/$"))  # screen 3: the paper, with its count
    _fits(page)
    expect(page.get_by_role("alert")).to_contain_text("2,100 字")
    work = Work.objects.get()
    assert work.kind == Work.Kind.PAPER and work.char_count == 2100 and work.status == Work.Status.SUBMITTED
    context.close()


def test_a_host_files_in_one_submit_and_records_it_held_with_attendance_in_one_more(chromium, live_server,
                                                                                     transactional_db, banner,
                                                                                     tmp_path):
    host = banner.a.host
    context = _context(chromium, live_server, host.user, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    plan = tmp_path / "活动方案.txt"
    plan.write_text("全旗专题研讨活动方案：时间、地点、议程。", encoding="utf-8")
    day = timezone.localdate()

    page.goto(f"/activities/studio/{banner.a.studio.code}/new/")
    page.get_by_label("名称").fill("全旗专题研讨：整本书阅读")
    page.get_by_label("类型").select_option("seminar")
    page.get_by_label("范围").select_option("banner")
    page.locator("#id_date").fill(day.isoformat())
    page.get_by_label("活动方案").set_input_files(str(plan))
    page.get_by_test_id("save-and-submit").click()  # one submit: saved and filed
    expect(page.get_by_test_id("filing-state")).to_have_text("待审核")
    activity = Activity.objects.get()
    assert activity.filing.status == Filing.Status.SUBMITTED

    activity_services.filing_approve(actor=banner.officer, filing=activity.filing, on=day)
    absent = banner.a.members[1]
    page.reload()
    page.get_by_test_id("mark-held").click()
    page.locator(f"label[for='id_t{absent.pk}_2']").click()  # 缺席
    page.get_by_test_id("confirm").click()  # one more: held, with the attendance
    expect(page.get_by_test_id("attendance-counts")).to_contain_text("1")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.HELD and activity.filing_counts
    assert Attendance.objects.get(activity=activity, teacher=absent).status == Attendance.Status.ABSENT
    assert Attendance.objects.filter(activity=activity, status=Attendance.Status.PRESENT).count() == 2
    context.close()


def test_ten_teachers_sign_in_by_qr_on_their_phones_and_appear_on_the_hosts_list(chromium, live_server,
                                                                                  transactional_db, banner):
    studio, host = banner.a.studio, banner.a.host
    day = timezone.localdate()
    newcomers = [TeacherFactory() for _ in range(8)]
    for teacher in newcomers:
        Membership.objects.create(studio=studio, teacher=teacher, role=Membership.Role.MEMBER,
                                  joined_on=day - datetime.timedelta(days=30))
    teachers = [*banner.a.members, *newcomers]
    activity = activity_services.activity_create(actor=host.user, studio=studio, title="工作室研修：读书交流",
                                                 kind=Activity.Kind.WORK_SEMINAR, scope=Activity.Scope.STUDIO,
                                                 date=day)
    host_context = _context(chromium, live_server, host.user)
    host_page = host_context.new_page()
    host_page.goto(f"/activities/studio/{studio.code}/{activity.pk}/")
    host_page.get_by_test_id("signin-window").click()
    host_page.get_by_test_id("save-signin-window").click()  # the proposed window: now, for two hours
    expect(host_page.get_by_test_id("signin-qr").locator("svg")).to_be_visible()
    _fits(host_page)
    link = host_page.get_by_test_id("signin-link").get_attribute("href")
    assert f"/activities/signin/{activity.pk}/" in link

    for teacher in teachers:
        context = _context(chromium, live_server, teacher.user)
        page = context.new_page()
        page.goto(link)
        _fits(page)
        page.get_by_test_id("signin-button").click()
        expect(page.get_by_test_id("signed-in")).to_be_visible()
        context.close()

    # The host's list fills by itself (it refreshes every few seconds).
    expect(host_page.get_by_test_id("signin-row")).to_have_count(10, timeout=20_000)
    for teacher in teachers:
        expect(host_page.get_by_test_id("signin-list")).to_contain_text(teacher.name)
    assert SignIn.objects.filter(activity=activity).count() == 10

    host_page.get_by_test_id("confirm-attendance").click()  # held: the list, preset from the sign-ins
    host_page.get_by_test_id("confirm").click()
    expect(host_page.get_by_test_id("attendance-counts")).to_be_visible()
    statuses = dict(Attendance.objects.filter(activity=activity).values_list("teacher_id", "status"))
    assert all(statuses[t.pk] == Attendance.Status.PRESENT for t in teachers)
    assert statuses[host.pk] == Attendance.Status.ABSENT  # the host did not sign in; they can correct it
    host_context.close()


def test_an_officer_sees_from_the_home_page_within_two_clicks_which_studios_are_behind_and_on_what(
        chromium, live_server, transactional_db, banner):
    context = _context(chromium, live_server, banner.officer, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/")
    panel = page.get_by_test_id("panel-behind")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(banner.a.studio.name)
    panel.get_by_role("link", name=banner.a.studio.name).click()  # click 1: the studio, on what it is behind
    page.wait_for_url(re.compile(rf"/assessments/studio/{banner.a.studio.code}/"))
    expect(page.locator("[data-status=not_met], [data-status=pending]").first).to_be_visible()
    context.close()

"""The filing journey in a real browser: a host files a 全旗 seminar, the office returns it with a comment, the
host resubmits, the office approves from the queue and the document number appears on the host's page."""

import re

import pytest
from playwright.sync_api import expect

from activities.models import Activity, Filing

pytestmark = pytest.mark.browser

PLAN = "全旗初中语文专题研讨活动方案：时间、地点、议程、参加人员。".encode()


def _as(page, login, user):
    page.context.clear_cookies()
    login(page, user)


def test_a_banner_seminar_is_filed_returned_resubmitted_and_approved(browser_page, login, banner):
    page = browser_page
    host, officer = banner.a.host.user, banner.officer

    # The host plans a whole-banner seminar with its plan and submits the filing.
    _as(page, login, host)
    page.goto("/")
    page.get_by_role("link", name="活动日历").first.click()
    page.goto("/activities/studio/WS-A/")
    page.get_by_test_id("new-activity").click()
    page.locator("#id_title").fill("全旗初中语文专题研讨：整本书阅读")
    page.locator("#id_kind").select_option(label="专题研讨")
    page.locator("#id_scope").select_option(label="全旗")
    page.locator("#id_date").fill("2026-12-10")
    page.locator("#id_place").fill("乌审旗第一中学报告厅")
    page.locator("#id_plan_file").set_input_files(files=[{"name": "活动方案.txt", "mimeType": "text/plain",
                                                        "buffer": PLAN}])
    page.get_by_test_id("save-activity").click()
    assert page.get_by_test_id("filing-state").inner_text() == "草稿"
    page.get_by_test_id("filing-submit").click()
    page.get_by_test_id("confirm").click()
    assert page.get_by_test_id("filing-state").inner_text() == "待审核"
    activity = Activity.objects.get()

    # The officer returns it from the queue with a comment, without leaving the queue page.
    _as(page, login, officer)
    page.get_by_role("link", name="审核队列").first.click()
    row = page.get_by_test_id("queue-row").filter(has_text="整本书阅读")
    row.get_by_test_id("queue-return-open").click()
    row.get_by_label("退回理由").fill("请补充活动议程和参会范围。")
    row.get_by_test_id("queue-return").click()
    row = page.get_by_test_id("queue-row").filter(has_text="整本书阅读")
    expect(row.get_by_test_id("queue-state")).to_have_text(re.compile("退回"))
    assert "/activities/queue/" in page.url
    assert Filing.objects.get().status == Filing.Status.RETURNED

    # The host reads the comment and resubmits.
    _as(page, login, host)
    page.goto(f"/activities/studio/WS-A/{activity.pk}/")
    assert "请补充活动议程和参会范围。" in page.get_by_test_id("return-comment").inner_text()
    page.get_by_test_id("filing-resubmit").click()
    page.get_by_test_id("confirm").click()
    assert page.get_by_test_id("filing-state").inner_text() == "待审核"

    # The officer approves from the queue after confirming.
    _as(page, login, officer)
    page.goto("/activities/queue/")
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.get_by_test_id("queue-row").filter(has_text="整本书阅读")
    row.get_by_test_id("queue-approve").click()
    row = page.get_by_test_id("queue-row").filter(has_text="整本书阅读")
    expect(row.get_by_test_id("queue-doc-number")).to_have_text("乌教研发〔2026〕1号")

    # The host sees the document number and the whole trail.
    _as(page, login, host)
    page.goto(f"/activities/studio/WS-A/{activity.pk}/")
    assert page.get_by_test_id("doc-number").inner_text() == "乌教研发〔2026〕1号"
    assert page.get_by_test_id("filing-state").inner_text() == "已批准"
    trail = page.get_by_test_id("filing-trail").inner_text()
    assert "退回 → 待审核" in trail and "待审核 → 已批准" in trail and "请补充活动议程和参会范围。" in trail
    assert page.console_errors == []


def test_the_attendance_form_is_one_page_and_one_submit(browser_page, login, banner, make_activity):
    import datetime

    from activities import services
    from activities.tests.conftest import DAY

    activity = make_activity(scope=Activity.Scope.STUDIO, kind=Activity.Kind.WORK_SEMINAR,
                             date=DAY - datetime.timedelta(days=1), title="工作研讨")
    services.activity_mark_held(actor=banner.a.host.user, activity=activity)
    page = browser_page
    login(page, banner.a.host.user)
    page.goto(f"/activities/studio/WS-A/{activity.pk}/attendance/")
    absent = banner.a.members[0]
    page.get_by_role("group", name=absent.name).get_by_text("缺席").click()
    page.get_by_test_id("save-attendance").click()
    expect(page.get_by_test_id("attendance-counts")).to_contain_text("出席2人")
    assert "缺席1人" in page.get_by_test_id("attendance-counts").inner_text()
    assert page.console_errors == []

"""First journey: every role logs in through the Chinese login page and lands on its own home page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("role", "heading", "panel"),
    [
        ("officer", "教研中心办公室工作台", "panel-office-studios"),
        # 三员分立: each administrator lands on the list of their own work, not the office's.
        ("admin", "您好", "panel-administrator"),
        ("security_admin", "您好", "panel-administrator"),
        ("audit_admin", "您好", "panel-administrator"),
        ("host_a", "您好", "panel-memberships"),
        ("member_a", "您好", "panel-memberships"),
    ],
)
def test_each_role_logs_in_in_chinese_and_lands_on_its_home(browser_page, login, banner, role, heading, panel):
    page = browser_page
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    login(page, banner.users[role])

    assert page.get_by_test_id("home-heading").inner_text().startswith(heading)
    expect(page.get_by_test_id(panel)).to_be_visible()
    if role in ("host_a", "member_a"):
        expect(page.get_by_test_id(panel).get_by_text(banner.a.studio.name)).to_be_visible()
    assert page.console_errors == []


def test_a_wrong_password_is_refused_in_chinese(browser_page, login, banner):
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(banner.users["member_a"].username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("请输入一个正确的")).to_be_visible()
    assert "/accounts/login/" in page.url

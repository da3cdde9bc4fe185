import re

import pytest

from tests.browser.harness import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _fail_login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_login_through_the_real_form_is_recorded_in_the_audit_log(browser_page, login, banner):
    page = browser_page
    login(page, banner.officer)
    page.context.clear_cookies()
    login(page, banner.audit_admin)  # the audit log is the audit administrator's (三员分立)
    page.locator("#main-nav").get_by_role("link", name="审计日志").click()
    page.wait_for_url(re.compile(r"/security/audit/"))
    # The action reads in Chinese; its code is only the tooltip (issue 12: no codes on screen).
    row = page.get_by_test_id("audit-row").filter(has_text="officer").first
    assert "登录与锁定·登录" in row.inner_text()
    assert row.locator("[title='auth.login']").count() == 1
    assert page.console_errors == []


def test_a_locked_person_is_told_in_chinese_and_an_officer_unlocks_them(browser_page, login, banner):
    page = browser_page
    member = banner.users["member_a"]
    for _attempt in range(5):
        _fail_login(page, member.username)
    message = page.get_by_test_id("lockout-message")
    assert "登录失败次数过多，账户已暂时锁定，请 15 分钟后再试或联系教研中心办公室解锁" in message.inner_text()

    # Even the right password is refused while the lock holds.
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(member.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert page.get_by_test_id("lockout-message").is_visible()

    login(page, banner.officer)
    page.get_by_role("link", name="登录锁定").first.click()
    row = page.get_by_test_id("lockout-row")
    assert member.username in row.inner_text()
    row.get_by_role("link", name="解锁…").click()
    page.get_by_role("button", name="解锁").click()
    assert page.get_by_text(f"{member.username} 现在可以从").is_visible()
    assert page.get_by_test_id("lockout-row").count() == 0

    page.context.clear_cookies()
    login(page, member)
    assert "/accounts/login/" not in page.url
    # The lockout page is answered with 429 Too Many Requests, which the console reports; nothing else may fail.
    assert [error for error in page.console_errors if "429" not in error] == []

"""Browser harness: Playwright driving Debian's Chromium against Django's live server, in Chinese.

Loaded for the whole suite from the root conftest, so any app's `tests/test_browser_*.py` can use the
fixtures `browser_page` and `login`. Mark such tests `@pytest.mark.browser`.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# How long an action waits for the page (a cap, not a measure): a request that reads a .wps through LibreOffice
# on a loaded 2-core runner can take well over 15 s, and a journey should fail on a wrong page, not a slow one.
BROWSER_TIMEOUT_MS = 60_000
TEST_PASSWORD = "pass-1234-word"  # studios.tests.factories.UserFactory's password


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server, transactional_db):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True,
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.console_errors = console_errors
    yield page
    context.close()


@pytest.fixture
def login():
    """login(page, user, password=TEST_PASSWORD): log in through the Chinese login form."""

    def do_login(page, user, password=TEST_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do_login

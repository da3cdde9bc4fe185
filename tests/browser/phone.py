"""A phone-sized page (390×844, touch) for journeys that must work where teachers use them."""

import pytest

from tests.browser.harness import BROWSER_TIMEOUT_MS


@pytest.fixture
def phone_page(chromium, live_server, transactional_db):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True,
                                   viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.downloads = []
    page.on("download", lambda download: page.downloads.append(download))
    yield page
    context.close()

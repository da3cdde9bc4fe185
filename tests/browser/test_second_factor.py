"""An officer enrols an authenticator app on a phone and logs in with its code (等保 身份鉴别 d), under the
production setting: the password, then the enrolment (QR code, key, first code), the recovery codes once, the
office's home; the next login asks for the code. Each page is checked with axe-core and for sideways scrolling."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from .crawl import AXE, AXE_RUN, AXE_TAGS, WIDTH

pytestmark = pytest.mark.browser


def phone_code(key_text: str, steps_ahead: int = 0) -> str:
    """What the authenticator app shows for the key typed from the page (base32, in groups of four)."""
    secret = "".join(key_text.split()).upper()
    secret += "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(secret), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def checked(page) -> None:
    """No serious or critical axe-core violation and no sideways scrolling on the page shown now."""
    assert page.evaluate(AXE_RUN, AXE_TAGS) == [], page.url
    scroll_width, inner_width = page.evaluate(WIDTH)
    assert scroll_width <= inner_width, page.url


def test_an_officer_enrols_an_authenticator_on_a_phone_and_logs_in_with_its_code(phone_page, login, banner,
                                                                                 settings):
    settings.MINGSHI_REQUIRE_2FA = True
    page = phone_page
    page.context.add_init_script(path=str(AXE))
    officer = banner.officer

    login(page, officer)
    assert "/security/second-factor/enrol/" in page.url
    expect(page.get_by_test_id("second-factor-required")).to_contain_text("须使用两步验证")
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    checked(page)
    # The QR code fits the phone's screen.
    box = page.get_by_test_id("otp-qr").locator("svg").bounding_box()
    assert box["width"] <= 390

    # No office page before the enrolment.
    page.goto("/excel/")
    assert "/security/second-factor/enrol/" in page.url
    key = page.get_by_test_id("otp-key").inner_text()
    assert page.get_by_test_id("otp-key").inner_text() == key  # the same key after the detour

    page.get_by_label("6 位验证码").fill("000000" if phone_code(key) != "000000" else "111111")
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_text("验证码不正确")).to_be_visible()

    page.get_by_label("6 位验证码").fill(phone_code(key))
    page.get_by_role("button", name="确认绑定").click()
    page.wait_for_url("**/security/second-factor/recovery-codes/**")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10 and all(len(code) == 9 and code[4] == "-" for code in codes)
    expect(page.get_by_text("只显示这一次")).to_be_visible()
    checked(page)
    page.get_by_test_id("codes-kept").click()
    page.wait_for_url("**/excel/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The next login: password, then the code step with a numeric keyboard.
    page.context.clear_cookies()
    login(page, officer)
    assert "/security/second-factor/verify/" in page.url
    field = page.get_by_label("6 位验证码")
    assert field.get_attribute("inputmode") == "numeric"
    assert field.get_attribute("autocomplete") == "one-time-code"
    checked(page)
    field.fill(phone_code(key, steps_ahead=1))  # the enrolment used up the code of now
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(lambda url: "/security/" not in url)
    assert page.get_by_test_id("home-heading").inner_text().startswith("教研中心办公室工作台")

    # A recovery code, typed as shown, on another login.
    page.context.clear_cookies()
    login(page, officer)
    page.get_by_test_id("use-recovery-code").click()
    page.get_by_label("恢复码").fill(codes[0])
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(lambda url: "/security/" not in url)
    expect(page.get_by_text("还剩 9 个")).to_be_visible()
    assert page.console_errors == []

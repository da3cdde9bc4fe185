"""On a phone: a member uploads a paper written in WPS (.wps) and sees its 字数 and its pages."""

import pytest
from playwright.sync_api import expect

from core.tests import layouts
from records.models import Work

pytestmark = pytest.mark.browser


def test_member_on_a_phone_uploads_a_wps_paper_and_sees_its_count(phone_page, login, banner, years):
    page = phone_page
    login(page, banner.a.members[0].user)
    page.goto("/records/works/new/")
    page.get_by_label("类型").select_option(label="论文")
    page.get_by_label("标题").fill("整本书阅读的注释教学")
    page.get_by_label("日期").fill("2026-03-10")
    page.get_by_label("文件").set_input_files({"name": "整本书阅读.wps", "mimeType": "application/vnd.ms-works",
                                              "buffer": layouts.converted("footnotes", "wps")})
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/records/works/*/")
    # The office engine counts it in the background: 统计中 until then, then the count (the page asks again).
    expect(page.get_by_test_id("char-count")).to_contain_text("44 字", timeout=90_000)
    expect(page.get_by_test_id("preview-page").first).to_be_visible(timeout=90_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    work = Work.objects.get()
    assert (work.char_count, work.char_count_source, work.upload.original_name) == (44, "file", "整本书阅读.wps")
    assert page.downloads == [] and page.console_errors == []

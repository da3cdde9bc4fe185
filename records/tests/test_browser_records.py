"""In the browser: a member uploads a .docx paper and sees at once its 字数 and what it counts for."""

import pytest

from records.models import Work

from .samples import make_docx

pytestmark = pytest.mark.browser


def test_member_uploads_a_docx_paper_and_sees_its_count_and_what_it_counts_for(browser_page, login, banner, years):
    page = browser_page
    member = banner.a.members[0]
    login(page, member.user)
    page.get_by_role("link", name="我的记录").first.click()
    page.get_by_role("link", name="登记成果").click()
    page.get_by_label("类型").select_option(label="论文")
    page.get_by_label("标题").fill("核心素养导向的阅读教学研究")
    page.get_by_label("日期").fill("2026-03-10")
    page.get_by_label("文件").set_input_files({
        "name": "阅读教学研究.docx",
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "buffer": make_docx("阅读教学研究。" * 287 + "Reading 2026"),  # 2009 + 2 = 2,011 字
    })
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/records/works/*/")
    assert page.get_by_test_id("char-count").inner_text().startswith("2,011 字 / 要求 1,800 字 ✓")
    assert page.get_by_test_id("counts-for").inner_text() == "计入：2025-2026 第二学期 论文"
    assert "计入：2025-2026 第二学期 论文" in page.get_by_role("alert").inner_text()
    with page.expect_download() as download_info:
        page.get_by_test_id("work-file").click()
    assert download_info.value.suggested_filename == "阅读教学研究.docx"
    page.get_by_role("link", name="我的记录").first.click()
    row = page.get_by_test_id("work-row").filter(has_text="核心素养导向的阅读教学研究")
    assert "计入：2025-2026 第二学期 论文" in row.inner_text()
    work = Work.objects.get()
    assert (work.char_count, work.char_count_source, work.status) == (2011, "file", "submitted")
    assert page.console_errors == []

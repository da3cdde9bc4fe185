"""In the browser: an admin downloads the banner summary and the file opens with the expected values."""


import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.browser


def test_an_officer_downloads_the_banner_summary(browser_page, login, banner):
    page = browser_page
    login(page, banner.officer)
    page.get_by_role("link", name="Excel 导入导出").click()
    assert page.get_by_role("heading", name="Excel 导入导出").is_visible()
    form = page.get_by_test_id("export-banner_summary")
    form.get_by_label("学年").select_option("2024")
    form.get_by_label("考核").select_option("annual")
    with page.expect_download() as download_info:
        form.get_by_role("button", name="导出").click()
    download = download_info.value
    assert download.suggested_filename == "2024-2025-年度考核-全旗考核汇总表.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = workbook["考核汇总"]
    assert sheet["A1"].value.startswith("乌审旗教育体育局 名师工作室考核汇总表（2024-2025学年")
    assert [cell.value for cell in sheet[3]][:3] == ["工作室编号", "工作室名称", "主持人"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    studios = [(row[0], row[1], row[2]) for row in rows if row[0] and str(row[0]).startswith("WS-")]
    assert studios == [
        ("WS-A", banner.a.studio.name, banner.a.host.name), ("WS-B", banner.b.studio.name, banner.b.host.name)]
    # the sheet ends with the block to sign, as it is printed for the file
    assert any("考核人" in str(value) for row in rows for value in row if value)
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert page.console_errors == []

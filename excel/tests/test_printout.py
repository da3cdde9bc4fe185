"""The assessment sheets printed as an office prints them: LibreOffice headless to PDF, and the PDF read back.
Every page is A4, every sheet of a small banner takes one page across, and no text prints below 8 pt (header
and footer included). Slow (a LibreOffice run per workbook): skipped without LibreOffice and poppler."""

import datetime

import pytest

from excel.exporters import (
    BannerSummaryExporter,
    FullLedgerExporter,
    LedgerExporter,
    RosterExporter,
    StudioSheetExporter,
)
from studios.models import SchoolYear

from .printout import needs_office, printout
from .test_exporters import opened, render

pytestmark = needs_office
AS_OF = datetime.date(2025, 12, 15)  # mid-year: most instances are still in progress
A4 = {(595, 842), (842, 595)}


def _a4(size) -> tuple[int, int]:
    return round(size[0]), round(size[1])


@pytest.fixture
def cycle_year(banner):
    return SchoolYear.objects.get(start_year=2024)


@pytest.fixture
def banner_summary(banner, cycle_year):
    data = render(BannerSummaryExporter(options={"school_year": cycle_year, "kind": "cycle", "as_of": AS_OF}))
    return opened(data), printout(data)


def test_the_cycle_banner_summary_prints_one_page_per_sheet_on_a4_with_no_text_below_8_pt(banner_summary):
    wb, pdf = banner_summary
    assert len(wb.sheetnames) > 3  # split into parts by school year, not shrunk onto one page
    assert pdf.pages == len(wb.sheetnames)
    assert {_a4(size) for size in pdf.sizes} <= A4
    assert min(pdf.font_sizes) >= 8
    for ws in wb:
        assert ws.page_setup.scale >= 73 and ws.page_setup.paperSize == 9


def test_the_printed_banner_summary_holds_every_studio_status_and_the_block_to_sign(banner_summary, banner):
    wb, pdf = banner_summary
    text = "".join("".join(page.split()) for page in pdf.text)
    for studio in (banner.a.studio, banner.b.studio):
        assert studio.code in text and studio.name in text
    for name in wb.sheetnames:
        if name.startswith("团队指标"):
            for row in wb[name].iter_rows(min_row=4, values_only=True):
                for value in row[2:]:
                    if value:
                        assert value.replace(" ", "") in text  # a status with 实际/要求 is never clipped
    assert text.count("考核人（签字）") == len(wb.sheetnames) - 1  # every sheet but the legend
    assert "第1页共" in text


def test_the_studio_sheet_prints_on_a4_with_no_text_below_8_pt(banner, cycle_year):
    exporter = StudioSheetExporter(options={"school_year": cycle_year, "kind": "cycle", "as_of": AS_OF},
                                   studio=banner.a.studio)
    data = render(exporter)
    wb, pdf = opened(data), printout(data)
    # One page across for every sheet; the team rules of a whole cycle (a row per rule and period) run on down.
    assert len(wb.sheetnames) <= pdf.pages <= len(wb.sheetnames) + 1
    assert sum("考核人（签字）" in "".join(page.split()) for page in pdf.text) == len(wb.sheetnames) - 1
    assert {_a4(size) for size in pdf.sizes} <= A4
    assert min(pdf.font_sizes) >= 8
    text = "".join("".join(page.split()) for page in pdf.text)
    for teacher in [banner.a.host, *banner.a.members]:
        assert teacher.code in text and teacher.name in text


def test_a_ledger_export_prints_its_title_in_the_page_header_and_keeps_row_1_the_header(banner):
    data = render(RosterExporter())
    wb, pdf = opened(data), printout(data)
    assert wb["教师"]["A1"].value == "教师编号"
    text = "".join("".join(page.split()) for page in pdf.text)
    assert "名师工作室台账·教师" in text and "北京时间" in text
    assert min(pdf.font_sizes) >= 8
    assert issubclass(RosterExporter, LedgerExporter)


def test_every_sheet_of_the_whole_ledger_prints_on_a4_with_no_text_below_8_pt(banner):
    data = render(FullLedgerExporter())
    wb, pdf = opened(data), printout(data)
    assert pdf.pages >= len(wb.sheetnames)
    assert {_a4(size) for size in pdf.sizes} <= A4
    assert min(pdf.font_sizes) >= 8
    text = "".join("".join(page.split()) for page in pdf.text)
    for name in wb.sheetnames:
        assert f"台账·{name}" in text  # every sheet's title, in its page header

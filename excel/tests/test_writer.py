"""The one writer: text stays text whatever it starts with, and printable sheets are set up for A4."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from excel.writer import STATUS_FILLS, Sheet, Styled, legend_sheet, write_workbook


def written(*sheets):
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return load_workbook(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://x\")", "+86 138", "-5", "@SUM(A1)", "\tcmd", "\rcmd",
                                  "#N/A", "=", "-"])
def test_a_text_that_looks_like_a_formula_stays_text(text):
    ws = written(Sheet(name="表", headers=["值"], rows=[[text]]))["表"]
    cell = ws["A2"]
    assert cell.data_type == "s"
    assert cell.value == text


def test_escaped_cells_carry_excels_quote_prefix_so_editing_keeps_them_text():
    ws = written(Sheet(name="表", headers=["值"], rows=[["=1+1"], ["普通文本"]]))["表"]
    assert ws["A2"].quotePrefix is True
    assert ws["A3"].quotePrefix is False


def test_styled_text_is_escaped_too():
    ws = written(Sheet(name="表", headers=["值"], rows=[[Styled("=危险", status="met")]]))["表"]
    assert (ws["A2"].data_type, ws["A2"].value) == ("s", "=危险")


def test_values_keep_their_types_and_control_characters_are_dropped():
    rows = [[datetime.date(2025, 3, 1), 12, Decimal("3.50"), None, "a\x07b", True]]
    ws = written(Sheet(name="表", headers=list("ABCDEF"), rows=rows))["表"]
    assert ws["A2"].value == datetime.datetime(2025, 3, 1) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == 12 and ws["C2"].value == 3.5 and ws["D2"].value is None
    assert ws["E2"].value == "ab"
    assert ws["F2"].value == "是"


def test_a_printable_sheet_has_title_frozen_header_widths_and_a4_landscape():
    sheet = Sheet(name="汇总", headers=["编号", "名称", "状态"], rows=[["WS-1", "甲", Styled("达标", status="met")]],
                  widths=[10, 30, 12], title="乌审旗教育体育局 考核汇总表（2024-2025学年）",
                  subtitle="统计截至 2025-09-30", printable=True, freeze_columns=2)
    ws = written(sheet)["汇总"]
    assert ws["A1"].value.startswith("乌审旗教育体育局") and ws["A1"].font.bold
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == ["编号", "名称", "状态"]
    assert ws.freeze_panes == "C4"
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["B"].width == 30


@pytest.mark.parametrize("status", ["met", "not_met", "pending", "not_applicable"])
def test_status_cells_are_coloured(status):
    ws = written(Sheet(name="表", headers=["状态"], rows=[[Styled("x", status=status)]]))["表"]
    assert ws["A2"].fill.start_color.rgb.endswith(STATUS_FILLS[status])


def test_the_legend_explains_every_status_colour():
    ws = written(legend_sheet())["图例"]
    labels = {ws.cell(row=row, column=1).value: ws.cell(row=row, column=1).fill.start_color.rgb
              for row in range(2, 6)}
    assert labels["达标"].endswith("C6EFCE") and labels["未达标"].endswith("FFC7CE")
    assert labels["进行中"].endswith("FFEB9C") and labels["不适用"].endswith("D9D9D9")


def test_progress_is_reported_with_the_running_row_count():
    seen = []
    buffer = io.BytesIO()
    total = write_workbook(buffer, [Sheet(name="一", headers=["a"], rows=([i] for i in range(1200))),
                                    Sheet(name="二", headers=["a"], rows=([i] for i in range(10)))],
                           progress=seen.append)
    assert total == 1210
    assert seen[0] == 500 and seen[-1] == 1210 and seen == sorted(seen)

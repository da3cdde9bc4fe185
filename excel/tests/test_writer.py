"""The one writer: text stays text whatever it starts with, and printable sheets are set up for A4."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from excel.writer import (
    MAX_WIDTH,
    MIN_SCALE,
    STATUS_FILLS,
    Sheet,
    Styled,
    legend_sheet,
    line_count,
    row_height,
    text_width,
    write_workbook,
)


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


def test_a_printable_sheet_has_title_frozen_header_and_repeats_the_header_row_on_every_page():
    sheet = Sheet(name="汇总", headers=["编号", "名称", "状态"], rows=[["WS-1", "甲", Styled("达标", status="met")]],
                  title="乌审旗教育体育局 考核汇总表（2024-2025学年）", subtitle="统计截至 2025-09-30",
                  printable=True, freeze_columns=2, unit="乌审旗教育体育局")
    ws = written(sheet)["汇总"]
    assert ws["A1"].value.startswith("乌审旗教育体育局") and ws["A1"].font.bold
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == ["编号", "名称", "状态"]
    assert ws.freeze_panes == "C4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.paperSize == 9
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and ws.oddFooter.left.text == "乌审旗教育体育局"


def test_column_widths_come_from_the_content_and_chinese_counts_double():
    ws = written(Sheet(name="表", headers=["编号", "名称"], rows=[["WS-0001", "乌审旗第一中学名师工作室"]]))["表"]
    assert ws.column_dimensions["A"].width == len("WS-0001") + 2
    assert ws.column_dimensions["B"].width == 2 * len("乌审旗第一中学名师工作室") + 2
    assert text_width("（实际/要求）") == 13  # the slash is half width


def test_a_long_text_wraps_and_its_row_is_as_high_as_its_lines():
    long = "研究" * 50  # 200 units in a column at most MAX_WIDTH wide
    ws = written(Sheet(name="表", headers=["说明", "编号"], rows=[[long, "A1"], ["短", "A2"]]))["表"]
    assert ws.column_dimensions["A"].width == MAX_WIDTH
    lines = line_count(long, MAX_WIDTH)
    assert lines == 6
    assert ws.row_dimensions[2].height == row_height(lines) and ws["A2"].alignment.wrap_text
    assert ws.row_dimensions[3].height is None  # one line: the default height


def test_a_wrapped_header_row_is_as_high_as_its_longest_header():
    ws = written(Sheet(name="表", headers=["旗级专题研讨活动\n2024-2025 第一学期", "编号"],
                       rows=[["达标（1/1）", "A"]]))["表"]
    width = ws.column_dimensions["A"].width
    assert ws.row_dimensions[1].height == row_height(line_count("旗级专题研讨活动\n2024-2025 第一学期", width))
    assert ws.row_dimensions[1].height >= row_height(2)


def test_a_narrow_sheet_prints_portrait_at_full_size():
    ws = written(Sheet(name="表", headers=["编号", "名称"], rows=[["A", "甲"]]))["表"]
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.scale == 100


def test_a_wide_sheet_prints_landscape_shrunk_to_the_width_but_not_below_the_readable_scale():
    headers = [f"列{i}" for i in range(12)]
    ws = written(Sheet(name="表", headers=headers, rows=[["一二三四五六"] * 12]))["表"]
    assert ws.page_setup.orientation == "landscape"
    assert MIN_SCALE <= ws.page_setup.scale < 100
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0


def test_a_sheet_too_wide_for_a_readable_scale_prints_across_pages_with_its_key_columns_repeated():
    headers = [f"列{i}" for i in range(40)]
    ws = written(Sheet(name="表", headers=headers, rows=[["一二三四五六"] * 40], freeze_columns=2))["表"]
    assert ws.page_setup.scale == MIN_SCALE and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$B"


def test_a_ledger_sheet_keeps_its_header_in_row_1_and_prints_its_title_in_the_page_header():
    ws = written(Sheet(name="教师", headers=["编号", "姓名"], rows=[["T1", "甲"]], title="乌审旗教育体育局 台账 · 教师",
                       subtitle="导出于 2026-12-02 11:53（北京时间）", title_in_cells=False))["教师"]
    assert [c.value for c in ws[1]] == ["编号", "姓名"]
    assert ws.oddHeader.center.text == "乌审旗教育体育局 台账 · 教师" and "北京时间" in ws.oddFooter.right.text
    assert ws.print_title_rows == "$1:$1"


def test_an_assessment_sheet_ends_with_the_block_to_sign():
    ws = written(Sheet(name="表", headers=["编号", "名称"], rows=[["A", "甲"]], signature=True))["表"]
    last = ws.cell(row=ws.max_row, column=1).value
    assert all(word in last for word in ("考核人", "复核人", "日期", "单位（盖章）"))
    assert ws.row_dimensions[ws.max_row].height >= 30


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

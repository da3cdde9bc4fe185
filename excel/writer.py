"""The one place that writes .xlsx files: every export, the template and the archive index go through here.

- Every text cell is written as text. openpyxl turns a string that starts with `=` into a formula and one like
  `#N/A` into an error; a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written with the
  cell type forced to a string and Excel's quote prefix, so that neither openpyxl nor Excel (when somebody edits
  the cell later) ever reads it as a formula. Characters that XML cannot hold are dropped.
- Sheets are written in openpyxl's write-only mode, so a sheet of any length streams to disk in constant memory.
- Printable sheets get a title row (the bureau and the period), a frozen header, column widths, coloured status
  cells, A4 landscape with the header rows repeated on every page, and a legend sheet.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
PROGRESS_EVERY = 500

# Status colours as offices know them from conditional formatting: green met, red not met, yellow pending, grey n/a.
STATUS_FILLS = {
    "met": "C6EFCE",
    "pass": "C6EFCE",
    "not_met": "FFC7CE",
    "fail": "FFC7CE",
    "pending": "FFEB9C",
    "not_applicable": "D9D9D9",
}
_FILLS = {status: PatternFill("solid", start_color=colour, end_color=colour) for status, colour in
          STATUS_FILLS.items()}
_TITLE_FONT = Font(bold=True, size=14)
_SUBTITLE_FONT = Font(size=10, color="595959")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Styled:
    """A value with a look: a status colour and/or a number format."""

    value: object
    status: str | None = None
    number_format: str | None = None


@dataclass
class Sheet:
    """One sheet to write. rows yields lists of plain values or Styled values, in header order."""

    name: str
    headers: list[str]
    rows: Iterable[list]
    widths: list[int] | None = None
    title: str | None = None  # a title row above the header (printable sheets)
    subtitle: str | None = None
    freeze_columns: int = 0
    printable: bool = False
    validations: list[tuple[str, list[str] | str]] = field(default_factory=list)  # (column letter, list | type)
    date_columns: list[int] = field(default_factory=list)  # 0-based columns formatted as dates (template)
    text_columns: list[int] = field(default_factory=list)  # 0-based columns formatted as text "@" (template)


def clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def needs_escape(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES


def _style(ws, cell, key, *, font=None, fill=None, alignment=None, border=None, number_format=None,
           quote=False):
    """Give the cell a style; each distinct style is built once per workbook and then copied, because openpyxl
    hashes the style objects on every assignment (most of the cost of a styled cell)."""
    cache = ws.parent.__dict__.setdefault("_excel_style_cache", {})
    style = cache.get(key)
    if style is not None:
        cell._style = copy(style)
        return cell
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    if quote:
        cell.quotePrefix = True
    cache[key] = copy(cell._style)
    return cell


def text_cell(ws, text: str, *, font=None, fill=None, alignment=None, border=None, key=None):
    """A cell that holds `text` as text, whatever it starts with."""
    cell = WriteOnlyCell(ws)
    text = clean_text(text)
    cell._value = text  # set directly: assigning .value would read a leading '=' as a formula
    cell.data_type = "s"
    quote = needs_escape(text)
    if quote or key is not None:
        _style(ws, cell, (key, quote), font=font, fill=fill, alignment=alignment, border=border, quote=quote)
    return cell


def _plain(ws, value):
    """A row value as openpyxl should get it: most values pass through untouched (fast path)."""
    if value is None or isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not value:
            return None
        if needs_escape(value) or ILLEGAL_CHARACTERS_RE.search(value):
            return text_cell(ws, value)
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=value)
        return _style(ws, cell, "date", number_format=DATE_FORMAT)
    if isinstance(value, Styled):
        return _styled(ws, value)
    return text_cell(ws, str(value))


def _styled(ws, styled: Styled):
    value = styled.value
    status = styled.status if styled.status in _FILLS else None
    fill = _FILLS.get(status)
    if isinstance(value, str) or value is None:
        text = clean_text(value or "")
        cell = WriteOnlyCell(ws)
        cell._value = text
        cell.data_type = "s"
        quote = needs_escape(text)
        return _style(ws, cell, ("text", status, styled.number_format, quote), fill=fill,
                      alignment=_CENTER if status else None, number_format=styled.number_format, quote=quote)
    cell = WriteOnlyCell(ws, value=value)
    number_format = styled.number_format or (DATE_FORMAT if isinstance(value, datetime.date) else None)
    return _style(ws, cell, ("value", status, number_format), fill=fill, number_format=number_format)


def _setup(ws, sheet: Sheet, header_row: int) -> None:
    widths = sheet.widths or [14] * len(sheet.headers)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for index in sheet.date_columns:
        ws.column_dimensions[get_column_letter(index + 1)].number_format = DATE_FORMAT
    for index in sheet.text_columns:
        ws.column_dimensions[get_column_letter(index + 1)].number_format = "@"
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{header_row + 1}"
    if sheet.printable:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_title_rows = f"1:{header_row}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _add_validations(ws, sheet: Sheet, header_row: int, last_row: int = 2000) -> None:
    for letter, rule in sheet.validations:
        area = f"{letter}{header_row + 1}:{letter}{last_row}"
        if isinstance(rule, str):  # a type: "date"
            validation = DataValidation(type="date", operator="greaterThan", formula1="DATE(1900,1,1)",
                                        allow_blank=True, showErrorMessage=True, errorTitle="日期格式",
                                        error="请填写日期，例如 2024-09-01。")
        else:
            # A list longer than 255 characters must come from cells; every vocabulary here is short.
            validation = DataValidation(type="list", formula1='"' + ",".join(rule) + '"', allow_blank=True,
                                        showErrorMessage=True, errorTitle="无效的值",
                                        error="请从下拉列表中选择：" + "、".join(rule))
        validation.add(area)
        ws.data_validations.append(validation)


def write_sheet(wb: Workbook, sheet: Sheet, *, progress: Callable[[int], None] | None = None) -> int:
    """Stream one sheet into a write-only workbook; returns the number of data rows written."""
    ws = wb.create_sheet(sheet.name)
    header_row = 1
    if sheet.title:
        header_row = 3 if sheet.subtitle else 2
    _setup(ws, sheet, header_row)
    _add_validations(ws, sheet, header_row)
    last = get_column_letter(max(len(sheet.headers), 1))
    if sheet.title:
        ws.merged_cells.add(f"A1:{last}1")
        ws.append([text_cell(ws, sheet.title, font=_TITLE_FONT, alignment=_CENTER, key="title")])
        if sheet.subtitle:
            ws.merged_cells.add(f"A2:{last}2")
            ws.append([text_cell(ws, sheet.subtitle, font=_SUBTITLE_FONT, key="subtitle")])
    ws.append([text_cell(ws, header, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_CENTER,
                         border=_HEADER_BORDER, key="header") for header in sheet.headers])
    written = 0
    for row in sheet.rows:
        ws.append([_plain(ws, value) for value in row])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    if progress is not None:
        progress(written)
    return written


LEGEND_ROWS = [
    ("达标", "met", "要求已满足（以考核期内的记录为准）"),
    ("未达标", "not_met", "考核期已结束，要求未满足"),
    ("进行中", "pending", "考核期尚未结束，要求暂未满足"),
    ("不适用", "not_applicable", "在考核期内在岗天数不足一半"),
]


def legend_sheet(extra_rows: Iterable[list] = ()) -> Sheet:
    rows = [[Styled(label, status=status), note] for label, status, note in LEGEND_ROWS]
    rows += [["合格", "（结论）全部适用指标达标"], ["不合格", "（结论）有指标未达标"],
             ["待定", "（结论）有指标进行中"], ["达标率", "达标数 ÷（指标总数 − 不适用数）"]]
    rows += list(extra_rows)
    return Sheet(name="图例", headers=["标识", "说明"], rows=rows, widths=[16, 60])


def write_workbook(target, sheets: Iterable[Sheet], *,
                   progress: Callable[[int], None] | None = None) -> int:
    """Write the sheets to `target` (a path or a binary file object); returns the data rows written.

    progress, if given, is called with the running total of data rows every few hundred rows."""
    wb = Workbook(write_only=True)
    total = 0
    for sheet in sheets:
        base = total

        def report(count, base=base):
            progress(base + count)

        total += write_sheet(wb, sheet, progress=report if progress else None)
    wb.save(target)
    return total

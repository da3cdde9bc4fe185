"""The one place that writes .xlsx files: every export, the template and the archive index go through here.

- Every text cell is written as text. openpyxl turns a string that starts with `=` into a formula and one like
  `#N/A` into an error; a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written with the
  cell type forced to a string and Excel's quote prefix, so that neither openpyxl nor Excel (when somebody edits
  the cell later) ever reads it as a formula. Characters that XML cannot hold are dropped.
- Sheets are written in openpyxl's write-only mode, so a sheet of any length streams to disk in constant memory.
- Every sheet prints as it is (an office prints through Excel, WPS or LibreOffice and hands the paper round):
  a title (in rows above the header, or — for a ledger sheet that must import again unchanged — in the page
  header), the unit, 统计截至 and the export time; column widths from the content (a Chinese character counts
  double); row heights from the lines each wrapped cell takes (openpyxl sets none, and an office suite does not
  grow a row on opening); A4 portrait or landscape as the width needs, shrunk to the page only down to MIN_SCALE;
  the header row and key columns repeated on every page; 第 N 页 共 M 页 at the foot; coloured status cells; and,
  on assessment sheets, the block an office signs and stamps.
"""

from __future__ import annotations

import datetime
import itertools
import math
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
# The workbook's own font (openpyxl's default style), named on every font: a font without a name falls back to a
# serif face in LibreOffice.
FONT_NAME = "Calibri"
_TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
_SUBTITLE_FONT = Font(name=FONT_NAME, size=11, color="595959")
_HEADER_FONT = Font(name=FONT_NAME, bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_SIGNATURE = Alignment(horizontal="left", vertical="center", wrap_text=True)

# Print (A4, 210 × 297 mm): the printable width inside the side margins, and how far a sheet may shrink to fit.
MARGIN_INCHES = 0.4
PRINTABLE_INCHES = {"portrait": 8.27 - 2 * MARGIN_INCHES, "landscape": 11.69 - 2 * MARGIN_INCHES}
MIN_SCALE = 73  # 11 pt text at 73 % is 8 pt on paper (measured in LibreOffice's PDF: excel/tests/test_printout.py)
MIN_PRINTED_PT = 8.2  # headers and footers shrink with the page too: their size is chosen to stay above this
SPLIT_SCALE = 80  # wide assessment sheets are split into parts that each print at 80 % or more
FIT_MARGIN = 3
NARROW_FLOOR = 20
MAX_WIDTH = 40  # a longer text wraps in a column this wide
MIN_WIDTH = 4
HEADER_MAX_LINES = 3
SHORT_HEADER = 14
CELL_PADDING = 2
LINE_HEIGHT = 15.0  # points per line of 11 pt text (WenQuanYi / Calibri line spacing is about 1.3)
TITLE_LINE_HEIGHT = 20.0
SIGNATURE_LINE_HEIGHT = 30.0  # room to sign by hand
ROW_PADDING = 4.0
SAMPLE_ROWS = 500
PAGE_NUMBERS = "第 &P 页 共 &N 页"


@dataclass(frozen=True)
class Styled:
    """A value with a look: a status colour and/or a number format."""

    value: object
    status: str | None = None
    number_format: str | None = None


@dataclass
class Sheet:
    """One sheet to write. rows yields lists of plain values or Styled values, in header order.

    Every sheet is laid out for print (see `print_layout`): column widths from its content, row heights that
    fit wrapped text, A4 in the orientation and scale its width needs, the header row repeated on every page,
    the first `key_columns` (default: the frozen columns) repeated on every page across, page numbers.
    `title_in_cells=False` keeps row 1 the header (a ledger sheet imports again as it is) and prints the title
    and subtitle in the page header instead. `signature` ends the sheet with the block an office signs."""

    name: str
    headers: list[str]
    rows: Iterable[list]
    widths: list[int] | None = None  # used only when there are no rows to measure (the template)
    title: str | None = None  # a title row above the header (printable sheets)
    subtitle: str | None = None
    freeze_columns: int = 0
    printable: bool = True
    validations: list[tuple[str, list[str] | str]] = field(default_factory=list)  # (column letter, list | type)
    date_columns: list[int] = field(default_factory=list)  # 0-based columns formatted as dates (template)
    text_columns: list[int] = field(default_factory=list)  # 0-based columns formatted as text "@" (template)
    title_in_cells: bool = True
    unit: str | None = None  # printed at the foot of every page (乌审旗教育体育局, or the studio)
    key_columns: int | None = None
    signature: bool = False
    max_width: int = MAX_WIDTH
    min_widths: list[float] | None = None  # a column never narrower than this (a period that must not break)


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


# --- measuring text for print ---------------------------------------------------------------------------------
# Widths are in Excel's unit (the width of a "0" of the default font, about 7 px at 96 dpi); a Chinese character
# or a full-width sign is two of them. GBK encodes exactly those as two bytes and ASCII as one, so the length of
# the encoding is the display width, measured in C (a ledger of a region has millions of cells).


def text_width(text: str) -> int:
    """The width of one line of text in column units: a Chinese character counts double."""
    if text.isascii():
        return len(text)
    return len(text.encode("gbk", errors="replace"))


def value_text(value) -> str:
    """The text a value prints as (what its width is measured on)."""
    if isinstance(value, Styled):
        value = value.value
        if isinstance(value, float):
            return f"{value * 100:.1f}%"  # every Styled number here is a rate in PERCENT_FORMAT
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是"
    if isinstance(value, datetime.date):
        return "2024-09-01"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def line_count(text: str, width: float) -> int:
    """How many lines `text` takes in a column of `width` when wrapped (explicit line breaks kept)."""
    usable = max(width - CELL_PADDING, 1)
    if "\n" not in text and len(text) * 2 <= usable:
        return 1  # the fast path: even all-Chinese it fits
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def column_width(header: str, values: Iterable, *, max_width: int = MAX_WIDTH, minimum: float = 0) -> float:
    """A column's width from its content: the widest value, the header allowed to wrap onto a few lines."""
    widest = max((text_width(line) for value in values for line in value_text(value).split("\n")), default=0)
    head = max((text_width(line) for line in header.split("\n")), default=0)
    # A short header (a few words: 工作室编号) stays whole; a longer one wraps onto up to three lines rather than
    # widening the column beyond its values.
    head_need = head if head <= SHORT_HEADER else min(head, max(widest, math.ceil(head / HEADER_MAX_LINES),
                                                               SHORT_HEADER))
    return float(min(max(widest, head_need, MIN_WIDTH, minimum) + CELL_PADDING, max_width))


def width_inches(widths: Iterable[float]) -> float:
    """The printed width at 100 % of columns of these widths (Excel: 7 px a unit plus 5 px of margin, 96 dpi)."""
    return sum((7 * width + 5) / 96 for width in widths)


@dataclass(frozen=True)
class PrintLayout:
    orientation: str
    scale: int  # percent
    fit_to_width: bool


def print_layout(widths: Iterable[float]) -> PrintLayout:
    """Portrait if the columns fit across a portrait A4 page, else landscape; shrunk to the page's width only as
    far as MIN_SCALE (body text stays ≥ 8 pt). A sheet wider than that prints across pages at MIN_SCALE with its
    key columns repeated; the assessment sheets are split into parts beforehand so that it never comes to it.
    The scale is the estimate less FIT_MARGIN: LibreOffice fits a little tighter than Excel's arithmetic."""
    inches = width_inches(widths)
    if inches <= PRINTABLE_INCHES["portrait"]:
        return PrintLayout("portrait", 100, True)
    scale = min(100, math.floor(PRINTABLE_INCHES["landscape"] / inches * 100) - FIT_MARGIN)
    if scale >= MIN_SCALE:
        return PrintLayout("landscape", scale, True)
    return PrintLayout("landscape", MIN_SCALE, False)


def narrow_to_fit(widths: list[float], *, floor: float = NARROW_FLOOR, minimums=()) -> list[float]:
    """Widths with the widest text columns narrowed (their text wraps onto more lines) until the sheet prints
    across one landscape page at a readable scale, or no column is wider than `floor` (or its minimum)."""
    widths = list(widths)
    minimums = list(minimums) + [0.0] * len(widths)
    while print_layout(widths).scale < SPLIT_SCALE or not print_layout(widths).fit_to_width:
        narrowable = [i for i in range(len(widths)) if widths[i] > max(floor, minimums[i] + CELL_PADDING)]
        if not narrowable:
            break
        widths[max(narrowable, key=widths.__getitem__)] -= 1
    return widths


def fits_on_page(widths: Iterable[float], *, scale: int = SPLIT_SCALE) -> bool:
    """Whether columns of these widths print across one landscape A4 page at `scale` percent or more."""
    return width_inches(widths) * (scale + FIT_MARGIN) / 100 <= PRINTABLE_INCHES["landscape"]


def row_height(lines: int, *, line_height: float = LINE_HEIGHT) -> float:
    return round(lines * line_height + ROW_PADDING, 1)


def _plain(ws, value, width: float) -> tuple[object, int]:
    """A row value as openpyxl should get it, and the lines it takes. Most values pass through untouched."""
    if value is None or isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value, 1
    if isinstance(value, str):
        if not value:
            return None, 1
        lines = line_count(value, width)
        if lines > 1:
            return text_cell(ws, value, alignment=_WRAP, key="wrap"), lines
        if needs_escape(value) or ILLEGAL_CHARACTERS_RE.search(value):
            return text_cell(ws, value), 1
        return value, 1
    if isinstance(value, bool):
        return ("是" if value else "否"), 1
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=value)
        return _style(ws, cell, "date", number_format=DATE_FORMAT), 1
    if isinstance(value, Styled):
        return _styled(ws, value), line_count(value_text(value), width)
    return _plain(ws, str(value), width)


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
                      alignment=_CENTER if status else _WRAP, number_format=styled.number_format, quote=quote)
    cell = WriteOnlyCell(ws, value=value)
    number_format = styled.number_format or (DATE_FORMAT if isinstance(value, datetime.date) else None)
    return _style(ws, cell, ("value", status, number_format), fill=fill, number_format=number_format)


def _widths(sheet: Sheet, sample: list[list]) -> list[float]:
    count = len(sheet.headers)
    given = list(sheet.widths or [])
    if not sample and given:  # nothing to measure: the template, whose columns are to be filled in
        return [float(width) for width in given] + [14.0] * (count - len(given))
    minimums = list(sheet.min_widths or []) + [0.0] * count
    widths = [column_width(header, (row[index] for row in sample if index < len(row)), max_width=sheet.max_width,
                           minimum=minimums[index]) for index, header in enumerate(sheet.headers)]
    return narrow_to_fit(widths, minimums=minimums)


def _setup(ws, sheet: Sheet, widths: list[float], header_row: int) -> PrintLayout:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for index in sheet.date_columns:
        ws.column_dimensions[get_column_letter(index + 1)].number_format = DATE_FORMAT
    for index in sheet.text_columns:
        ws.column_dimensions[get_column_letter(index + 1)].number_format = "@"
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{header_row + 1}"
    layout = print_layout(widths)
    if not sheet.printable:
        return layout
    setup = ws.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = layout.orientation
    setup.scale = layout.scale
    if layout.fit_to_width:
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        setup.pageOrder = "overThenDown"
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True  # the data cells have no borders of their own: print the grid
    margins = ws.page_margins
    margins.left = margins.right = MARGIN_INCHES
    margins.top = margins.bottom = 0.75
    margins.header = margins.footer = 0.3
    ws.print_title_rows = f"{header_row}:{header_row}"
    keys = sheet.freeze_columns if sheet.key_columns is None else sheet.key_columns
    if keys and not layout.fit_to_width:
        ws.print_title_cols = f"A:{get_column_letter(keys)}"
    small = max(9, math.ceil(MIN_PRINTED_PT * 100 / layout.scale))
    if not sheet.title_in_cells and sheet.title:
        # A header or footer holds no line break (openpyxl escapes it), so the title has the page header to itself
        # and the subtitle (the times) takes the right of the footer.
        ws.oddHeader.center.text = sheet.title
        ws.oddHeader.center.size = small + 3
        ws.oddHeader.center.font = "-,Bold"
    # LibreOffice scales the page header and footer with the sheet: they are sized to print at ≥ 8 pt.
    ws.oddFooter.center.text = PAGE_NUMBERS
    ws.oddFooter.center.size = small
    if sheet.unit:
        ws.oddFooter.left.text = sheet.unit
        ws.oddFooter.left.size = small
    ws.oddFooter.right.text = sheet.subtitle if not sheet.title_in_cells and sheet.subtitle else sheet.name
    ws.oddFooter.right.size = small
    return layout


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


# Two lines, so that a narrow sheet never breaks a label: who signs, then the date and the stamp.
SIGNATURE_TEXT = ("考核人（签字）：＿＿＿＿＿＿＿＿　　复核人（签字）：＿＿＿＿＿＿＿＿\n"
                  "日期：＿＿＿＿年＿＿月＿＿日　　　　单位（盖章）：")


def write_sheet(wb: Workbook, sheet: Sheet, *, progress: Callable[[int], None] | None = None) -> int:
    """Stream one sheet into a write-only workbook; returns the number of data rows written.

    The first SAMPLE_ROWS rows are read ahead to measure the columns (a write-only sheet writes its column widths
    before its first row); a row's height is set as it is written, from the lines its wrapped cells take."""
    ws = wb.create_sheet(sheet.name)
    rows = iter(sheet.rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    widths = _widths(sheet, sample)
    titled = bool(sheet.title) and sheet.title_in_cells
    header_row = (3 if sheet.subtitle else 2) if titled else 1
    layout = _setup(ws, sheet, widths, header_row)
    _add_validations(ws, sheet, header_row)
    count = max(len(sheet.headers), 1)
    last = get_column_letter(count)
    total_width = sum(widths)
    row_index = 0

    def append(cells, height=None):
        nonlocal row_index
        row_index += 1
        if height is not None:
            ws.row_dimensions[row_index].height = height
        ws.append(cells)
        if height is not None:
            del ws.row_dimensions[row_index]  # written: a long sheet keeps no row objects

    if titled:
        ws.merged_cells.add(f"A1:{last}1")
        # Centred over the page when the sheet fits one page across; at the left, on the first page, when not.
        centred = layout.fit_to_width
        append([text_cell(ws, sheet.title, font=_TITLE_FONT, alignment=_CENTER if centred else _SIGNATURE,
                          key=("title", centred))],
               row_height(line_count(sheet.title, total_width * 11 / 14), line_height=TITLE_LINE_HEIGHT))
        if sheet.subtitle:
            ws.merged_cells.add(f"A2:{last}2")
            append([text_cell(ws, sheet.subtitle, font=_SUBTITLE_FONT, alignment=_WRAP, key="subtitle")],
                   row_height(line_count(sheet.subtitle, total_width)))
    header_lines = max((line_count(header, width) for header, width in zip(sheet.headers, widths, strict=False)),
                       default=1)
    append([text_cell(ws, header, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_CENTER,
                      border=_HEADER_BORDER, key="header") for header in sheet.headers], row_height(header_lines))
    written = 0
    for row in itertools.chain(sample, rows):
        cells, lines = [], 1
        for index, value in enumerate(row):
            cell, taken = _plain(ws, value, widths[index] if index < len(widths) else 14)
            cells.append(cell)
            lines = max(lines, taken)
        append(cells, row_height(lines) if lines > 1 else None)
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    if sheet.signature:
        append([])
        ws.merged_cells.add(f"A{row_index + 1}:{last}{row_index + 1}")
        append([text_cell(ws, SIGNATURE_TEXT, alignment=_SIGNATURE, key="signature")],
               row_height(line_count(SIGNATURE_TEXT, total_width), line_height=SIGNATURE_LINE_HEIGHT))
    if progress is not None:
        progress(written)
    return written


def legend_sheet(extra_rows: Iterable[list] = (), *, title: str | None = None, unit: str | None = None) -> Sheet:
    """What the colours, the verdicts and the rate mean: the words of assessments.presentation, as the pages
    say them."""
    from django.utils import translation

    from assessments.presentation import legend_rows

    with translation.override("zh-hans"):
        rows = [[Styled(label, status=status) if status else label, note] for label, status, note in legend_rows()]
    rows += list(extra_rows)
    return Sheet(name="图例", headers=["标识", "说明"], rows=rows, widths=[16, 60], title=title, unit=unit,
                 subtitle=f"单位：{unit}" if unit else None)


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

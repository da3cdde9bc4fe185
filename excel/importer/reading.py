"""Reading a workbook: the header row (row 1, or below a title row) mapped by Chinese name, each cell parsed by
its column's kind; every sheet and column not read is listed (names.py), a file in another format is named."""

from __future__ import annotations

import datetime
import io
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from studios.models import SchoolYear

from .. import ledger as L
from .formats import not_xlsx_message, spreadsheet_kind
from .names import HEADER_SCAN_ROWS, Unread, find_header_row, known_header, nearest, unread_sheets
from .results import LedgerError, LedgerFileError

_DATE_TEXT = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")
# What is read of a sheet is bounded by what is in it, never by the size it declares: a 5 KB file may claim
# A1:XFD1048576, and openpyxl would then hand over a million rows of 16,384 empty cells each. No ledger sheet has
# more columns than this, nor a banner more rows (a row past it is refused with a message).
MAX_COLUMNS = 100
MAX_ROWS = 50_000


@dataclass
class Row:
    number: int
    values: dict
    present: frozenset  # headers that are columns of the sheet

    def __getitem__(self, header):
        return self.values.get(header)

    def has(self, header) -> bool:
        return header in self.present


class Reader:
    def __init__(self, errors: list[LedgerError], unread: list[Unread] | None = None):
        self.errors = errors
        self.unread = unread if unread is not None else []

    def error(self, sheet, row, column, message):
        self.errors.append(LedgerError(sheet, row, column, message))

    def read(self, data: bytes, name: str = "") -> dict[str, list[Row]]:
        from openpyxl import load_workbook

        damaged = _("The file is not an Excel workbook (.xlsx) or it is damaged.")
        kind = spreadsheet_kind(data, name)
        if kind != "xlsx" and not_xlsx_message(kind):
            raise LedgerFileError(not_xlsx_message(kind))
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl, zlib and the XML parsers raise many kinds on a broken file
            raise LedgerFileError(damaged) from None
        sheets = {}
        try:
            names = set(workbook.sheetnames)
            self.unread.extend(unread_sheets(workbook.sheetnames))
            for spec in L.SHEETS:
                if spec.name in names:
                    sheets[spec.name] = self._read_sheet(spec, workbook[spec.name])
        except Exception:  # read-only sheets are parsed row by row: the damage may show only now
            raise LedgerFileError(damaged) from None
        finally:
            workbook.close()
        if not sheets:
            message = (_("The workbook has none of the ledger's sheets (%(names)s).")
                       % {"names": "、".join(spec.name for spec in L.SHEETS)})
            if self.unread:
                message += " " + "；".join(str(item) for item in self.unread)
            raise LedgerFileError(message)
        return sheets

    def _read_sheet(self, spec: L.SheetSpec, ws) -> list[Row]:
        ws.reset_dimensions()  # forget the declared size: only rows and cells present in the file are read
        rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS + 1)
        # The header is row 1, or the row below a title (and subtitle) that names the most known headers.
        first = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        header_index = find_header_row(first, spec.headers)
        header_number = header_index + 1
        header_cells = first[header_index] if first else ()
        rows = itertools.chain(first[header_index + 1:], rows)
        positions = {}
        for index, value in enumerate(header_cells):
            header = known_header(value, spec.headers)
            if header is not None and header not in positions:
                positions[header] = index
            elif _text(value):
                self.unread.append(Unread(sheet=spec.name, column=_text(value), duplicate=header is not None,
                                          nearest="" if header is not None else nearest(value, spec.headers)))
        missing = [column.header for column in spec.columns if column.required and column.header not in positions]
        for header in missing:
            self.error(spec.name, header_number, header,
                       _("The required column %(column)s is missing.") % {"column": header})
        if missing:
            return []
        present = frozenset(positions)
        result = []
        for number, cells in enumerate(rows, start=header_number + 1):
            if not any(cell is not None for cell in cells) or all(_text(cell) == "" for cell in cells):
                continue
            if number > MAX_ROWS:
                self.error(spec.name, number, "", _("The sheet has more than %(max)d rows; split the ledger into "
                                                    "several files.") % {"max": MAX_ROWS})
                break
            values = {}
            for header, index in positions.items():
                raw = cells[index] if index < len(cells) else None
                values[header] = self._cell(spec, spec.column(header), number, raw)
            result.append(Row(number=number, values=values, present=present))
        return result

    def _cell(self, spec, column: L.Column, number: int, raw):
        text = _text(raw)
        if text == "":
            if column.required:
                self.error(spec.name, number, column.header,
                           _("%(column)s must not be empty.") % {"column": column.header})
            return [] if column.kind == L.CODES else None
        try:
            return self._parse(column, raw, text)
        except ValueError as error:
            self.error(spec.name, number, column.header, str(error))
            return [] if column.kind == L.CODES else None

    def _parse(self, column: L.Column, raw, text: str):
        kind = column.kind
        if column.vocabulary is not None:
            if text not in column.vocabulary:
                raise ValueError(_("%(value)s is not a valid value for %(column)s; use one of: %(choices)s.") % {
                    "value": text, "column": column.header, "choices": "、".join(column.vocabulary)})
            return column.vocabulary[text]
        if kind in (L.TEXT, L.CODE):
            if column.max_length and len(text) > column.max_length:
                raise ValueError(_("%(column)s is longer than %(max)d characters.")
                                 % {"column": column.header, "max": column.max_length})
            return text
        if kind == L.DATE:
            return _date(raw, text, column.header)
        if kind == L.YEAR:
            try:
                return SchoolYear.parse_label(text)
            except ValueError:
                raise ValueError(_("%(value)s is not a school year; write it like 2024-2025.")
                                 % {"value": text}) from None
        if kind == L.CODES:
            codes = [part.strip() for part in re.split("[、,，]", text)]
            return list(dict.fromkeys(code for code in codes if code))
        if kind in (L.INT, L.SCORE):
            number = _number(raw, text)
            if number is None or number != int(number) or number < 0:
                raise ValueError(_("%(column)s must be a whole number, not %(value)s.")
                                 % {"column": column.header, "value": text})
            if kind == L.SCORE and number > 100:
                raise ValueError(_("%(column)s must be between 0 and 100, not %(value)s.")
                                 % {"column": column.header, "value": text})
            return int(number)
        if kind == L.DECIMAL:
            number = _number(raw, text.replace(",", ""))
            if number is None or number <= 0 or number >= Decimal("1e10"):
                raise ValueError(_("%(column)s must be a positive amount, not %(value)s.")
                                 % {"column": column.header, "value": text})
            return number.quantize(Decimal("0.01"))
        raise AssertionError(kind)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).strip().strip("\u3000")


def _number(raw, text) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return Decimal(str(raw))
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _date(raw, text: str, header: str) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(_("%(value)s in %(column)s is not a date; use an Excel date or text like 2024-09-01.")
                     % {"value": text, "column": header})

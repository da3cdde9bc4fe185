"""Sheet names and header cells as offices type them: what is read, and what is not (ledger-workbook.md,
clarifications).

A header is tolerated with a ★ before it (the template's mark of a required column), with spaces anywhere (a
trailing space is invisible in Excel), in full-width characters (ＡＢＣ, （）) and with a unit in brackets after it
(字数（字）, 金额(元)). A sheet name is matched exactly, as the specification's example has it ("经费 " is not
经费): what does not match is listed as 未读取 with the nearest known name, never dropped without a word.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .. import ledger as L

# Marks offices put before a required header: the template's ★, its outline and the ASCII asterisk.
_MARKS = re.compile(r"[★☆*＊※]")
_SPACE = re.compile(r"\s+")
# A unit or remark in brackets at the end (after NFKC 「（字）」 is 「(字)」; 【】 and 〔〕 are kept by NFKC).
_UNIT = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]$")
# Below this likeness a name is too far from every known one to be suggested (说明 is nothing like 教师).
NEAREST_CUTOFF = 0.5
# The title row of a sheet printed for the file (乌审旗名师工作室台账 · 教师) sits above the header row: the header
# is the row among the first few that matches the most known headers.
HEADER_SCAN_ROWS = 10


def header_key(value) -> str:
    """The form a header cell is compared in: NFKC, without ★ marks and without any whitespace."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _MARKS.sub("", text)
    return _SPACE.sub("", text)


def known_header(value, headers) -> str | None:
    """The sheet's header this cell names, or None. headers: the sheet's headers (exact spec names)."""
    key = header_key(value)
    if not key:
        return None
    by_key = {header_key(header): header for header in headers}
    if key in by_key:
        return by_key[key]
    without_unit = _UNIT.sub("", key)
    if without_unit != key and without_unit in by_key:
        return by_key[without_unit]
    return None


def nearest(name, candidates) -> str:
    """The known name most like this one ('' when none is close): the 「是不是…？」 of the preview."""
    key = header_key(name)
    keys = {header_key(candidate): candidate for candidate in candidates}
    found = difflib.get_close_matches(key, list(keys), n=1, cutoff=NEAREST_CUTOFF)
    if not found:
        # A known name inside a longer one (主持人评价表, 教师名单) is the likeliest meaning even when short.
        inside = [candidate for k, candidate in keys.items() if k and k in key]
        return max(inside, key=len) if inside else ""
    return keys[found[0]]


@dataclass(frozen=True)
class Unread:
    """A sheet (column == "") or a column of a known sheet that the import does not read."""

    sheet: str
    column: str = ""
    nearest: str = ""
    duplicate: bool = False  # a second column with the same header: only the first is read

    @property
    def is_sheet(self) -> bool:
        return not self.column

    def __str__(self):
        from django.utils.translation import gettext as _

        if self.is_sheet:
            text = _("Not read: sheet 「%(sheet)s」") % {"sheet": self.sheet}
        elif self.duplicate:
            return _("Not read: sheet 「%(sheet)s」, column 「%(column)s」 (a second column with this header; "
                     "only the first is read)") % {"sheet": self.sheet, "column": self.column}
        else:
            text = _("Not read: sheet 「%(sheet)s」, column 「%(column)s」") % {
                "sheet": self.sheet, "column": self.column}
        if self.nearest:
            text += _(" (did you mean 「%(name)s」?)") % {"name": self.nearest}
        return text


def unread_sheets(names) -> list[Unread]:
    """Every sheet of the workbook that is neither a ledger sheet nor the template's instructions."""
    known = [spec.name for spec in L.SHEETS]
    return [Unread(sheet=name, nearest=nearest(name, known))
            for name in names if name not in L.SHEETS_BY_NAME and name != L.INSTRUCTIONS_SHEET]


def find_header_row(rows: list[tuple], headers) -> int:
    """Index (0-based) among the first rows of the one naming the most known headers; 0 when none names any."""
    best, best_count = 0, 0
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        count = len({known_header(cell, headers) for cell in cells} - {None})
        if count > best_count:
            best, best_count = index, count
    return best

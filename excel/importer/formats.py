"""A file that is not .xlsx, told by its content (a renamed file keeps its real format): the old Excel binary
(.xls), WPS Spreadsheets' own format (.et), OpenDocument (.ods) and comma-separated text (.csv) get a message
saying how to save the ledger as .xlsx, instead of 「文件已损坏」 (ledger-workbook.md, clarifications).

None of them is read: a .csv has one sheet and no sheet name, an .xls/.et would have to be converted by the office
engine, which is never run in a request (docs/architecture.md), and a conversion the officer does not see is not a
faithful reading of a ledger that decides assessments.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_UTF16 = "utf-16-le"
# Stream names of an OLE compound file (its directory stores them in UTF-16): Excel 97–2003 (BIFF8 "Workbook",
# BIFF5 "Book"); WPS Spreadsheets adds its own streams to the same BIFF format.
_WORKBOOK_STREAMS = ("Workbook".encode(_UTF16), "Book\x00".encode(_UTF16))
_WPS_STREAMS = ("ETExtData".encode(_UTF16), "WpsCustomData".encode(_UTF16), "KSOProductBuildVer".encode(_UTF16))
_WORD_STREAM = "WordDocument".encode(_UTF16)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODF_PREFIX = b"application/vnd.oasis.opendocument."



def spreadsheet_kind(data: bytes, name: str = "") -> str | None:
    """'xlsx', or the other format this really is ('xls', 'et', 'ods', 'csv', 'doc', 'odf'), or None."""
    lower = (name or "").lower()
    if data.startswith(OLE_MAGIC):
        head = data[: 4 * 1024 * 1024]
        if any(stream in head for stream in _WPS_STREAMS) or lower.endswith(".et"):
            return "et"
        if any(stream in head for stream in _WORKBOOK_STREAMS):
            return "xls"
        if _WORD_STREAM in head:
            return "doc"
        return "et" if lower.endswith(".et") else ("xls" if lower.endswith(".xls") else None)
    if data.startswith(ZIP_MAGIC):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype == ODS_MIMETYPE:
                        return "ods"
                    if mimetype.startswith(ODF_PREFIX):
                        return "odf"
            if "word/document.xml" in names:
                return "doc"
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError):
            return None
        return None
    if _looks_like_csv(data, lower):
        return "csv"
    return None


def _looks_like_csv(data: bytes, lower_name: str) -> bool:
    """Text with a separator on its first line (a ledger saved as CSV from Excel or WPS: UTF-8, UTF-16 or
    GB18030), or any text named .csv."""
    from core.uploads import decode_text

    sample = data[:64 * 1024]
    # A cut sample may end inside a character: try the next few shorter cuts too.
    text = next((t for cut in range(4) if (t := decode_text(sample[:len(sample) - cut] if cut else sample))), None)
    if text is None or not text.strip():
        return False
    first = text.strip().splitlines()[0]
    return lower_name.endswith(".csv") or any(sep in first for sep in (",", "\t", "，", ";"))


def not_xlsx_message(kind: str | None) -> str | None:
    """The Chinese message for a file of this kind, or None when it is .xlsx or unknown (then it is damaged)."""
    messages = {
        "xls": _("This is an Excel 97–2003 workbook (.xls), not .xlsx."),
        "et": _("This is a WPS Spreadsheets workbook (.et), not .xlsx."),
        "ods": _("This is an OpenDocument spreadsheet (.ods, LibreOffice or WPS), not .xlsx."),
        "csv": _("This is a text file of comma-separated values (.csv): it has one sheet and no sheet names, so the "
                 "ledger's sheets cannot be told apart."),
        "doc": _("This is a text document (Word or WPS Writer), not a workbook."),
        "odf": _("This is an OpenDocument file, but not a spreadsheet."),
    }
    if kind not in messages:
        return None
    if kind in ("doc", "odf"):
        return messages[kind] + " " + _("Please upload the ledger workbook (.xlsx).")
    # How to save as .xlsx, said once for every program an office has.
    return messages[kind] + " " + _("Open it in Excel or WPS Spreadsheets, choose File → Save As, save it as "
                                    "「Excel 工作簿 (*.xlsx)」 and upload the saved .xlsx file.")

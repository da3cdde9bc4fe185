"""Checks on uploaded files: type from the content (never the name), size, zip bombs and other hostile files;
the text a file reads as and its 字数 (the rule itself: core.wordcount; the XML walkers: core.documents).

Everything here reads bytes and returns plain values or raises ValidationError with a message in Chinese.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import documents
from .wordcount import count_chars

__all__ = ["count_chars"]  # the rule lives in core.wordcount; callers import it from here

# Writing as teachers hand it in: Word, WPS Writer, LibreOffice, PDF, plain text, and photos or scans of pages.
WRITING = frozenset({"docx", "doc", "wps", "odt", "pdf", "txt", "jpg", "png"})
SCAN = frozenset({"jpg", "png", "pdf"})
SPREADSHEET = frozenset({"xlsx"})
# Formats read through LibreOffice in the background worker (core.tasks): their count arrives a moment later.
NEEDS_CONVERSION = frozenset({"doc", "wps"})
IMAGES = frozenset({"jpg", "png"})

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "jpg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {kind: f".{kind}" for kind in CONTENT_TYPES}
KINDS = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}

# An office file is a zip archive; these bounds are far above any real document and far below a bomb. Each
# entry is bounded on its own: one incompressible padding entry must not hide a document part that inflates a
# thousandfold behind a harmless ratio for the whole archive.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_TOTAL_BYTES = 300 * 1024 * 1024
ZIP_MAX_ENTRY_BYTES = 32 * 1024 * 1024  # a 1,500-page document.xml is about 30 MB
ZIP_MAX_RATIO = 100  # per entry above ZIP_RATIO_FROM; real XML parts deflate 5 to 40 times
ZIP_RATIO_FROM = 1024 * 1024
IMAGE_MAX_PIXELS = 100_000_000  # a 50-megapixel phone photo, twice over

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream every Word 97–2003 and WPS Writer file holds
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # a key of CONTENT_TYPES
    content_type: str
    size: int
    data: bytes


def accepted_label(accept: frozenset[str]) -> str:
    order = ["docx", "doc", "wps", "odt", "pdf", "txt", "jpg", "png", "xlsx"]
    return "、".join(f".{kind}" for kind in order if kind in accept)


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open an office file's zip container, refusing a zip bomb before anything is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError(_("The file is damaged and cannot be opened."), code="damaged") from None
    entries = archive.infolist()
    declared = sum(entry.file_size for entry in entries)
    bomb = len(entries) > ZIP_MAX_ENTRIES or declared > ZIP_MAX_TOTAL_BYTES or any(
        entry.file_size > ZIP_MAX_ENTRY_BYTES
        or (entry.file_size > ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1))
        for entry in entries
    )
    if bomb:
        raise ValidationError(_("The file unpacks to an absurd size and was refused as unsafe."), code="zip_bomb")
    # zipfile stops at an entry's declared size (a longer stream fails its CRC check): these bound every read.
    return archive


def _sniff(data: bytes, name: str = "") -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _pixels(data, "png") <= IMAGE_MAX_PIXELS else "huge_image"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg" if _pixels(data, "jpg") <= IMAGE_MAX_PIXELS else "huge_image"
    if data.startswith(OLE_MAGIC):
        if WORD_STREAM in data:
            # WPS Writer's .wps is the Word 97 binary format; the name only says which of the two it was saved as.
            return "wps" if name.lower().endswith(".wps") else "doc"
        return None
    if data.startswith(b"PK\x03\x04"):
        archive = check_zip(data)
        names = set(archive.namelist())
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names and "content.xml" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
            return "odt"
        return None
    if decode_text(data) is not None:
        return "txt"
    return None


def _pixels(data: bytes, kind: str) -> int:
    """The picture's declared size, to refuse a decompression bomb (a small file declaring a gigantic picture)."""
    if kind == "png":
        if len(data) < 24:
            return 0
        width, height = struct.unpack(">II", data[16:24])
        return width * height
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width * height
        index += 2 + struct.unpack(">H", data[index + 2:index + 4])[0]
    return 0


def _plausible(text: str) -> float:
    """Share of the characters that Chinese or Latin writing uses: text decoded with the wrong encoding is
    mostly rare ideographs, Hangul or private-use characters."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isspace() or " " <= ch <= "~" or "\u4e00" <= ch <= "\u9fa5"
               or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027")
    return good / len(text)


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text)


def decode_text(data: bytes) -> str | None:
    """Plain text as teachers save it: UTF-8 (with or without BOM), Notepad's "Unicode" (UTF-16, with or
    without BOM) or GB18030 from older Chinese Windows."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return text if _printable(text) else None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return text if _printable(text) else None
    if len(data) % 2 == 0:
        # Without a BOM, UTF-16 is told apart by what it decodes to (GB18030 would decode it too, as nonsense).
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _printable(text) and _plausible(text) >= 0.9:
                return text
    if b"\x00" in data:
        return None
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def check_upload(uploaded, accept: frozenset[str]) -> CheckedFile:
    """Read an uploaded file and return what it really is, or raise ValidationError saying what is accepted."""
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}, code="too_large"
        )
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}, code="too_large"
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = _sniff(data, getattr(uploaded, "name", "") or "")
    if kind == "huge_image":
        raise ValidationError(_("The picture is too large (more than 100 million pixels)."), code="too_large")
    if kind not in accept:
        raise ValidationError(
            _("This file type is not accepted. Accepted: %(kinds)s.") % {"kinds": accepted_label(accept)},
            code="type",
        )
    return CheckedFile(kind=kind, content_type=CONTENT_TYPES[kind], size=len(data), data=data)


def extract_text(checked: CheckedFile, *, convert: bool = False) -> str | None:
    """The text the file reads as, for 字数; None when it has none to read (a scan, a photo), or when it needs
    the office engine (.doc, .wps) and convert is False: the background worker reads those (core.tasks)."""
    if checked.kind == "txt":
        return decode_text(checked.data)
    if checked.kind == "docx":
        return documents.docx_text(check_zip(checked.data))
    if checked.kind == "odt":
        return documents.odt_text(check_zip(checked.data))
    if checked.kind == "pdf":
        return _pdf_text(checked.data)
    if checked.kind in NEEDS_CONVERSION and convert:
        from .convert import office_convert

        return documents.docx_text(check_zip(office_convert(checked.data, checked.kind, "docx")))
    return None


def _pdf_text(data: bytes) -> str | None:
    """A PDF's text without its running headers, footers and page numbers; None for a scan."""
    from .convert import pdf_pages_text
    from .sandbox import ToolMissing

    try:
        pages = pdf_pages_text(data)
    except ToolMissing:
        pages = _pdf_pages_in_process(data)
    text = documents.pdf_body_text(pages)
    return text if text.strip() else None


def _pdf_pages_in_process(data: bytes) -> list[str]:
    """Without poppler (a development machine before make setup): pypdf, bounded by the same page limit."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from .convert import too_many_pages

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        too_many_pages(len(reader.pages))
        return [(page.extract_text() or "") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise ValidationError(_("The file is damaged and cannot be opened."), code="damaged") from None


# OCR reads a clean scan almost exactly but loses characters on a poor phone photo; see ocr_confirms.
OCR_TOLERANCE_PERCENT = 5


def ocr_confirms(typed: int, recognised: int | None) -> bool:
    """Whether the text recognised in a scan confirms the count typed for it (regulation.md, clarification 10:
    a typed count counts once the file's text has been recognised and holds at least that many characters).

    Recognition may fall short of the page by OCR_TOLERANCE_PERCENT. Measured on scans of a 279-character
    reflection (Tesseract chi_sim): 300, 200 and 150 dpi scans and a JPEG at quality 40 all read exactly 279;
    a photo tilted 2° with noise read 279; a photo tilted 3° and blurred read 245 (88 %); a 105 dpi photo read
    223 (80 %); a photo full of speckles read 8. OCR misses characters, it seldom invents them, so a clean scan
    confirms with room to spare, while a count typed more than 5 % above what can be read waits for an officer
    (待核实) rather than being taken on trust: 5 % of a 3,000-character paper is 150 characters, too few to lift
    a short paper over a threshold it does not reach.
    """
    if recognised is None or typed is None:
        return False
    return recognised * 100 >= typed * (100 - OCR_TOLERANCE_PERCENT)

"""What the background worker does with a document: older formats through LibreOffice, a PDF's text through
poppler, page images for previews, scans through Tesseract (Simplified Chinese). Every tool runs in a
limited child process (core.sandbox); the functions take and return bytes."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import sandbox

PDF_MAX_PAGES = 500  # a thesis is a few hundred pages; a 10,000-page file is an attack
PREVIEW_MAX_PAGES = 20
PREVIEW_DPI = 110  # a page about 900 px wide: readable on a phone, light to send
OCR_MAX_PAGES = 40
OCR_DPI = 200  # measured: 150–300 dpi read the same (core.uploads.ocr_confirms)

SOURCE_NAMES = {"doc": "in.doc", "wps": "in.doc", "docx": "in.docx", "odt": "in.odt", "txt": "in.txt",
                "pdf": "in.pdf"}


def office_convert(data: bytes, kind: str, target: str) -> bytes:
    """An office file converted by LibreOffice: target "docx" (to count it) or "pdf" (to render it). A .wps of
    WPS Writer is the Word 97 binary format and goes in as a .doc."""
    with sandbox.workdir() as folder:
        work = Path(folder)
        source = work / SOURCE_NAMES[kind]
        source.write_bytes(data)
        outdir = work / "out"
        outdir.mkdir()
        filter_name = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf:writer_pdf_Export"}[target]
        return sandbox.libreoffice(source, filter_name, outdir=outdir).read_bytes()


def pdf_page_count(data: bytes) -> int:
    with sandbox.workdir() as folder:
        work = Path(folder)
        (work / "in.pdf").write_bytes(data)
        output = sandbox.run([sandbox.tool("pdfinfo"), "in.pdf"], limits=sandbox.PDF_TEXT, workdir=work)
    match = re.search(rb"^Pages:\s+(\d+)", output, re.MULTILINE)
    if match is None:
        raise ValidationError(_("The file is damaged and cannot be opened."), code="damaged")
    return int(match.group(1))


def too_many_pages(pages: int) -> None:
    if pages > PDF_MAX_PAGES:
        raise ValidationError(_("The PDF has %(pages)s pages; at most %(limit)s are accepted.")
                              % {"pages": f"{pages:,}", "limit": PDF_MAX_PAGES}, code="too_many_pages")


def check_pdf_pages(data: bytes) -> int:
    pages = pdf_page_count(data)
    too_many_pages(pages)
    return pages


def pdf_pages_text(data: bytes) -> list[str]:
    """Each page's text (poppler's pdftotext), after refusing a PDF with absurdly many pages."""
    check_pdf_pages(data)
    with sandbox.workdir() as folder:
        work = Path(folder)
        (work / "in.pdf").write_bytes(data)
        # -layout keeps each printed line whole, which is what finding running headers and page numbers needs.
        output = sandbox.run([sandbox.tool("pdftotext"), "-layout", "-enc", "UTF-8", "-l", str(PDF_MAX_PAGES),
                              "in.pdf", "-"], limits=sandbox.PDF_TEXT, workdir=work)
    pages = output.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def render_pdf(data: bytes, *, dpi: int = PREVIEW_DPI, max_pages: int = PREVIEW_MAX_PAGES,
               gray: bool = False) -> list[bytes]:
    """PNG images of a PDF's first pages. Scripts in the file never run: poppler draws, it executes nothing."""
    with sandbox.workdir() as folder:
        work = Path(folder)
        (work / "in.pdf").write_bytes(data)
        args = [sandbox.tool("pdftoppm"), "-png", "-r", str(dpi), "-l", str(max_pages)]
        if gray:
            args.append("-gray")
        sandbox.run([*args, "in.pdf", "page"], limits=sandbox.RENDER, workdir=work)
        files = sorted(work.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        return [path.read_bytes() for path in files]


def ocr_image(data: bytes, suffix: str) -> str:
    """Text recognised in one page image (Tesseract, Simplified Chinese and English)."""
    with sandbox.workdir() as folder:
        work = Path(folder)
        name = f"in.{suffix}"
        (work / name).write_bytes(data)
        output = sandbox.run([sandbox.tool("tesseract"), name, "stdout", "-l", "chi_sim+eng", "--psm", "3"],
                             limits=sandbox.OCR, workdir=work)
    text = output.decode("utf-8", "replace")
    # Tesseract spaces out Chinese characters; the spaces do not change 字数 but make the text unreadable.
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def ocr_pdf(data: bytes) -> str:
    pages = render_pdf(data, dpi=OCR_DPI, max_pages=OCR_MAX_PAGES, gray=True)
    return "\f".join(ocr_image(page, "png") for page in pages)

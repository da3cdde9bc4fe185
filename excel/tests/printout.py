"""The printout of a workbook as an office gets it: LibreOffice headless to PDF, poppler to read it back."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("soffice", "pdfinfo", "pdftotext")
needs_office = pytest.mark.skipif(any(shutil.which(tool) is None for tool in TOOLS),
                                  reason="needs LibreOffice and poppler (make office)")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    x_max: float
    height: float


@dataclass(frozen=True)
class Printout:
    pdf: bytes
    pages: int
    sizes: list[tuple[float, float]]  # (width, height) of each page in points
    words: list[Word]
    text: list[str]  # each page's text
    font_sizes: list[float]  # the printed size in points of every piece of text (after the page's scaling)


def printout(xlsx: bytes) -> Printout:
    """Convert with LibreOffice (a profile of its own, so tests never share one) and read the PDF back."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "sheet.xlsx").write_bytes(xlsx)
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{work}/profile", "--headless",
                        "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf",
                        "--outdir", str(work), str(work / "sheet.xlsx")], check=True, capture_output=True,
                       timeout=600)
        pdf = (work / "sheet.pdf").read_bytes()
        info = subprocess.run(["pdfinfo", str(work / "sheet.pdf")], check=True, capture_output=True).stdout.decode()
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
        bbox = subprocess.run(["pdftotext", "-bbox", str(work / "sheet.pdf"), "-"], check=True,
                              capture_output=True).stdout.decode()
        text = subprocess.run(["pdftotext", "-layout", str(work / "sheet.pdf"), "-"], check=True,
                              capture_output=True).stdout.decode().split("\f")
    sizes = [(float(w), float(h)) for w, h in PAGE.findall(bbox)]
    words = []
    for number, chunk in enumerate(bbox.split("<page ")[1:]):
        for x_min, y_min, x_max, y_max, word in WORD.findall(chunk):
            words.append(Word(number, word, float(x_min), float(x_max), float(y_max) - float(y_min)))
    return Printout(pdf=pdf, pages=pages, sizes=sizes, words=words, text=[t for t in text if t.strip()],
                    font_sizes=printed_font_sizes(pdf))


def printed_font_sizes(pdf: bytes) -> list[float]:
    """The size each text is drawn at: the font size times the scaling of the text and graphics matrices."""
    import io

    from pypdf import PdfReader

    sizes: list[float] = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes.append(round(size * abs(a * d - b * c) ** 0.5, 2))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes

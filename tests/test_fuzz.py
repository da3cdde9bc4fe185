"""Fuzzing: malformed workbooks fed to the ledger importer and malformed files fed to the upload checks.

Properties: nothing escapes but ValidationError or the importer's own error report (LedgerFileError, errors in
the result); a refused import leaves every table's row count as it was; the import pages never answer 500.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from core.tests import hostile
from core.uploads import SCAN, SPREADSHEET, WRITING, check_upload, extract_text
from excel import ledger as L
from excel.importer import LedgerFileError, check_workbook_upload, ledger_import
from excel.tests.helpers import ledger_bytes

from .faults import table_counts

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
VALID_LEDGER = ledger_bytes()
SHEET_NAMES = [spec.name for spec in L.SHEETS]
HEADERS = sorted({column.header for spec in L.SHEETS for column in spec.columns})
VOCABULARY = sorted({word for spec in L.SHEETS for column in spec.columns if column.vocabulary
                     for word in column.vocabulary})


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("整本书阅读教学的三个抓手。" * 20)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


VALID_DOCX = _docx_bytes()
VALID_PDF = _pdf_bytes()
# Hostile files of issue 11: refused (the bomb, the 10,000 pages) or read without running anything (the script).
PADDING_BOMB = hostile.padding_entry_bomb()
MANY_PAGES = hostile.many_page_pdf()
SCRIPTED_PDF = hostile.javascript_pdf()


# --- strategies ---------------------------------------------------------------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
cells = st.one_of(
    st.none(),
    text,
    st.sampled_from(VOCABULARY + HEADERS + ["", " ", "　", "T-101", "WS-10", "2024-2025", "2024/13/45",
                                            "1900-02-30", "=1/0", "=SUM(A1:A3)", "=HYPERLINK(\"http://x\")",
                                            "-1", "1e400", "NaN", "3500.505", "１２３"]),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.builds(lambda n: "长" * n, st.integers(min_value=200, max_value=32000)),
)
sheet_names = st.one_of(st.sampled_from(SHEET_NAMES), st.text(alphabet="abc教师表", min_size=1, max_size=10))
header_rows = st.lists(st.one_of(st.sampled_from(HEADERS), text, st.none()), max_size=14)


@st.composite
def workbooks(draw) -> bytes:
    """A workbook of random sheets: real or made-up names, real or made-up headers, any cell values."""
    wb = Workbook()
    wb.remove(wb.active)
    names = draw(st.lists(sheet_names, min_size=1, max_size=4, unique_by=lambda name: name[:31]))
    for name in names:
        ws = wb.create_sheet(name[:31])
        headers = draw(header_rows)
        rows = draw(st.lists(st.lists(cells, max_size=len(headers) + 2), max_size=6))
        for row in [headers, *rows]:
            try:
                ws.append(row)
            except (ValueError, IllegalCharacterError):  # control characters: Excel cannot hold them
                ws.append([None])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@st.composite
def damaged(draw, original: bytes) -> bytes:
    """A file cut short, or with a few bytes overwritten, or both."""
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        position = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data[position] = draw(st.integers(min_value=0, max_value=255))
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return bytes(data[:cut]) if draw(st.booleans()) else bytes(data)


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_with(name: str, data: bytes) -> bytes:
    """The valid ledger with one part replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(VALID_LEDGER))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries[name] = data
    return _zip(entries)


MAGIC = [b"%PDF-1.7\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"\xef\xbb\xbf", b""]
files = st.one_of(
    st.binary(max_size=4096),
    st.builds(lambda magic, tail: magic + tail, st.sampled_from(MAGIC), st.binary(max_size=2048)),
    damaged(VALID_LEDGER),
    damaged(VALID_DOCX),
    damaged(VALID_PDF),
    st.builds(lambda part, junk: _xlsx_with(part, junk),
              st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                               "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]),
              st.one_of(st.binary(max_size=512), st.sampled_from([
                  b"<x>", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><x>&b;</x>",
                  b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
                  b"<row r='1'><c r='A1' t='s'><v>999</v></c></row></sheetData></worksheet>",
                  b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
                  b"<row r='1'><c r='A1' t='n'><v>abc</v></c><c r='XFD1048577'><v>1</v></c></row></sheetData>"
                  b"</worksheet>",
              ]))),
)


def zip_bombs() -> list[tuple[str, bytes]]:
    """Zip bombs of various shapes: one huge entry, thousands of entries, an office file with a bomb inside."""
    zeros = b"\0" * (40 * 1024 * 1024)
    return [
        ("one entry of 40 MB zeros", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": zeros})),
        ("a docx whose document is 40 MB of zeros", _zip({"[Content_Types].xml": b"<x/>",
                                                          "word/document.xml": zeros})),
        ("6000 tiny entries", _zip({f"x/{number}.xml": b"" for number in range(6000)}, zipfile.ZIP_STORED)),
    ]


def test_a_bomb_nested_inside_a_workbook_is_never_unpacked(banner):
    zeros = b"\0" * (40 * 1024 * 1024)
    data = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                 "xl/embeddings/inner.zip": _zip({"inner": zeros})})
    before = table_counts()
    checked = check_workbook_upload(SimpleUploadedFile("nested.xlsx", data))  # small and sane on the outside
    with pytest.raises(LedgerFileError, match="损坏"):
        ledger_import(checked.data, actor=banner.officer)
    assert table_counts() == before


BOMBS = zip_bombs()


# --- the ledger importer ------------------------------------------------------------------------------------------


def _import_or_refuse(data: bytes, actor):
    """The importer's whole contract: a result (written or with errors) or LedgerFileError; nothing else."""
    try:
        return ledger_import(data, actor=actor)
    except LedgerFileError as error:
        assert str(error)
        return None


@pytest.mark.django_db
@FUZZ
@given(data=workbooks())
def test_random_workbooks_are_imported_or_refused_and_a_refusal_writes_nothing(banner, data):
    before = table_counts()
    result = _import_or_refuse(data, banner.officer)
    if result is None or not result.written:
        assert table_counts() == before
    if result is not None and result.errors:
        assert not result.written and all(str(error) for error in result.errors)


@pytest.mark.django_db
@FUZZ
@given(data=files)
@example(data=VALID_LEDGER[: len(VALID_LEDGER) // 2])
@example(data=b"")
def test_damaged_files_are_refused_by_the_check_or_the_importer_and_write_nothing(banner, data):
    before = table_counts()
    try:
        checked = check_workbook_upload(SimpleUploadedFile("台账.xlsx", data))
    except ValidationError as error:
        assert error.messages
        return
    result = _import_or_refuse(checked.data, banner.officer)
    if result is None or not result.written:
        assert table_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("label,data", BOMBS, ids=[label for label, _ in BOMBS])
def test_zip_bombs_are_refused_before_anything_is_unpacked(banner, label, data):
    before = table_counts()
    for accept in (SPREADSHEET, WRITING):
        with pytest.raises(ValidationError) as refused:
            check_upload(SimpleUploadedFile("bomb.xlsx", data), accept)
        assert refused.value.messages
    with pytest.raises(ValidationError):
        check_workbook_upload(SimpleUploadedFile("bomb.xlsx", data))
    assert table_counts() == before


# --- the upload checks --------------------------------------------------------------------------------------------


@FUZZ
@given(data=files, accept=st.sampled_from([WRITING, SCAN, SPREADSHEET]))
@example(data=VALID_PDF[:40], accept=WRITING)
@example(data=VALID_DOCX[:200], accept=WRITING)
@example(data=PADDING_BOMB, accept=WRITING)
@example(data=MANY_PAGES, accept=WRITING)
@example(data=SCRIPTED_PDF, accept=WRITING)
@example(data=SCRIPTED_PDF, accept=SCAN)
@example(data=b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n",
         accept=SCAN)
def test_the_upload_checks_answer_with_a_kind_or_a_validation_error(data, accept):
    try:
        checked = check_upload(SimpleUploadedFile("file.bin", data), accept)
    except ValidationError as error:
        assert error.messages
        return
    assert checked.kind in accept and checked.size == len(data)
    try:
        extracted = extract_text(checked)  # what upload_create(count_text=True) runs for 字数
    except ValidationError as error:
        assert error.messages
        return
    assert extracted is None or isinstance(extracted, str)


@pytest.mark.parametrize(("data", "code"), [(PADDING_BOMB, "zip_bomb"), (MANY_PAGES, "too_many_pages")],
                         ids=["padding-entry bomb", "10,000-page PDF"])
def test_the_hostile_files_are_refused_for_what_they_are(data, code):
    with pytest.raises(ValidationError) as error:
        extract_text(check_upload(SimpleUploadedFile("论文.docx", data), WRITING))
    assert error.value.code == code


def test_a_pdf_with_javascript_is_only_read_as_text():
    assert extract_text(check_upload(SimpleUploadedFile("a.pdf", SCRIPTED_PDF), WRITING)).strip() == \
        "教学反思：学生的表达更有条理了。"


def test_the_valid_samples_pass_the_checks():
    assert check_upload(SimpleUploadedFile("a.docx", VALID_DOCX), WRITING).kind == "docx"
    assert check_upload(SimpleUploadedFile("a.pdf", VALID_PDF), SCAN).kind == "pdf"
    assert check_workbook_upload(SimpleUploadedFile("a.xlsx", VALID_LEDGER)).kind == "xlsx"


# --- the import pages ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.one_of(files, workbooks()))
def test_the_import_pages_never_answer_500_to_a_fuzzed_file(banner, client_for, data):
    client = client_for(banner.officer)
    before = {table: count for table, count in table_counts().items()
              if table not in ("core_upload", "core_auditentry", "django_session")}
    response = client.post(reverse("excel:import"), {"file": SimpleUploadedFile("台账.xlsx", data)})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
        return
    preview = client.get(reverse("excel:import_preview"))
    assert preview.status_code in (200, 302)
    if preview.status_code == 302:
        return
    upload = preview.context["upload"]
    confirm = client.post(reverse("excel:import_preview"), {"upload": str(upload.pk)})
    assert confirm.status_code in (200, 302)
    if not preview.context["result"].ok:
        after = {table: count for table, count in table_counts().items() if table in before}
        assert after == before

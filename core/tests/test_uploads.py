"""core/uploads.py with real files made here: type from the content, zip bombs, paths in names, and 字数."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Upload
from core.services import upload_create
from core.uploads import SCAN, WRITING, check_upload, count_chars, decode_text, extract_text
from records.tests.samples import make_docx, make_many_entries_zip, make_pdf, make_png, make_zip_bomb

CHINESE = "教师专业发展离不开持续的教学反思。"  # 16 ideographs + a full-width full stop
MIXED = "我用Python 3.11写了3个程序，效果很好！"  # 13 CJK incl. punctuation + 3 runs (Python, 3.11, 3)
ENGLISH = "Reflective teaching improves classroom practice, year after year."  # 8 words


def checked(name: str, data: bytes, accept=WRITING):
    return check_upload(SimpleUploadedFile(name, data), accept)


# --- the counter itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (CHINESE, 17),
    (MIXED, 16),
    (ENGLISH, 8),
    ("", 0),
    ("  \n\t ", 0),
    ("２０２５年", 5),  # full-width digits count one each, as Word does
    ("第3章 section 2", 5),
])
def test_count_chars_follows_the_word_processor_rule(text, expected):
    assert count_chars(text) == expected


# --- the counter on each format ----------------------------------------------------------------------------


FORMATS = {
    "docx": lambda text: make_docx(text),
    "pdf": lambda text: make_pdf(text),
    "txt": lambda text: text.encode(),
}


@pytest.mark.parametrize("kind", ["docx", "pdf", "txt"])
@pytest.mark.parametrize(("text", "expected"), [(CHINESE, 17), (MIXED, 16), (ENGLISH, 8)],
                         ids=["chinese", "mixed", "english"])
def test_character_count_is_the_same_in_every_format(kind, text, expected):
    file = checked(f"论文.{kind}", FORMATS[kind](text))
    assert file.kind == kind
    assert count_chars(extract_text(file)) == expected


@pytest.mark.parametrize("kind", ["docx", "pdf", "txt"])
def test_several_paragraphs_are_counted_together(kind):
    text = f"{CHINESE}\n{MIXED}\n{ENGLISH}"
    assert count_chars(extract_text(checked(f"a.{kind}", FORMATS[kind](text)))) == 17 + 16 + 8


def test_docx_table_cells_are_counted():
    import docx

    document = docx.Document()
    document.add_paragraph("正文")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "表格"
    table.cell(0, 1).text = "内容"
    buffer = io.BytesIO()
    document.save(buffer)
    assert count_chars(extract_text(checked("t.docx", buffer.getvalue()))) == 6


def test_gb18030_text_file_is_read_as_chinese():
    file = checked("旧电脑.txt", CHINESE.encode("gb18030"))
    assert extract_text(file) == CHINESE


def test_scanned_pdf_has_no_text_layer():
    file = checked("扫描件.pdf", make_pdf(None))
    assert file.kind == "pdf"
    assert extract_text(file) is None


# --- type from the content, never the name ------------------------------------------------------------------


def test_executable_under_a_docx_name_is_refused_with_what_is_accepted():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
    with pytest.raises(ValidationError) as error:
        checked("论文.docx", exe)
    assert error.value.code == "type"
    assert ".docx、.doc、.wps、.odt、.pdf、.txt" in error.value.messages[0]


def test_plain_zip_under_a_docx_name_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", b"MZ")
    with pytest.raises(ValidationError) as error:
        checked("论文.docx", buffer.getvalue())
    assert error.value.code == "type"


def test_png_under_a_docx_name_is_a_png_a_photo_of_pages_and_not_a_spreadsheet():
    with pytest.raises(ValidationError):
        checked("论文.docx", make_png(), frozenset({"xlsx"}))
    assert checked("论文.docx", make_png(), SCAN).kind == "png"
    assert checked("论文.docx", make_png(), WRITING).kind == "png"  # a photo of a paper, read by OCR


def test_pdf_under_a_txt_name_is_a_pdf():
    assert checked("notes.txt", make_pdf(ENGLISH)).kind == "pdf"


def test_html_under_a_docx_name_is_kept_only_as_plain_text():
    file = checked("论文.docx", b"<html><script>alert(1)</script></html>")
    assert file.kind == "txt"
    assert file.content_type.startswith("text/plain")


def test_damaged_docx_is_refused_as_damaged():
    broken = make_docx(CHINESE)[:-200]
    with pytest.raises(ValidationError) as error:
        extract_text(checked("坏.docx", broken))
    assert error.value.code == "damaged"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        checked("空.txt", b"")
    assert error.value.code == "empty"


def test_file_over_the_size_setting_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        checked("大.txt", "字".encode() * 1000)
    assert error.value.code == "too_large"
    assert "MB" in error.value.messages[0]


# --- zip bombs --------------------------------------------------------------------------------------------


def test_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = make_zip_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError) as error:
        checked("论文.docx", bomb)
    assert error.value.code == "zip_bomb"


def test_archive_with_absurd_entry_count_is_refused():
    with pytest.raises(ValidationError) as error:
        checked("论文.docx", make_many_entries_zip())
    assert error.value.code == "zip_bomb"


def test_archive_declaring_an_absurd_size_is_refused():
    """The central directory lies about the size: refused from the declaration, nothing is inflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")  # the last central directory entry: word/document.xml
    data[central + 24:central + 28] = (3_000_000_000).to_bytes(4, "little")  # declared uncompressed size
    with pytest.raises(ValidationError) as error:
        checked("论文.docx", bytes(data))
    assert error.value.code == "zip_bomb"


# --- names: a path in the file name ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../etc/passwd.docx", "..\\..\\windows\\论文.docx", "/tmp/x/论文.docx",
                                  "C:\\Users\\张老师\\论文.docx"])
def test_path_in_the_file_name_never_reaches_the_disk(name):
    file = checked(name, make_docx(CHINESE))
    upload = upload_create(checked=file, original_name=name, user=None, count_text=True)
    assert "/" not in upload.original_name and "\\" not in upload.original_name
    assert upload.original_name.endswith(".docx")
    assert upload.file.name.startswith("private/")
    assert ".." not in upload.file.name
    assert upload.original_name.rsplit(".", 1)[0] not in upload.file.name
    assert upload.text_chars == 17


@pytest.mark.django_db
def test_extension_follows_the_content_not_the_name():
    upload = upload_create(checked=checked("报告.exe", make_pdf(CHINESE)), original_name="报告.exe", user=None)
    assert upload.original_name == "报告.pdf"
    assert upload.file.name.endswith(".pdf")
    assert Upload.objects.get(pk=upload.pk).content_type == "application/pdf"


def test_decode_text_refuses_binary():
    assert decode_text(b"abc\x00def") is None


# --- OCR confirming a typed count --------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "recognised", "confirms"), [
    (3000, 3000, True),
    (3000, 3400, True),  # more was read than typed: the typed figure is the smaller claim
    (3000, 2850, True),  # 5 % short: a slightly tilted phone photo
    (3000, 2849, False),  # further short: an officer verifies it (待核实)
    (3000, 0, False),
    (3000, None, False),  # not recognised (yet, or it failed)
    (0, 0, True),
])
def test_ocr_confirms_a_typed_count_within_five_percent(typed, recognised, confirms):
    from core.uploads import ocr_confirms

    assert ocr_confirms(typed, recognised) is confirms

"""字数 of documents as teachers write them (regulation.md, clarification 11), in every format they hand in:
each layout of issue 11 built as Word writes it, and saved again by LibreOffice as .doc, .wps and .odt."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from core import documents
from core.uploads import WRITING, check_upload, count_chars, extract_text

from . import layouts
from . import office as o


def counted(name: str, data: bytes) -> int:
    checked = check_upload(SimpleUploadedFile(name, data), WRITING)
    return count_chars(extract_text(checked, convert=True))


@pytest.mark.parametrize("layout", sorted(layouts.LAYOUTS))
def test_each_layout_counts_as_word_counts_it(layout):
    data, expected = layouts.LAYOUTS[layout]
    assert counted(f"{layout}.docx", data) == expected


# LibreOffice itself cannot keep two layouts through .doc: it recomputes a field on saving (a broken
# cross-reference becomes "Error: Reference source not found") and writes a content control into a .doc several
# times over. A .wps is the .doc format, so two layouts suffice for it.
# Every layout as .odt (read directly); as .doc, the layouts a binary Word file stores differently from .docx
# (each .doc is a LibreOffice run, so the others are left to the .odt and .docx cases to keep the suite quick).
SAVED = [(layout, "odt") for layout in sorted(layouts.LAYOUTS)]
SAVED += [(layout, "doc") for layout in ("footnotes", "endnote", "merged-table", "nested-table", "text-box",
                                         "tracked-changes", "dashes-and-ellipses")]
SAVED += [("footnotes", "wps"), ("text-box", "wps")]


@pytest.mark.parametrize(("layout", "extension"), SAVED)
def test_each_layout_saved_by_libreoffice_counts_the_same(layout, extension):
    data = layouts.converted(layout, extension)
    checked = check_upload(SimpleUploadedFile(f"论文.{extension}", data), WRITING)
    assert checked.kind == extension
    assert count_chars(extract_text(checked, convert=True)) == layouts.LAYOUTS[layout][1]


def test_the_body_is_walked_once_per_grid_cell_not_per_grid_position():
    # python-docx's row.cells gives a merged cell once per grid column: the old count was the sum of those.
    data = layouts.LAYOUTS["merged-table"][0]
    text = documents.docx_text(zipfile.ZipFile(io.BytesIO(data)))
    assert text.count("课题：春") == 1 and text.count("教学目标") == 1


def test_deleted_text_and_field_codes_are_not_read():
    data = o.make_docx(o.para("甲", o.deleted("乙"), o.field("HYPERLINK \"http://x\"", "丙")))
    assert documents.docx_text(zipfile.ZipFile(io.BytesIO(data))).strip() == "甲丙"


def test_a_text_box_in_vml_only_is_read():
    box = ('<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>旧版文本框</w:t></w:r></w:p>'
           "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    assert counted("a.docx", o.make_docx(o.para("正文", box))) == 2 + 5


def test_a_vertical_merge_continuation_with_stray_text_is_not_read():
    data = o.make_docx(o.table([[o.cell("上", vmerge="restart")], [o.cell("隐藏", vmerge="continue")]], 1))
    assert counted("a.docx", data) == 1


def test_a_separator_note_is_not_a_footnote():
    data = o.make_docx(o.para("正文", o.footnote_reference(1)), footnotes=["注"])
    assert counted("a.docx", data) == 2 + 1 + 1


def test_a_document_with_a_doctype_is_read_without_expanding_entities():
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              f'<w:document {o.NAMESPACES}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>')
    data = o.make_docx("x")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, laughs if item.filename == "word/document.xml" else source.read(item))
    try:
        assert counted("a.docx", buffer.getvalue()) < 10
    except ValidationError as error:
        assert error.code == "damaged"


# --- plain text in every encoding Notepad and WPS save ----------------------------------------------------


TEXT = "教学反思：学生的表达更有条理了。\r\nPython 3.11"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_plain_text_counts_in_every_encoding(encoding):
    assert counted("反思.txt", TEXT.encode(encoding)) == 16 + 2


def test_utf16_without_a_bom_of_pure_chinese_is_not_mistaken_for_gb18030():
    assert counted("反思.txt", "教学反思学生表达更有条理".encode("utf-16-le")) == 12


# --- PDF -------------------------------------------------------------------------------------------------


def test_running_headers_footers_and_page_numbers_of_a_pdf_are_left_out():
    body = ["一、研究的缘起", "二、研究的方法", "三、研究的结果", "四、讨论与反思"]
    pages = [f"乌审旗名师工作室 2025年论文集\n{line}\n\n                 - {n} -\n" for n, line in enumerate(body, 1)]
    text = documents.pdf_body_text(pages)
    assert "工作室" not in text and "- 1 -" not in text
    assert text.split() == body


def test_a_single_page_pdf_keeps_its_text_and_drops_only_its_page_number():
    assert documents.pdf_body_text(["标题\n正文\n第 1 页"]).split() == ["标题", "正文"]


# --- the command -------------------------------------------------------------------------------------------


def test_count_chars_prints_count_tab_file_and_exits_zero(tmp_path, capsys):
    paper = tmp_path / "论文.docx"
    paper.write_bytes(layouts.LAYOUTS["footnotes"][0])
    notes = tmp_path / "notes.txt"
    notes.write_bytes("十个字的一段短文字。".encode("gb18030"))
    call_command("count_chars", str(paper), str(notes))
    assert capsys.readouterr().out.splitlines() == [f"44\t{paper}", f"10\t{notes}"]


def test_count_chars_says_refused_with_a_chinese_reason_and_exits_one(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("好")
    program = tmp_path / "virus.docx"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(CommandError) as error:
        call_command("count_chars", str(good), str(program), str(tmp_path / "missing.docx"))
    assert error.value.returncode == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"1\t{good}"
    status, name, reason = lines[1].split("\t")
    assert (status, name) == ("refused", str(program)) and "不接受" in reason
    status, name, reason = lines[2].split("\t")
    assert status == "refused" and "找不到" in reason


def test_a_five_page_pdf_printed_by_libreoffice_counts_as_its_document_without_header_and_page_numbers():
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from core.convert import office_convert

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "乌审旗名师工作室论文集"
    footer = section.footer.paragraphs[0]
    footer.text = "第 "
    page_field = OxmlElement("w:fldSimple")
    page_field.set(qn("w:instr"), "PAGE")
    footer._p.append(page_field)
    footer.add_run(" 页")
    for _index in range(120):  # the same line on every page: a body line that recurs is still body
        document.add_paragraph("整本书阅读教学要以学生为中心，设计贯穿始终的任务。")
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = office_convert(buffer.getvalue(), "docx", "pdf")
    assert counted("a.docx", buffer.getvalue()) == counted("a.pdf", pdf) == 25 * 120

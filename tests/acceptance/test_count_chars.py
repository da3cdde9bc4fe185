"""`manage.py count_chars FILE…` (README; regulation.md, 字数 and clarification 11): one line per file in the
order given, `COUNT<TAB>FILE` or `refused<TAB>FILE<TAB>原因`; exit status 0 only when every file was counted."""

import io

import pytest

from .conftest import manage

# 我们研究 4 · 《 1 · 双减 2 · 》 1 · 政策 2 · —— 2 · 课堂提质 4 · …… 2 · 2024 1 · 年 1 · 共有 2 · 3 1 · 个 1 ·
# English 1 · words 1 · ， 1 · 好 1 · 。 1  =  29; white space counts nothing
TEXT = "我们研究《双减》政策——课堂提质……\n2024年 共有3个English  words，好。\n"
TEXT_COUNT = 29


def lines(run):
    return [line.split("\t") for line in run.out.splitlines() if line.strip()]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_a_text_file_is_counted_as_word_processors_count_it(db, tmp_path, encoding):
    path = tmp_path / f"论文-{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    run = manage("count_chars", str(path))
    assert run.status == 0, run.err
    assert lines(run) == [[str(TEXT_COUNT), str(path)]]


def test_a_docx_counts_body_and_tables_but_not_headers_and_footers(db, tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("教学反思：课堂 2024")            # 教学反思 4 · ： 1 · 课堂 2 · 2024 1 = 8
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "甲乙"
    table.cell(0, 1).text = "丙"
    merged = table.cell(1, 0).merge(table.cell(1, 1))        # a merged cell counts once
    merged.text = "丁戊"                                    # table: 2 + 1 + 2 = 5
    section = document.sections[0]
    section.header.paragraphs[0].text = "乌审旗名师工作室页眉"
    section.footer.paragraphs[0].text = "第一页"
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "反思.docx"
    path.write_bytes(buffer.getvalue())
    run = manage("count_chars", str(path))
    assert run.status == 0, run.err
    assert lines(run) == [["13", str(path)]]


def test_files_are_listed_in_order_and_a_refused_one_says_why_with_status_1(db, tmp_path):
    good = tmp_path / "甲.txt"
    good.write_text("一二三", encoding="utf-8")
    program = tmp_path / "程序.exe"
    program.write_bytes(b"MZ\x90\x00" + bytes(200))
    missing = tmp_path / "没有.docx"
    other = tmp_path / "乙.txt"
    other.write_text("四五", encoding="utf-8")
    run = manage("count_chars", str(good), str(program), str(missing), str(other))
    assert run.status == 1
    got = lines(run)
    assert got[0] == ["3", str(good)]
    assert got[1][:2] == ["refused", str(program)] and len(got[1]) == 3
    assert got[2][:2] == ["refused", str(missing)] and len(got[2]) == 3
    assert got[3] == ["2", str(other)]
    for reason in (got[1][2], got[2][2]):
        assert any("\u4e00" <= char <= "\u9fff" for char in reason), reason


def test_a_file_pretending_to_be_a_document_is_refused(db, tmp_path):
    fake = tmp_path / "论文.docx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    run = manage("count_chars", str(fake))
    assert run.status == 1
    [line] = lines(run)
    assert line[:2] == ["refused", str(fake)] and line[2]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"'
)


def run(text):
    return f"<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>"


def paragraph(*parts):
    return "<w:p>" + "".join(parts) + "</w:p>"


def cell(*blocks):
    return "<w:tc>" + "".join(blocks) + "</w:tc>"


def word_file(body: str, *, footnote: str, endnote: str, header: str) -> bytes:
    """A .docx as Word writes one, part by part: body, a footnote, an endnote and a header."""
    import zipfile

    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.footnotes+xml"/>'
        '<Override PartName="/word/endnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.endnotes+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.header+xml"/>'
        '</Types>')
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{base}footnotes" Target="footnotes.xml"/>'
        f'<Relationship Id="rId2" Type="{base}endnotes" Target="endnotes.xml"/>'
        f'<Relationship Id="rId3" Type="{base}header" Target="header1.xml"/>'
        '</Relationships>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}'
                '<w:sectPr><w:headerReference w:type="default" r:id="rId3"/></w:sectPr></w:body></w:document>')
    separator = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                 '</w:p></w:footnote>')
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NAMESPACES}>{separator}'
                 f'<w:footnote w:id="1">{paragraph(run(footnote))}</w:footnote></w:footnotes>')
    endnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:endnotes {NAMESPACES}>'
                f'<w:endnote w:id="1">{paragraph(run(endnote))}</w:endnote></w:endnotes>')
    header_part = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NAMESPACES}>'
                   f'{paragraph(run(header))}</w:hdr>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("word/_rels/document.xml.rels", document_rels)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/footnotes.xml", footnotes)
        archive.writestr("word/endnotes.xml", endnotes)
        archive.writestr("word/header1.xml", header_part)
    return buffer.getvalue()


def test_a_docx_counts_as_word_with_text_boxes_footnotes_and_endnotes_ticked(db, tmp_path):
    textbox = "<w:txbxContent>" + paragraph(run("文本框")) + "</w:txbxContent>"
    body = "".join([
        # tracked changes accepted: the insertion in, the deletion out
        paragraph(run("教学"), '<w:r><w:footnoteReference w:id="1"/></w:r>',
                  f'<w:ins w:id="1" w:author="张三">{run("反思")}</w:ins>',
                  '<w:del w:id="2" w:author="张三"><w:r><w:delText>删除的话</w:delText></w:r></w:del>',
                  '<w:r><w:endnoteReference w:id="1"/></w:r>'),
        # a content control
        '<w:sdt><w:sdtContent>' + paragraph(run("控件")) + '</w:sdtContent></w:sdt>',
        # a table with a table inside one of its cells
        "<w:tbl><w:tr>" + cell(paragraph(run("外")), "<w:tbl><w:tr>" + cell(paragraph(run("内"))) + "</w:tr></w:tbl>",
                               paragraph()) + "</w:tr></w:tbl>",
        # a text box, which Word stores twice: the shape and its VML fallback — counted once
        paragraph('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
                  '<a:graphicData><wps:wsp><wps:txbx>' + textbox + '</wps:txbx></wps:wsp></a:graphicData>'
                  '</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
                  + textbox + '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'),
        paragraph(run("——结语……")),
    ])
    # 教学反思 4 · the reference marks as Word numbers them, 1 and i, each a word of its own 2 · 控件 2 · 外内 2 ·
    # 文本框 3 · ——结语…… 2+2+2 · 脚注 2 · 尾注 2 = 23; the header is not counted
    path = tmp_path / "修订稿.docx"
    path.write_bytes(word_file(body, footnote="脚注", endnote="尾注", header="乌审旗教研中心页眉"))
    result = manage("count_chars", str(path))
    assert result.status == 0, result.err
    assert lines(result) == [["23", str(path)]]


def test_an_odt_is_counted(db, tmp_path):
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body>'
        '<office:text><text:p>开放文档 ODT 格式</text:p><table:table><table:table-row><table:table-cell>'
        '<text:p>表格</text:p></table:table-cell></table:table-row></table:table></office:text></office:body>'
        '</office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    path = tmp_path / "文档.odt"
    path.write_bytes(buffer.getvalue())
    result = manage("count_chars", str(path))
    assert result.status == 0, result.err
    assert lines(result) == [["9", str(path)]]   # 开放文档 4 · ODT 1 · 格式 2 · 表格 2


def pdf_file(pages: list[str], *, header: str) -> bytes:
    """A PDF written object by object, each page with a running header at the top, its body and a page number at
    the bottom."""
    count = len(pages)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [" + " ".join(f"{4 + 2 * n} 0 R" for n in range(count)) + f"] /Count {count} >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for number, body in enumerate(pages, start=1):
        lines = [(72, 800, header)] + [(72, 700 - 20 * index, line) for index, line in enumerate(body.split("\n"))]
        lines.append((290, 40, str(number)))
        content = "".join(f"BT /F1 11 Tf {x} {y} Td ({text}) Tj ET\n" for x, y, text in lines)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {5 + 2 * (number - 1)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{index} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_a_pdf_leaves_out_running_headers_and_page_numbers(db, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_file(["alpha beta gamma", "delta epsilon\nmu nu", "zeta eta theta iota"],
                              header="Wushen Studio Report 2024"))
    result = manage("count_chars", str(path))
    assert result.status == 0, result.err
    assert lines(result) == [["11", str(path)]]   # 3 + 4 + 4 body words

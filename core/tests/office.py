"""Word documents written part by part, so each layout Word and WPS produce can be built exactly: merged and
nested tables, content controls, text boxes inside mc:AlternateContent, tracked changes, fields, footnotes,
endnotes, headers and footers. The XML is what Word itself writes for these layouts (WordprocessingML)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'mc:Ignorable="wps"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(text: str, tag: str = "t") -> str:
    return f'<w:r><w:{tag} xml:space="preserve">{escape(text)}</w:{tag}></w:r>'


def para(*parts: str) -> str:
    """A paragraph of runs; plain strings become runs."""
    body = "".join(part if part.startswith("<") else run(part) for part in parts)
    return f"<w:p>{body}</w:p>"


def cell(*paragraphs: str, span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    content = "".join(p if p.startswith("<") else para(p) for p in paragraphs) or "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def table(rows: list[list[str]], columns: int) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    body = "".join("<w:tr>" + "".join(row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def content_control(*paragraphs: str, placeholder: str = "单击此处输入文字") -> str:
    """A block-level content control (w:sdt), as Word's cover pages and forms use; its properties name a
    placeholder that must not be counted."""
    content = "".join(p if p.startswith("<") else para(p) for p in paragraphs)
    return (f'<w:sdt><w:sdtPr><w:alias w:val="{placeholder}"/><w:tag w:val="{placeholder}"/>'
            f'<w:placeholder><w:docPart w:val="DefaultPlaceholder"/></w:placeholder></w:sdtPr>'
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>")


def text_box(*paragraphs: str) -> str:
    """A run holding a text box the way Word 2010+ saves it: the shape in mc:Choice and the same text again as
    VML in mc:Fallback for older readers."""
    content = "".join(p if p.startswith("<") else para(p) for p in paragraphs)
    choice = ('<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
              'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
              '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
              '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
              '<wp:extent cx="2000000" cy="800000"/><wp:wrapSquare wrapText="bothSides"/>'
              '<wp:docPr id="1" name="文本框 1"/><a:graphic><a:graphicData '
              'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
              '<wps:cNvSpPr txBox="1"/>'
              '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="800000"/></a:xfrm>'
              '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
              f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
              "</a:graphicData></a:graphic></wp:anchor></w:drawing>")
    fallback = (f'<w:pict><v:shape id="文本框1" type="#_x0000_t202"><v:textbox><w:txbxContent>{content}'
                "</w:txbxContent></v:textbox></v:shape></w:pict>")
    return (f"<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">{choice}</mc:Choice>"
            f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>")


def inserted(text: str) -> str:
    return f'<w:ins w:id="1" w:author="张老师" w:date="2025-03-01T10:00:00Z">{run(text)}</w:ins>'


def deleted(text: str) -> str:
    return f'<w:del w:id="2" w:author="张老师" w:date="2025-03-01T10:00:00Z">{run(text, "delText")}</w:del>'


def field(code: str, result: str) -> str:
    """A complex field (a date, a cross-reference, a table of contents entry): its code is not text."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + run(f" {code} ", "instrText")
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run(result)
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def footnote_reference(number: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{number}"/></w:r>'


def endnote_reference(number: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="{number}"/></w:r>'


def _notes(kind: str, notes: list[str]) -> str:
    ref = "footnoteRef" if kind == "footnote" else "endnoteRef"
    parts = [f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>',
             f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             f"</w:p></w:{kind}>"]
    for number, text in enumerate(notes, start=1):
        parts.append(f'<w:{kind} w:id="{number}"><w:p><w:r><w:{ref}/></w:r>{run(" " + text)}</w:p></w:{kind}>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {NAMESPACES}>'
            f'{"".join(parts)}</w:{kind}s>')


def make_docx(*blocks: str, footnotes: list[str] = (), endnotes: list[str] = (), header: str | None = None,
              footer: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx whose body is these blocks (paragraphs, tables, content controls); plain strings are paragraphs."""
    body = "".join(block if block.startswith("<") else para(block) for block in blocks)
    sect = ""
    rels = []
    parts: dict[str, str | bytes] = {}
    if header is not None:
        rels.append(f'<Relationship Id="rIdH" Type="{REL}/header" Target="header1.xml"/>')
        parts["word/header1.xml"] = f'<w:hdr {NAMESPACES}>{para(header)}</w:hdr>'
        sect += '<w:headerReference w:type="default" r:id="rIdH"/>'
    if footer is not None:
        rels.append(f'<Relationship Id="rIdF" Type="{REL}/footer" Target="footer1.xml"/>')
        parts["word/footer1.xml"] = (f'<w:ftr {NAMESPACES}>{para(footer)}<w:p>'
                                     f'{field("PAGE", "1")}</w:p></w:ftr>')
        sect += '<w:footerReference w:type="default" r:id="rIdF"/>'
    if footnotes:
        rels.append(f'<Relationship Id="rIdFn" Type="{REL}/footnotes" Target="footnotes.xml"/>')
        parts["word/footnotes.xml"] = _notes("footnote", list(footnotes))
    if endnotes:
        rels.append(f'<Relationship Id="rIdEn" Type="{REL}/endnotes" Target="endnotes.xml"/>')
        parts["word/endnotes.xml"] = _notes("endnote", list(endnotes))
    content_types = {
        "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/header1.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
        "word/footer1.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
        "word/footnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        "word/endnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
    }
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}'
                f'<w:sectPr>{sect}<w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    parts["word/document.xml"] = document
    types = "".join(f'<Override PartName="/{name}" ContentType="{content_types[name]}"/>'
                    for name in parts if name in content_types)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                         'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
                         f'Extension="xml" ContentType="application/xml"/>{types}</Types>')
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                         f'Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/_rels/document.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         + "".join(rels) + "</Relationships>")
        for name, data in parts.items():
            archive.writestr(name, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()

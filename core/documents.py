"""The text a document reads as, for 字数 (regulation.md, clarification 11), read from the file's own XML.

Word's 字数统计 with 「包括文本框、脚注和尾注」 counts the body, tables (a merged cell once), nested tables,
content controls, text boxes, footnotes and endnotes, with tracked changes accepted and fields showing their
results; never headers, footers or page numbers. python-docx's paragraphs and cells miss most of that, so the
parts are walked here, streamed (iterparse) so that memory stays flat, after core.uploads has bounded every
archive entry. A PDF's text comes from poppler in a child process (core.sandbox); its running headers, footers
and page numbers — lines that repeat on most pages — are left out.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "http://purl.oclc.org/ooxml/wordprocessingml/main")
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

# Elements whose whole subtree is not text that reads: deletions and moved-away text (tracked changes accepted),
# field codes, properties (a content control's placeholder name lives in w:sdtPr), comments' anchors.
_W_SKIP = frozenset({"del", "moveFrom", "delText", "instrText", "delInstrText", "sdtPr", "sdtEndPr", "rPr", "pPr",
                     "tblPr", "trPr", "sectPr", "footnotePr", "endnotePr", "tblGrid", "tblPrEx"})
_W_BREAKS = frozenset({"tab", "br", "cr", "ptab"})
_W_BLOCK_ENDS = frozenset({"p", "tc", "txbxContent"})
_NOTE_SKIP_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


def _damaged() -> ValidationError:
    return ValidationError(_("The file is damaged and cannot be opened."), code="damaged")


def _iterparse(source):
    """Events over an XML part, with no DTD, no entities expanded and nothing fetched."""
    return etree.iterparse(source, events=("start", "end"), resolve_entities=False, no_network=True,
                           load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)


def _split(tag) -> tuple[str, str]:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return "", tag if isinstance(tag, str) else ""
    namespace, _sep, local = tag[1:].partition("}")
    return namespace, local


class _WordWalker:
    """Text of one WordprocessingML story (the body, or the footnotes, or the endnotes), in reading order."""

    def __init__(self, *, notes_part: bool = False):
        self.parts: list[str] = []
        self.notes_part = notes_part
        self.skip = 0  # depth inside a skipped subtree
        self.fields: list[str] = []  # "code" until w:fldChar separate, then "result"
        self.alternate: list[bool] = []  # per mc:AlternateContent: has a branch been taken
        self.merged_cell: list[bool] = []  # per w:tc: a vMerge continuation, whose text Word does not show
        self.footnotes = 0
        self.endnotes = 0

    def _reading(self) -> bool:
        return not self.skip and all(state == "result" for state in self.fields) and not any(self.merged_cell)

    def start(self, element) -> None:
        namespace, local = _split(element.tag)
        if self.skip:
            self.skip += 1
            return
        if namespace == MC:
            if local == "AlternateContent":
                self.alternate.append(False)
            elif local in ("Choice", "Fallback"):
                # The same text box sits in mc:Choice (DrawingML) and in mc:Fallback (VML): read one branch.
                if self.alternate and not self.alternate[-1]:
                    self.alternate[-1] = True
                else:
                    self.skip = 1
            return
        if namespace not in W_NAMESPACES:
            return
        if local in _W_SKIP:
            self.skip = 1
        elif local == "footnote" or local == "endnote":
            if self.notes_part and _attr(element, "type") in _NOTE_SKIP_TYPES:
                self.skip = 1
        elif local == "tc":
            self.merged_cell.append(False)
        elif local == "fldChar":
            kind = _attr(element, "fldCharType")
            if kind == "begin":
                self.fields.append("code")
            elif kind == "separate" and self.fields:
                self.fields[-1] = "result"
            elif kind == "end" and self.fields:
                self.fields.pop()

    def end(self, element) -> None:
        namespace, local = _split(element.tag)
        if self.skip:
            self.skip -= 1
            return
        if namespace == MC:
            if local == "AlternateContent" and self.alternate:
                self.alternate.pop()
            return
        if namespace not in W_NAMESPACES:
            return
        if local == "vMerge" and self.merged_cell and _attr(element, "val") in (None, "continue"):
            self.merged_cell[-1] = True
        elif local == "tc":
            if self.merged_cell:
                self.merged_cell.pop()
            self.parts.append("\n")
        elif not self._reading():
            return
        elif local == "t":
            self.parts.append(element.text or "")
        elif local in _W_BREAKS:
            self.parts.append(" ")
        elif local == "noBreakHyphen":
            self.parts.append("-")
        elif local == "sym":
            self.parts.append("\u25a1")  # a symbol-font character: one mark
        elif local in ("footnoteReference", "endnoteReference"):
            # The note's number is a character of the body where it stands ("研究¹"), counted there once;
            # the note's own copy of it (w:footnoteRef) is not counted again. A custom mark is its own run.
            if _attr(element, "customMarkFollows") not in ("1", "true", "on"):
                if local == "footnoteReference":
                    self.footnotes += 1
                    self.parts.append(str(self.footnotes))
                else:
                    self.endnotes += 1
                    self.parts.append(_roman(self.endnotes))
        elif local in _W_BLOCK_ENDS:
            self.parts.append("\n")

    def text(self) -> str:
        return "".join(self.parts)


def _attr(element, name: str) -> str | None:
    for namespace in W_NAMESPACES:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def _roman(number: int) -> str:
    """Word numbers endnotes i, ii, iii…; the figure is one run whatever its length."""
    return "i" * number


def _walk(walker, stream) -> None:
    try:
        for event, element in _iterparse(stream):
            if event == "start":
                walker.start(element)
            else:
                walker.end(element)
                # Free what has been read: the part's tree never grows past one branch.
                if element.getparent() is not None and walker.skip == 0:
                    element.clear(keep_tail=True)
    except etree.XMLSyntaxError:
        raise _damaged() from None


def _targets(archive: zipfile.ZipFile, rels_name: str, base: str) -> dict[str, str]:
    """Relationship type (its last path segment) → part name, from a .rels part; targets are relative to base."""
    if rels_name not in archive.namelist():
        return {}
    found: dict[str, str] = {}
    with archive.open(rels_name) as stream:
        try:
            for event, element in _iterparse(stream):
                if event == "end" and _split(element.tag)[1] == "Relationship":
                    kind = (element.get("Type") or "").rsplit("/", 1)[-1]
                    target = element.get("Target") or ""
                    if element.get("TargetMode") == "External" or not target:
                        continue
                    name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(base + target)
                    found.setdefault(kind, name)
        except etree.XMLSyntaxError:
            raise _damaged() from None
    return found


def docx_text(archive: zipfile.ZipFile) -> str:
    """The text of a .docx that Word counts: the main story, then footnotes, then endnotes."""
    names = set(archive.namelist())
    main = _targets(archive, "_rels/.rels", "").get("officeDocument", "word/document.xml")
    if main not in names:
        raise _damaged()
    folder = main.rsplit("/", 1)[0] + "/" if "/" in main else ""
    rels = f"{folder}_rels/{main.rsplit('/', 1)[-1]}.rels"
    related = _targets(archive, rels, folder)
    body = _WordWalker()
    with archive.open(main) as stream:
        _walk(body, stream)
    texts = [body.text()]
    for kind, default in (("footnotes", f"{folder}footnotes.xml"), ("endnotes", f"{folder}endnotes.xml")):
        name = related.get(kind, default)
        if name in names:
            notes = _WordWalker(notes_part=True)
            with archive.open(name) as stream:
                _walk(notes, stream)
            texts.append(notes.text())
    return "\n".join(texts)


# --- OpenDocument text (.odt) --------------------------------------------------------------------------------

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_ODT_SKIP = {(TEXT, "tracked-changes"), (OFFICE, "annotation"), (OFFICE, "annotation-end"),
             (TABLE, "covered-table-cell"), (SVG, "title"), (SVG, "desc"), (TEXT, "sequence-decls"),
             (OFFICE, "forms"), (OFFICE, "font-face-decls"), (OFFICE, "automatic-styles")}
_ODT_BLOCKS = {(TEXT, "p"), (TEXT, "h"), (TABLE, "table-cell")}
_ODT_SPACES = {(TEXT, "s"), (TEXT, "tab"), (TEXT, "line-break")}


def _odt_walk(element, parts: list[str]) -> None:
    """content.xml of an .odt in reading order: headers and footers live in styles.xml and are not read; the
    deleted text of tracked changes lives in text:tracked-changes and is skipped; a note's citation counts
    where it stands, like Word's reference mark."""
    key = _split(element.tag)
    if key not in _ODT_SKIP:
        if key in _ODT_SPACES:
            parts.append(" ")
        parts.append(element.text or "")
        for child in element:
            _odt_walk(child, parts)
        if key in _ODT_BLOCKS:
            parts.append("\n")
    parts.append(element.tail or "")


def odt_text(archive: zipfile.ZipFile) -> str:
    if "content.xml" not in archive.namelist():
        raise _damaged()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        with archive.open("content.xml") as stream:
            root = etree.parse(stream, parser).getroot()
    except etree.XMLSyntaxError:
        raise _damaged() from None
    parts: list[str] = []
    _odt_walk(root, parts)
    return "".join(parts)


# --- PDF: running headers, footers and page numbers --------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^[\s\-–—·•]*(第\s*)?(page\s*)?[0-9ivxlcdmIVXLCDM０-９]+\s*(页)?"
    r"(\s*(/|of|共)\s*[0-9０-９]+\s*(页)?)?[\s\-–—·•]*$",
    re.IGNORECASE,
)
_EDGE_LINES = 3


def _normalised(line: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", "".join(line.split()))


def pdf_body_text(pages: list[str]) -> str:
    """The text of a PDF's pages without the lines at the top and bottom of a page that repeat on most pages
    (running headers and footers, numbers aside) or that are only a page number."""
    split = [[line for line in page.splitlines() if line.strip()] for page in pages]
    edges = Counter()
    interior: set[str] = set()
    for lines in split:
        edges.update({_normalised(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]})
        interior.update(_normalised(line) for line in lines[_EDGE_LINES:-_EDGE_LINES])
    # A running header or footer repeats at the edges of most pages and never stands inside a page's text, which
    # keeps a body line that happens to recur (a refrain, a repeated heading) in the count.
    repeated = {key for key, times in edges.items()
                if len(split) >= 2 and times * 2 > len(split) and key not in interior}
    kept: list[str] = []
    for lines in split:
        last = len(lines) - 1
        for index, line in enumerate(lines):
            at_edge = index < _EDGE_LINES or index > last - _EDGE_LINES
            if at_edge and (_normalised(line) in repeated or _PAGE_NUMBER.match(line.strip())):
                continue
            kept.append(line)
    return "\n".join(kept)

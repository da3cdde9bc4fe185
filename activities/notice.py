"""The 备案 notice (发文, clause 十五) drafted as a .docx in the layout of GB/T 9704-2012 《党政机关公文格式》, for the
office to adjust and stamp once it has approved a filing.

What the standard asks and where it is here:
- A4, 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 156 × 225 mm (so right 26 mm, bottom 35 mm);
  22 lines of 三号 text a page (line pitch 28.95 pt), page numbers 四号 「— 1 —」 below the 版心, odd pages right and
  even pages left, one character in from the edge.
- 版头: 发文机关标志 red, 小标宋, centred, its top 35 mm below the 版心's; two lines below it the 发文字号
  (乌教研发〔2026〕51号, the filing's own number: activities.services.document_number), centred, 三号仿宋; 4 mm
  under the number a red separator line as wide as the 版心.
- 主体: two lines below the line the 标题 in 二号小标宋, centred; a line below it the 主送机关 flush left; the
  正文 in 三号仿宋, each paragraph indented two characters, first-level headings 「一、」 in 黑体; the 附件说明;
  the 发文机关署名 centred above the 成文日期, which stands four characters in from the right (the seal goes over
  both); dates in Arabic numerals with 年月日 (2026年12月2日).
- 版记: at the foot of the last page (within a line: the wrap of the text before it is estimated), 四号仿宋
  between a thick first and last line and a thin line between: 抄送 and the 印发机关 with the 印发日期.

Fonts are named as the standard's offices have them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the
document's font table gives each an alternative (w:altName) and a family, so Word, WPS and LibreOffice on a
machine without them fall back to a 宋/仿宋 face instead of a random one.

The body comes from the activity: time, place, participants (the studio's members on the day, by name), content
(its type, presenter and the text of its plan when the plan is a .docx, .odt or .txt). Names are personal data,
so every download is audited (activities.views.filing_notice).
"""

from __future__ import annotations

import datetime
import io
import re

from django.conf import settings
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from lxml import etree

from .models import Activity, Filing

RED = RGBColor(0xFF, 0x00, 0x00)
BLACK = RGBColor(0x00, 0x00, 0x00)

# Font names as the standard's offices have them, each with the face to use where it is not installed.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
FALLBACKS = {
    TITLE_FONT: ("华文中宋", "roman", "00020600040101010101"),
    BODY_FONT: ("仿宋", "modern", "02010609030101010101"),
    HEADING_FONT: ("SimHei", "modern", "02010609060101010101"),
    SUBHEADING_FONT: ("楷体", "modern", "02010609030101010101"),
    PAGE_NUMBER_FONT: ("SimSun", "auto", "02010600030101010101"),
    "华文中宋": ("宋体", "auto", "02010600040101010101"),
    "仿宋": ("FangSong", "modern", "02010609060101010101"),
    "楷体": ("KaiTi", "modern", "02010609060101010101"),
}

# 字号 in points: 初号 42, 二号 22, 三号 16, 四号 14.
SIZE_CHUHAO = Pt(42)
SIZE_ERHAO = Pt(22)
SIZE_SANHAO = Pt(16)
SIZE_SIHAO = Pt(14)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, LEFT = Mm(37), Mm(28)
TEXT_WIDTH, TEXT_HEIGHT = Mm(156), Mm(225)
RIGHT = Mm(210 - 28 - 156)   # 26 mm
BOTTOM = Mm(297 - 37 - 225)  # 35 mm
LINES_PER_PAGE = 22
LINE_PITCH = Twips(579)  # 225 mm / 22 lines = 28.95 pt
CHAR = SIZE_SANHAO  # one character of the body: indents are counted in these

ADDRESSEES = "各苏木镇中心校，旗直各学校（园），各名师工作室："
COPY_TO = "乌审旗教育教学研究中心，各名师工作室主持人。"
ISSUER_OFFICE_SUFFIX = "办公室"
PLAN_MAX_PARAGRAPHS = 30
PLAN_MAX_CHARS = 3000
WEEKDAYS = "一二三四五六日"
NUMBERS = "一二三四五六七八九十"


def chinese_date(day: datetime.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, 年月日 in full, no leading zeros (2026年12月2日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def notice_title(activity: Activity) -> str:
    """关于…的通知: the matter is the studio holding the activity."""
    title = activity.title.strip()
    matter = title if title.endswith("活动") else f"{title}活动"
    return f"关于{activity.studio.name}举办{matter}的通知"


def notice_filename(filing: Filing) -> str:
    return f"备案通知-{filing.doc_number or filing.activity.code}.docx"


# --- what the notice says ------------------------------------------------------------------------------------------


def _time_text(activity: Activity) -> str:
    text = f"{chinese_date(activity.date)}（星期{WEEKDAYS[activity.date.weekday()]}）"
    if activity.start_time:
        text += f"{activity.start_time:%H:%M}"
        if activity.end_time:
            text += f"—{activity.end_time:%H:%M}"
    return text + "。"


def _participants(activity: Activity) -> list[str]:
    from studios.models import Membership

    memberships = sorted(
        Membership.objects.active_on(activity.date).filter(studio_id=activity.studio_id).select_related("teacher"),
        key=lambda m: (m.role != Membership.Role.HOST, m.teacher.code),
    )
    hosts = [m.teacher.name for m in memberships if m.role == Membership.Role.HOST]
    members = [m.teacher.name for m in memberships if m.role != Membership.Role.HOST]
    studio = activity.studio.name
    lines = []
    if hosts:
        lines.append(f"{studio}主持人{'、'.join(hosts)}及工作室全体成员（共{len(memberships)}人）"
                     + (f"：{'、'.join(members)}。" if members else "。"))
    else:
        lines.append(f"{studio}全体成员（共{len(memberships)}人）"
                     + (f"：{'、'.join(members)}。" if members else "。"))
    if activity.scope == Activity.Scope.BANNER:
        lines.append("全旗各学校（园）相关学科教师，由各学校（园）统筹安排参加。")
    return lines


def plan_paragraphs(activity: Activity) -> list[str]:
    """The text of the activity plan when it can be read at once (.docx, .odt, .txt), paragraph by paragraph,
    bounded; a .doc, .wps, PDF or scan would need the office engine or OCR, which never run in a request."""
    from core.documents import docx_text, odt_text
    from core.uploads import KINDS, check_zip, decode_text

    upload = activity.plan
    if upload is None:
        return []
    kind = KINDS.get(upload.content_type, "")
    if kind not in ("docx", "odt", "txt"):
        return []
    try:
        with upload.file.open("rb") as handle:
            data = handle.read()
        if kind == "txt":
            text = decode_text(data) or ""
        else:
            archive = check_zip(data)
            text = docx_text(archive) if kind == "docx" else odt_text(archive)
    except Exception:  # a plan that cannot be read leaves the content to the office; the notice is still drafted
        return []
    paragraphs, total = [], 0
    for line in re.split(r"[\r\n]+", text):
        line = line.strip()
        if not line:
            continue
        if len(paragraphs) >= PLAN_MAX_PARAGRAPHS or total + len(line) > PLAN_MAX_CHARS:
            paragraphs.append("……（详见附件活动方案）")
            break
        paragraphs.append(line)
        total += len(line)
    return paragraphs


def _content(activity: Activity) -> list[str]:
    lines = [f"{activity.get_kind_display()}：{activity.title}。"]
    if activity.organiser is not None:
        who = "主讲人" if activity.has_presenter else "组织者"
        school = f"（{activity.organiser.school.name}）" if activity.organiser.school_id else ""
        lines.append(f"{who}：{activity.organiser.name}{school}。")
    plan = plan_paragraphs(activity)
    if plan:
        lines.extend(plan)
    elif activity.summary.strip():
        lines.extend(line.strip() for line in activity.summary.splitlines() if line.strip())
    return lines


def notice_sections(activity: Activity) -> list[tuple[str, list[str]]]:
    """(first-level heading, paragraphs) of the body, in the order of the plan: time, place, participants,
    content, requirements."""
    return [
        ("活动时间", [_time_text(activity)]),
        ("活动地点", [f"{activity.place.strip()}。" if activity.place.strip() else "另行通知。"]),
        ("参加人员", _participants(activity)),
        ("活动内容", _content(activity)),
        ("有关要求", ["请各学校（园）支持相关教师按时参加，参加人员请提前十分钟到场签到。活动结束后，"
                     f"{activity.studio.name}按要求整理活动记录、签到表和照片，归入工作室档案。"]),
    ]


# --- the layout ----------------------------------------------------------------------------------------------------


def _fonts(run, name: str, size, *, bold: bool = False, color: RGBColor = BLACK) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _exact_lines(paragraph, pitch=LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _border(paragraph, side: str, *, size_eighths: int, color: str = "000000", space: int = 0) -> None:
    """A line on one side of the paragraph, as wide as its indents allow (the 版心 without indents)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # w:pBdr comes before w:shd, w:tabs, w:spacing, w:ind, w:jc … in CT_PPr: put it first among those
        p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                                   "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                                   "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing",
                                   "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    borders.append(line)


def _paragraph(document, text: str = "", *, font=BODY_FONT, size=SIZE_SANHAO, bold=False, color=BLACK,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=None, pitch=LINE_PITCH):
    paragraph = document.add_paragraph()
    _exact_lines(paragraph, pitch)
    paragraph.alignment = align
    if first_indent is not None:
        paragraph.paragraph_format.first_line_indent = first_indent
    if text:
        _fonts(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _blank(document, lines: int = 1) -> None:
    for _index in range(lines):
        _paragraph(document)


def _page_number_footer(footer, *, align) -> None:
    """「— 1 —」 in 四号 宋体 with a PAGE field, one character in from the outer edge."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIZE_SIHAO
    else:
        fmt.left_indent = SIZE_SIHAO
    _fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, SIZE_SIHAO)
    run = paragraph.add_run()
    _fonts(run, PAGE_NUMBER_FONT, SIZE_SIHAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    _fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, SIZE_SIHAO)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.left_margin = TOP, LEFT
    section.right_margin, section.bottom_margin = RIGHT, BOTTOM
    section.header_distance = Mm(15)
    # The page number sits 7 mm below the 版心 (its one-character line about 5 mm high).
    section.footer_distance = BOTTOM - Mm(7) - Mm(5)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, align=WD_ALIGN_PARAGRAPH.LEFT)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = SIZE_SANHAO
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _font_table(document) -> None:
    """Each font of the notice with an alternative and a family (w:altName), so a machine without it falls back
    to a like face."""
    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")),
                None)
    if part is None:
        return
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    known = {font.get(f"{{{w}}}name") for font in root.findall(f"{{{w}}}font")}
    for name, (alternative, family, panose) in FALLBACKS.items():
        if name in known:
            continue
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alternative})
        etree.SubElement(font, f"{{{w}}}panose1", {f"{{{w}}}val": panose})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": family})
        etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _heading_block(document, filing: Filing) -> None:
    # 发文机关标志: its top 35 mm below the 版心's.
    mark = _paragraph(document, f"{settings.BUREAU_NAME}文件", font=TITLE_FONT, size=SIZE_CHUHAO, color=RED,
                      align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(50))
    mark.paragraph_format.space_before = Mm(35) - Pt(4)  # the line's own leading above the glyphs
    mark.paragraph_format.keep_with_next = True
    _blank(document, 2)
    number = _paragraph(document, filing.doc_number or "", align=WD_ALIGN_PARAGRAPH.CENTER)
    # The red separator line 4 mm under the number, as wide as the 版心.
    _border(number, "bottom", size_eighths=12, color="FF0000", space=11)


def _signature_indent(date_text: str, signer: str) -> tuple:
    """The date four characters in from the right; the signature centred over the date."""
    def width(text):  # in characters of the body: digits are half as wide
        return sum(0.5 if ch.isascii() else 1 for ch in text)

    date_right = 4
    signer_right = date_right + (width(date_text) - width(signer)) / 2
    return Pt(CHAR.pt * date_right), Pt(CHAR.pt * max(signer_right, 0))


IMPRINT_HEIGHT = Pt(2 * 26 + 4)  # two rows of 26 pt and their lines


def _text_width(text: str) -> float:
    """Width in em: a Chinese character or full-width mark is one, a Latin letter or digit half of one."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch != "—" else 1.0 for ch in text)


def _paragraph_lines(paragraph) -> tuple[int, float, float]:
    """(lines its text wraps to, line pitch in points, space above in points) of a paragraph of exact lines."""
    fmt = paragraph.paragraph_format
    pitch = fmt.line_spacing.pt if fmt.line_spacing is not None else LINE_PITCH.pt
    size = next((run.font.size.pt for run in paragraph.runs if run.font.size), SIZE_SANHAO.pt)
    width = TEXT_WIDTH.pt - (fmt.left_indent or Pt(0)).pt - (fmt.right_indent or Pt(0)).pt
    per_line = max(int(width // size), 1)
    text = (fmt.first_line_indent or Pt(0)).pt / size + _text_width(paragraph.text)
    lines = max(1, -(-int(text * 2) // (per_line * 2)))
    extra = (fmt.space_before or Pt(0)).pt
    borders = paragraph._p.pPr.find(qn("w:pBdr")) if paragraph._p.pPr is not None else None
    if borders is not None:
        extra += sum(int(line.get(qn("w:space"), "0")) + int(line.get(qn("w:sz"), "0")) / 8 for line in borders)
    return lines, pitch, extra


def _free_lines_on_last_page(document, needed) -> int:
    """Whole body lines left on the last page below what is written so far and above `needed` at its foot: the
    pages filled line by line as the office suite does (lines are exact, so only wrapping is estimated)."""
    page, used = TEXT_HEIGHT.pt, 0.0
    for paragraph in document.paragraphs:
        lines, pitch, extra = _paragraph_lines(paragraph)
        for index in range(lines):
            height = pitch + (extra if index == 0 else 0)
            if used + height > page + 0.5:
                used = 0.0
            used += height
    return max(int((page - used - needed.pt) // LINE_PITCH.pt), 0)


def _cell_borders(cell, **sides) -> None:
    """Set a table cell's borders: side=(size in eighths of a point) or None for no line."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        size = sides.get(side)
        line.set(qn("w:val"), "single" if size else "nil")
        if size:
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), "000000")
        borders.append(line)
    tc_pr.append(borders)


def _imprint(document, filing: Filing, day: datetime.date) -> None:
    """版记: 抄送 and 印发, 四号仿宋, between a thick first and last line (0.35 mm) with a thin one (0.25 mm)
    between, one character in on each side; a table of its own, pushed to the foot of the last page by blank lines
    (notice_docx). A table floating at the foot of the 版心 (w:tblpPr) would do it in Word but is dropped by
    LibreOffice 7.4."""
    indent = SIZE_SIHAO
    table = document.add_table(rows=2, cols=2)
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(TEXT_WIDTH.twips))
    width.set(qn("w:type"), "dxa")
    existing = tbl_pr.find(qn("w:tblW"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(width)
    copy_cell = table.cell(0, 0).merge(table.cell(0, 1))
    office_cell, date_cell = table.cell(1, 0), table.cell(1, 1)
    for cell, cell_width in ((office_cell, TEXT_WIDTH * 3 // 5), (date_cell, TEXT_WIDTH * 2 // 5)):
        cell.width = cell_width
    thick, thin = 8, 6  # eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm
    _cell_borders(copy_cell, top=thick, bottom=thin)
    _cell_borders(office_cell, top=thin, bottom=thick)
    _cell_borders(date_cell, top=thin, bottom=thick)

    copy_to = copy_cell.paragraphs[0]
    _exact_lines(copy_to, Pt(26))
    copy_to.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt = copy_to.paragraph_format
    fmt.left_indent = indent + Pt(SIZE_SIHAO.pt * 3)  # a second line aligns with the first word after 「抄送：」
    fmt.first_line_indent = -Pt(SIZE_SIHAO.pt * 3)
    fmt.right_indent = indent
    _fonts(copy_to.add_run("抄送："), BODY_FONT, SIZE_SIHAO)
    _fonts(copy_to.add_run(COPY_TO), BODY_FONT, SIZE_SIHAO)
    office = office_cell.paragraphs[0]
    _exact_lines(office, Pt(26))
    office.alignment = WD_ALIGN_PARAGRAPH.LEFT
    office.paragraph_format.left_indent = indent
    _fonts(office.add_run(f"{settings.BUREAU_NAME}{ISSUER_OFFICE_SUFFIX}"), BODY_FONT, SIZE_SIHAO)
    printed = date_cell.paragraphs[0]
    _exact_lines(printed, Pt(26))
    printed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    printed.paragraph_format.right_indent = indent
    _fonts(printed.add_run(f"{chinese_date(day)}印发"), BODY_FONT, SIZE_SIHAO)
    for cell in (copy_cell, office_cell, date_cell):
        margins = OxmlElement("w:tcMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), "0")
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        cell._tc.get_or_add_tcPr().append(margins)


def notice_docx(filing: Filing) -> bytes:
    """The draft notice of an approved filing as .docx bytes."""
    activity = filing.activity
    day = filing.approved_on or datetime.date.today()
    document = Document()
    # The default template's empty first paragraph would push the whole 版头 down one line.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _page_setup(document)
    _font_table(document)
    props = document.core_properties
    props.title = notice_title(activity)
    props.author = settings.BUREAU_NAME
    props.subject = filing.doc_number or ""
    props.keywords = "备案,发文"
    props.comments = "由名师工作室管理系统按 GB/T 9704-2012 起草，请核对后用印。"

    _heading_block(document, filing)
    _blank(document, 2)
    title = _paragraph(document, notice_title(activity), font=TITLE_FONT, size=SIZE_ERHAO,
                       align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(36))
    title.paragraph_format.keep_with_next = True
    _blank(document)
    _paragraph(document, ADDRESSEES, align=WD_ALIGN_PARAGRAPH.LEFT)
    indent = Pt(CHAR.pt * 2)
    _paragraph(document, f"为充分发挥名师工作室的示范引领和辐射带动作用，经研究，同意{activity.studio.name}于"
                         f"{chinese_date(activity.date)}举办{activity.title.strip()}。现将有关事项通知如下：",
               first_indent=indent)
    for number, (heading, paragraphs) in zip(NUMBERS, notice_sections(activity), strict=False):
        _paragraph(document, f"{number}、{heading}", font=HEADING_FONT, first_indent=indent)
        for text in paragraphs:
            _paragraph(document, text, first_indent=indent)
    if activity.plan_id:
        _blank(document)
        attachment = _paragraph(document, f"附件：{activity.title.strip()}活动方案", first_indent=indent)
        attachment.paragraph_format.keep_with_next = True

    # Room for the seal above the signature, which stands centred over the date, four characters from the right.
    date_text = chinese_date(day)
    date_right, signer_right = _signature_indent(date_text, settings.BUREAU_NAME)
    _blank(document, 3)
    signer = _paragraph(document, settings.BUREAU_NAME, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = signer_right
    signer.paragraph_format.keep_with_next = True
    dated = _paragraph(document, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = date_right
    dated.paragraph_format.keep_with_next = True  # never the signature and date on one page, the 版记 alone on the next
    # The 版记 belongs on the last lines of the last page: blank lines push it down as far as the estimate of the
    # pages allows, keeping a line in hand so that a misjudged wrap never sends it alone to a new page.
    _blank(document, _free_lines_on_last_page(document, IMPRINT_HEIGHT) - 1)
    _imprint(document, filing, day)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def can_download_notice(user, activity: Activity) -> bool:
    """The office; the studio's host and members (who see the activity page); teachers who attended or signed in
    (a 全旗 activity's participants from other studios). Nobody else — the three administrators included."""
    from studios.access import is_office, studio_roles

    if not user.is_authenticated:
        return False
    if is_office(user):
        return True
    if activity.studio_id in studio_roles(user).visible:
        return True
    teacher = getattr(user, "teacher", None)
    if teacher is None:
        return False
    return (activity.attendances.filter(teacher=teacher).exists()
            or activity.signins.filter(teacher=teacher).exists())


def filing_notice_download(*, user, filing: Filing, request=None) -> bytes:
    """The notice's bytes for this person, with an audit entry: it names the studio's members (personal data)."""
    from core.services import audit_record

    data = notice_docx(filing)
    audit_record(actor=user, action="filing.notice_download", target=filing, studio=filing.activity.studio,
                 data={"doc_number": filing.doc_number or ""}, request=request)
    return data

"""The 备案 notice (发文) drafted in the GB/T 9704-2012 layout: each layout point read back with python-docx, who may
download it (and that the download is audited), and that LibreOffice opens it and makes a PDF of it."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from activities import notice, services
from activities.models import Attendance, Filing
from core.models import AuditEntry
from studios.tests.factories import TeacherFactory

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def approved(banner, make_activity):
    import datetime as dt

    activity = make_activity(title="初中语文整本书阅读专题研讨", place="乌审旗第一中学报告厅",
                             start_time=dt.time(9, 0), end_time=dt.time(11, 30))
    filing = services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    return services.filing_approve(actor=banner.officer, filing=filing, on=datetime.date(2026, 12, 2))


def opened(data: bytes):
    return Document(io.BytesIO(data))


def paragraph_with(document, text):
    found = [p for p in document.paragraphs if text in p.text]
    assert found, f"{text!r} not in {[p.text for p in document.paragraphs]}"
    return found[0]


def after(document, paragraph, steps=1):
    """The paragraph `steps` after this one (python-docx makes new Paragraph objects on every access)."""
    elements = [p._p for p in document.paragraphs]
    return document.paragraphs[elements.index(paragraph._p) + steps]


def east_asia(run):
    return run._element.rPr.rFonts.get(f"{W}eastAsia")


# --- the layout -------------------------------------------------------------------------------------------------


def test_the_page_is_a4_with_the_standards_margins_and_type_area(approved):
    section = opened(notice.notice_docx(approved)).sections[0]
    def mm(length):  # lengths are stored in twentieths of a point
        return round(length / 36000, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    grid = section._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and int(grid.get(f"{W}linePitch")) * 22 == pytest.approx(
        Mm(225).twips, abs=22)


def test_the_issuing_organ_mark_is_red_large_centred_in_xiaobiaosong(approved):
    document = opened(notice.notice_docx(approved))
    mark = document.paragraphs[0]
    assert mark.text == "乌审旗教育体育局文件"
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = mark.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert run.font.size >= Pt(36)
    assert east_asia(run) == "方正小标宋简体"
    assert mark.paragraph_format.space_before.mm == pytest.approx(35 - Pt(4).mm, abs=0.5)


def test_the_document_number_is_centred_with_the_red_line_under_it(approved):
    assert re.fullmatch(r"乌教研发〔2026〕\d+号", approved.doc_number)
    document = opened(notice.notice_docx(approved))
    number = paragraph_with(document, "乌教研发〔2026〕")
    assert number.text == approved.doc_number
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number.runs[0].font.size == Pt(16) and east_asia(number.runs[0]) == "仿宋_GB2312"
    line = number._p.pPr.find(f"{W}pBdr").find(f"{W}bottom")
    assert line.get(f"{W}color") == "FF0000" and line.get(f"{W}val") == "single"
    assert number.paragraph_format.left_indent in (None, 0) and number.paragraph_format.right_indent in (None, 0)


def test_the_title_the_addressees_and_the_body_from_the_activity(approved):
    document = opened(notice.notice_docx(approved))
    title = paragraph_with(document, "的通知")
    assert title.text == f"关于{approved.activity.studio.name}举办初中语文整本书阅读专题研讨活动的通知"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22) and east_asia(title.runs[0]) == "方正小标宋简体"
    addressees = after(document, title, 2)
    assert addressees.text.endswith("：") and "各名师工作室" in addressees.text
    assert addressees.paragraph_format.first_line_indent in (None, 0)
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("一、活动时间", "二、活动地点", "三、参加人员", "四、活动内容"):
        assert east_asia(paragraph_with(document, heading).runs[0]) == "黑体"
    assert "2026年12月3日（星期四）09:00—11:30。" in text
    assert "乌审旗第一中学报告厅。" in text
    studio = approved.activity.studio
    host = studio.memberships.get(role="host").teacher
    assert f"{studio.name}主持人{host.name}及工作室全体成员" in text
    for member in studio.memberships.exclude(role="host"):
        assert member.teacher.name in text
    assert "全旗专题研讨活动方案：时间、地点、议程。" in text   # the plan's own text
    assert "附件：初中语文整本书阅读专题研讨活动方案" in text
    body = paragraph_with(document, "乌审旗第一中学报告厅")
    assert body.paragraph_format.first_line_indent == Pt(32)   # two characters of 三号
    assert body.runs[0].font.size == Pt(16) and east_asia(body.runs[0]) == "仿宋_GB2312"


def test_signature_and_date_of_writing_in_arabic_numerals_with_the_date_four_characters_in(approved):
    document = opened(notice.notice_docx(approved))
    dated = [p for p in document.paragraphs if p.text == "2026年12月2日"]
    assert len(dated) == 1
    dated = dated[0]
    signer = after(document, dated, -1)
    assert signer.text == "乌审旗教育体育局"
    assert dated.alignment == signer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert dated.paragraph_format.right_indent == Pt(64)
    assert notice.chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"


def test_the_imprint_has_copy_to_and_the_printing_office_and_date_between_lines(approved):
    document = opened(notice.notice_docx(approved))
    body = [child.tag.split("}")[1] for child in document.element.body.iterchildren()]
    assert body[-2:] == ["tbl", "sectPr"]   # the 版记 is the last thing of the notice
    table = document.tables[-1]
    copy_to = table.cell(0, 0)
    office, printed = table.cell(1, 0), table.cell(1, 1)
    assert copy_to.text.startswith("抄送：") and copy_to.text.endswith("。")
    assert office.text == "乌审旗教育体育局办公室"
    assert printed.text == "2026年12月2日印发"
    assert printed.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    for cell in (copy_to, office, printed):
        run = cell.paragraphs[0].runs[0]
        assert run.font.size == Pt(14) and east_asia(run) == "仿宋_GB2312"

    def line(cell, side):
        found = cell._tc.tcPr.find(f"{W}tcBorders").find(f"{W}{side}")
        return int(found.get(f"{W}sz") or 0) if found.get(f"{W}val") == "single" else 0

    assert line(copy_to, "top") > line(copy_to, "bottom") > 0          # thick first line, thin line between
    assert line(printed, "bottom") == line(copy_to, "top")              # thick last line
    assert line(copy_to, "left") == line(copy_to, "right") == 0
    width = table._tbl.tblPr.find(f"{W}tblW")
    assert int(width.get(f"{W}w")) == Mm(156).twips == pytest.approx(8844, abs=1)


def test_page_numbers_are_dashed_right_on_odd_and_left_on_even_pages(approved):
    document = opened(notice.notice_docx(approved))
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text.startswith("— ") and odd.text.endswith(" —")
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert "PAGE" in odd._p.xml and odd.runs[0].font.size == Pt(14)


def test_every_font_has_a_fallback_in_the_font_table(approved):
    from zipfile import ZipFile

    from lxml import etree

    with ZipFile(io.BytesIO(notice.notice_docx(approved))) as archive:
        table = etree.fromstring(archive.read("word/fontTable.xml"))
    alternatives = {font.get(f"{W}name"): font.find(f"{W}altName").get(f"{W}val")
                    for font in table.findall(f"{W}font") if font.find(f"{W}altName") is not None}
    assert alternatives["方正小标宋简体"] == "华文中宋" and alternatives["仿宋_GB2312"] == "仿宋"
    assert alternatives["黑体"] and alternatives["楷体_GB2312"]


def test_a_plan_that_cannot_be_read_at_once_leaves_the_content_to_the_type_and_title(banner, make_activity):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    activity = make_activity(with_plan=False, title="送教下乡")
    services.activity_update(actor=banner.a.host.user, activity=activity,
                             plan_file=SimpleUploadedFile("方案.pdf", buffer.getvalue()))
    filing = services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    filing = services.filing_approve(actor=banner.officer, filing=filing)
    text = "\n".join(p.text for p in opened(notice.notice_docx(filing)).paragraphs)
    assert "送教下乡活动的通知" in text and "附件：送教下乡活动方案" in text
    assert "二、活动地点\n另行通知。" in text
    assert "四、活动内容\n专题研讨：送教下乡。\n五、有关要求" in text


# --- who may download it ------------------------------------------------------------------------------------------


def notice_url(activity):
    return reverse("activities:filing_notice", args=[activity.pk])


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("member_a", 200), ("host_a", 200), ("member_b", 404), ("host_b", 404),
    ("officer", 200), ("admin", 404), ("security_admin", 404), ("audit_admin", 404),
])
def test_who_may_download_the_notice(banner, client_for, approved, role, expected):
    response = client_for(banner.users[role]).get(notice_url(approved.activity))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
        assert "attachment" in response["Content-Disposition"]
        assert opened(response.content).paragraphs[0].text == "乌审旗教育体育局文件"


def test_a_participant_from_another_studio_who_attended_may_download_it(banner, client_for, approved):
    guest = TeacherFactory()
    assert client_for(guest.user).get(notice_url(approved.activity)).status_code == 404
    Attendance.objects.create(activity=approved.activity, teacher=guest)
    assert client_for(guest.user).get(notice_url(approved.activity)).status_code == 200


def test_a_filing_not_approved_has_no_notice(banner, client_for, submitted_filing):
    assert client_for(banner.officer).get(notice_url(submitted_filing.activity)).status_code == 404


def test_every_download_is_audited(banner, client_for, approved):
    client_for(banner.users["member_a"]).get(notice_url(approved.activity))
    entry = AuditEntry.objects.get(action="filing.notice_download")
    assert entry.actor == banner.users["member_a"] and entry.data["doc_number"] == approved.doc_number


def test_the_activity_page_and_the_queue_link_the_notice(banner, client_for, approved):
    page = client_for(banner.users["member_a"]).get(
        reverse("activities:detail", args=[approved.activity.studio.code, approved.activity.pk])).content.decode()
    assert f'href="{notice_url(approved.activity)}"' in page
    queue = client_for(banner.officer).get(reverse("activities:queue") + "?state=approved").content.decode()
    assert f'href="{notice_url(approved.activity)}"' in queue


def test_no_link_before_approval(banner, client_for, submitted_filing):
    page = client_for(banner.officer).get(
        reverse("activities:detail", args=[submitted_filing.activity.studio.code, submitted_filing.activity.pk]))
    assert 'data-testid="filing-notice"' not in page.content.decode()
    assert Filing.objects.get().status == Filing.Status.SUBMITTED


# --- LibreOffice opens it -----------------------------------------------------------------------------------------


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_the_notice_to_a_pdf_that_opens(approved, tmp_path):
    from pypdf import PdfReader

    from core.convert import office_convert

    pdf = office_convert(notice.notice_docx(approved), "docx", "pdf")
    (tmp_path / "notice.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)   # A4 in points
    assert float(page.mediabox.height) == pytest.approx(841.9, abs=1)
    text = "".join(p.extract_text() for p in reader.pages)
    assert approved.doc_number in text.replace(" ", "")
    # The 版记 stands at the foot of the last page: its 印发 line within the lowest lines of the 版心, whose lower
    # edge is 35 mm (99 pt) above the paper's.
    heights = []
    reader.pages[-1].extract_text(visitor_text=lambda chunk, cm, tm, font, size: heights.append(
        (chunk, tm[5] * cm[3] + cm[5])) if "印发" in chunk else None)
    assert heights, "no 印发 on the last page"
    assert 99 <= heights[0][1] <= 99 + 3 * 28.95, heights

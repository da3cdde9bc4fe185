import random
from types import SimpleNamespace

import pytest

from activities import demo
from activities.models import Activity, Attendance, Filing
from activities.selectors import review_queue
from activities.tests.conftest import DAY
from core.models import Notification


@pytest.fixture
def seeded(db):
    from studios import demo as studios_demo

    ctx = SimpleNamespace(rng=random.Random(2024), today=DAY, stdout=None)
    studios_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_the_demo_has_filings_in_every_state_and_a_queue_for_the_office(seeded):
    states = set(Filing.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "approved", "returned"} <= states
    assert len([item for item in review_queue(user=seeded.officer) if item.is_filing]) >= 12
    assert any(item.overdue for item in review_queue(user=seeded.officer))


def test_the_demo_numbers_are_unique_and_sequential_per_year(seeded):
    numbers = list(Filing.objects.exclude(doc_number=None).values_list("doc_year", "doc_seq"))
    assert len(numbers) == len(set(numbers))
    for year in {year for year, _seq in numbers}:
        seqs = sorted(seq for y, seq in numbers if y == year)
        assert seqs == list(range(1, len(seqs) + 1))


def test_the_demo_shows_unfiled_and_late_activities(seeded):
    unfiled = [activity for activity in Activity.objects.filter(scope="banner", status="held")
               .select_related("filing") if activity.unfiled]
    assert len(unfiled) == 2
    late = [filing for filing in Filing.objects.filter(status="approved").select_related("activity")
            if not filing.counts_for]
    assert len(late) == 1


def test_the_demo_has_attendance_presenters_and_notifications(seeded):
    assert Attendance.objects.filter(status="excused").exists()
    assert Attendance.objects.filter(status="absent").exists()
    assert Attendance.objects.filter(status="present").count() > 1000
    lectures = Activity.objects.filter(kind__in=Activity.PRESENTER_KINDS)
    assert lectures.exists() and not lectures.filter(organiser=None).exists()
    assert Notification.objects.filter(recipient=seeded.officer).exists()
    assert Notification.objects.filter(read_at=None).exists()


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_the_notice_of_a_demo_filing_opens_in_libreoffice_with_its_layout_points(seeded):
    import io

    from docx import Document
    from pypdf import PdfReader

    from activities.notice import notice_docx
    from core.convert import office_convert

    filing = (Filing.objects.filter(status="approved").exclude(doc_number=None)
              .select_related("activity__studio").order_by("-approved_on").first())
    data = notice_docx(filing)
    document = Document(io.BytesIO(data))
    mark = document.paragraphs[0]
    assert mark.text == "乌审旗教育体育局文件" and str(mark.runs[0].font.color.rgb) == "FF0000"
    texts = [p.text for p in document.paragraphs]
    assert filing.doc_number in texts
    assert any(text.startswith("关于") and text.endswith("的通知") for text in texts)
    assert f"{filing.approved_on.year}年{filing.approved_on.month}月{filing.approved_on.day}日" in texts
    assert document.tables[-1].cell(1, 1).text.endswith("印发")
    pdf = PdfReader(io.BytesIO(office_convert(data, "docx", "pdf")))
    assert pdf.pages and filing.doc_number in pdf.pages[0].extract_text().replace(" ", "")

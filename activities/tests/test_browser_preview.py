"""On a phone, an officer previews a .docx activity plan and a scanned PDF in the review queue: each row's own
document, labelled with its studio and title, drawn as page images — nothing is downloaded."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from activities import services
from activities.models import Activity
from core.tests import layouts
from records import services as records_services
from records.models import StudioDocument
from studios.tests.factories import school_year

pytestmark = pytest.mark.browser


def test_officer_on_a_phone_previews_a_docx_plan_and_a_scanned_pdf_in_the_queue(phone_page, login, banner):
    host = banner.a.host.user
    activity = services.activity_create(
        actor=host, studio=banner.a.studio, title="全旗教学设计研讨", kind=Activity.Kind.SEMINAR,
        scope=Activity.Scope.BANNER, date=datetime.date(2026, 12, 10),
        plan_file=SimpleUploadedFile("活动方案.docx", layouts.LAYOUTS["merged-table"][0]))
    services.filing_submit(actor=host, filing=activity.filing)
    document = records_services.document_create(
        actor=host, studio=banner.a.studio, kind=StudioDocument.Kind.WORK_PLAN, school_year=school_year(2026),
        title="2026-2027 学年工作计划", file=SimpleUploadedFile("工作计划扫描件.pdf", layouts.scan("pdf")))
    records_services.document_submit(actor=host, document=document)

    page = phone_page
    login(page, banner.officer)
    page.goto("/activities/queue/")
    pane = page.get_by_test_id("queue-preview-pane")
    for title, kind in (("全旗教学设计研讨", "plan"), ("2026-2027 学年工作计划", "scan")):
        row = page.get_by_test_id("queue-row").filter(has_text=title)
        row.get_by_test_id("queue-preview").click()
        # The pane shows this row at once (loading), never the previous row's document.
        expect(pane.get_by_test_id("preview-label")).to_have_text(f"{banner.a.studio.name} · {title}",
                                                                  timeout=60_000)
        image = pane.get_by_test_id("preview-page").first
        expect(image).to_be_visible(timeout=60_000)
        page.wait_for_function("img => img.complete && img.naturalWidth > 300", arg=image.element_handle())
        assert pane.get_by_test_id("preview-label").count() == 1, kind
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the queue scrolls sideways on a phone ({width}px)"
    assert page.downloads == [] and page.console_errors == []

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from records import services
from records.models import FundEntry, StudioDocument, Work
from studios.tests.factories import school_year

from .samples import make_docx, make_pdf, make_png, unique_text

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Records are dated against a fixed day: 2026-11-23, in semester 1 of 2026-2027."""
    monkeypatch.setattr("studios.access.today", lambda: TODAY)
    for module in ("documents", "pairs", "tasks", "works"):
        monkeypatch.setattr(f"records.services.{module}.today", lambda: TODAY)
    for module in ("common", "funds", "pairs", "tasks", "works"):
        monkeypatch.setattr(f"records.views.{module}.today", lambda: TODAY)
    monkeypatch.setattr("records.forms.today", lambda: TODAY)
    monkeypatch.setattr("records.panels.today", lambda: TODAY)


@pytest.fixture
def years(db):
    return {start: school_year(start) for start in (2024, 2025, 2026)}


def docx_file(chars: int = 2013, name: str = "我的论文.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_docx(unique_text(chars)))


def pdf_file(text: str | None, name: str = "论文.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(text))


def png_file(name: str = "发票.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_png())


@pytest.fixture
def paper(banner, years):
    member = banner.a.members[0]
    return services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                title="小学语文阅读教学研究", date=datetime.date(2026, 3, 10), file=docx_file(),
                                submit=True)


@pytest.fixture
def document(banner, years):
    return services.document_create(actor=banner.a.host.user, studio=banner.a.studio,
                                    kind=StudioDocument.Kind.WORK_PLAN, school_year=years[2026],
                                    title="2026-2027 年度工作计划",
                                    file=SimpleUploadedFile("计划.txt", "年度工作计划".encode()))


@pytest.fixture
def allocation(banner, years):
    return services.fund_allocate(actor=banner.officer, studio=banner.a.studio, school_year=years[2025],
                                  amount=10000, date=datetime.date(2025, 9, 15))


def expense(banner, years, amount, **extra):
    return services.expense_create(actor=extra.pop("actor", banner.a.host.user), studio=banner.a.studio,
                                   school_year=years[2025], amount=amount,
                                   category=extra.pop("category", FundEntry.Category.BOOKS_EQUIPMENT),
                                   date=datetime.date(2025, 10, 1), **extra)

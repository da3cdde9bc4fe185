import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import RuleSettings
from core.models import AuditEntry, Upload
from core.services import DomainError
from records import selectors, services
from records.models import Work, YearLock

from .conftest import docx_file, pdf_file
from .samples import make_docx


def test_paper_counts_its_characters_from_the_docx(paper):
    assert paper.status == Work.Status.SUBMITTED
    assert paper.char_count == 2013
    assert paper.char_count_source == Work.CountSource.FILE
    assert paper.upload.text_chars == 2013
    assert paper.upload.original_name == "我的论文.docx"


def test_counts_for_names_the_semester_and_the_kind(paper):
    info = selectors.annotate_works([paper])[0].counts_for
    assert info.counts
    assert info.text == "计入：2025-2026 第二学期 论文"
    assert info.chars == "2,013 字 / 要求 1,800 字 ✓"


def test_paper_one_character_short_does_not_count(banner, years):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                title="短论文", date=datetime.date(2025, 10, 8), file=docx_file(1799), submit=True)
    info = selectors.annotate_works([work])[0].counts_for
    assert not info.counts and info.short
    assert info.chars == "1,799 字 / 要求 1,800 字 ✗"
    assert "不计入" in info.text and "2025-2026 第一学期" in info.text


def test_threshold_follows_the_rule_settings(paper):
    settings = RuleSettings.current()
    settings.paper_min_chars = 2500
    settings.save()
    assert not selectors.annotate_works([paper])[0].counts_for.counts


def test_reflection_counts_for_the_school_year(banner, years):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio,
                                kind=Work.Kind.REFLECTION, title="心得体会", date=datetime.date(2025, 12, 1),
                                file=docx_file(950), submit=True)
    info = selectors.annotate_works([work])[0].counts_for
    assert info.text == "计入：2025-2026学年 反思总结"
    assert info.chars == "950 字 / 要求 900 字 ✓"


def test_development_plan_counts_for_the_cycle(banner, years):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.DEV_PLAN,
                                title="个人发展规划", date=datetime.date(2024, 10, 1), file=docx_file(500),
                                submit=True)
    assert "2024-2025 → 2026-2027" in selectors.annotate_works([work])[0].counts_for.text


def test_typed_count_higher_than_the_file_is_refused_and_nothing_is_saved(banner, years):
    member = banner.a.members[0]
    with pytest.raises(DomainError, match="2,013"):
        services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                             title="论文", date=datetime.date(2026, 3, 1), file=docx_file(2013), char_count=2500,
                             submit=True)
    assert not Work.objects.exists()
    assert not Upload.objects.exists()


def test_typed_count_lower_than_the_file_is_kept(banner, years):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                title="论文", date=datetime.date(2026, 3, 1), file=docx_file(2013), char_count=1900,
                                submit=True)
    assert (work.char_count, work.char_count_source) == (1900, Work.CountSource.FILE)


def test_scanned_pdf_needs_a_typed_count_and_is_marked_unverified(banner, years):
    member = banner.a.members[0]
    with pytest.raises(DomainError):
        services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                             title="扫描论文", date=datetime.date(2026, 3, 1), file=pdf_file(None), submit=True)
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                title="扫描论文", date=datetime.date(2026, 3, 1), file=pdf_file(None),
                                char_count=2100, submit=True)
    assert work.char_count == 2100
    assert work.char_count_source == Work.CountSource.MANUAL
    assert not work.char_count_verified
    assert selectors.annotate_works([work])[0].counts_for.unverified


def test_text_pdf_is_counted(banner, years):
    member = banner.a.members[0]
    work = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.DESIGN,
                                title="教学设计", date=datetime.date(2026, 3, 1), file=pdf_file("教学设计 lesson 1"),
                                submit=True)
    assert work.char_count == 6


def test_draft_is_saved_without_a_file_and_finished_later(banner, years):
    member = banner.a.members[0]
    draft = services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                 title="未完成", date=datetime.date(2026, 3, 1))
    assert draft.status == Work.Status.DRAFT
    assert "草稿" in selectors.annotate_works([draft])[0].counts_for.text
    with pytest.raises(DomainError):
        services.work_update(actor=member.user, work=draft, kind=draft.kind, title=draft.title, date=draft.date,
                             submit=True)
    work = services.work_update(actor=member.user, work=draft, kind=draft.kind, title="已完成", date=draft.date,
                                file=docx_file(), submit=True)
    assert work.status == Work.Status.SUBMITTED
    entry = AuditEntry.objects.get(action="work.submit", target_id=str(work.pk))
    assert (entry.from_state, entry.to_state) == ("draft", "submitted")


def test_wrong_file_type_is_refused_with_a_message(banner, years):
    member = banner.a.members[0]
    with pytest.raises(ValidationError):
        services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                             title="论文", date=datetime.date(2026, 3, 1),
                             file=SimpleUploadedFile("论文.docx", b"MZ\x00\x00" * 20), submit=True)
    assert not Work.objects.exists()


def test_work_outside_the_authors_studios_is_refused(banner, years):
    member = banner.a.members[0]
    with pytest.raises(DomainError):
        services.work_create(actor=member.user, teacher=member, studio=banner.b.studio, kind=Work.Kind.PAPER,
                             title="论文", date=datetime.date(2026, 3, 1), file=docx_file())


def test_future_date_is_refused(banner, years):
    member = banner.a.members[0]
    with pytest.raises(DomainError):
        services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                             title="论文", date=datetime.date(2027, 1, 1))


def test_replacing_the_file_keeps_the_old_until_the_new_is_saved(banner, paper):
    old = paper.upload
    with pytest.raises(ValidationError):
        services.work_update(actor=paper.teacher.user, work=paper, kind=paper.kind, title=paper.title,
                             date=paper.date, file=SimpleUploadedFile("x.docx", b"\x00\x01garbage"))
    paper.refresh_from_db()
    assert paper.upload_id == old.pk
    work = services.work_update(actor=paper.teacher.user, work=paper, kind=paper.kind, title=paper.title,
                                date=paper.date, file=SimpleUploadedFile("第二稿.docx", make_docx("字" * 1850)))
    assert work.char_count == 1850
    assert work.upload.original_name == "第二稿.docx"
    assert not Upload.objects.filter(pk=old.pk).exists()


def test_deleting_a_work_discards_its_file(django_capture_on_commit_callbacks, paper):
    upload = paper.upload
    path = upload.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.work_delete(actor=paper.teacher.user, work=paper)
    assert not Upload.objects.filter(pk=upload.pk).exists()
    import os

    assert not os.path.exists(path)


def test_locked_year_refuses_corrections_until_an_officer_unlocks(banner, years, paper):
    services.year_lock(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025])
    with pytest.raises(DomainError, match="2025-2026"):
        services.work_update(actor=paper.teacher.user, work=paper, kind=paper.kind, title="改", date=paper.date)
    with pytest.raises(DomainError):
        services.work_delete(actor=paper.teacher.user, work=paper)
    with pytest.raises(DomainError):
        services.year_unlock(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025])
    services.year_unlock(actor=banner.officer, studio=banner.a.studio, school_year=years[2025], reason="更正错误")
    services.work_update(actor=paper.teacher.user, work=paper, kind=paper.kind, title="改", date=paper.date)
    actions = list(AuditEntry.objects.filter(action__startswith="year.").values_list("action", "comment"))
    assert actions == [("year.reopen", "更正错误"), ("year.lock", "")]


def test_locking_twice_is_refused(banner, years):
    services.year_lock(actor=banner.officer, studio=banner.a.studio, school_year=years[2025])
    with pytest.raises(DomainError):
        services.year_lock(actor=banner.a.host.user, studio=banner.a.studio, school_year=years[2025])
    assert YearLock.objects.count() == 1


def test_a_submitted_work_cannot_be_moved_into_a_locked_year(banner, years, paper):
    services.year_lock(actor=banner.officer, studio=banner.a.studio, school_year=years[2024])
    with pytest.raises(DomainError):
        services.work_update(actor=paper.teacher.user, work=paper, kind=paper.kind, title=paper.title,
                             date=datetime.date(2024, 10, 1))

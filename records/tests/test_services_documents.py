import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry, Notification
from core.services import DomainError
from records import services
from records.models import StudioDocument
from studios.tests.factories import school_year


def _txt(name="计划.txt"):
    return SimpleUploadedFile(name, "工作室年度工作计划。".encode())


@pytest.fixture
def document(banner):
    return services.document_create(actor=banner.a.host.user, studio=banner.a.studio,
                                    kind=StudioDocument.Kind.WORK_PLAN, school_year=school_year(2025),
                                    title="2025-2026 年度工作计划", file=_txt())


def test_document_create_starts_as_draft_with_its_file(document):
    assert document.status == StudioDocument.Status.DRAFT
    assert document.upload.original_name == "计划.txt"
    assert AuditEntry.objects.filter(action="document.create", target_id=str(document.pk)).exists()


def test_document_submit_notifies_the_office_and_records_the_transition(banner, document):
    services.document_submit(actor=banner.a.host.user, document=document)
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.SUBMITTED
    assert document.submitted_on is not None
    entry = AuditEntry.objects.get(action="document.submit", target_id=str(document.pk))
    assert (entry.from_state, entry.to_state) == ("draft", "submitted")
    assert Notification.objects.filter(recipient=banner.officer).count() == 1


def test_document_without_file_cannot_be_submitted(banner):
    document = services.document_create(actor=banner.a.host.user, studio=banner.a.studio,
                                        kind=StudioDocument.Kind.ANNUAL_SUMMARY, school_year=school_year(2025),
                                        title="年度总结")
    with pytest.raises(DomainError):
        services.document_submit(actor=banner.a.host.user, document=document)
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.DRAFT


def test_document_approve_sets_decision_and_notifies_the_host(banner, document):
    services.document_submit(actor=banner.a.host.user, document=document)
    services.document_approve(actor=banner.officer, document=document)
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.APPROVED
    assert document.decided_by == banner.officer and document.decided_on is not None
    assert Notification.objects.filter(recipient=banner.a.host.user, verb="document.approve").exists()


def test_document_return_requires_a_comment(banner, document):
    services.document_submit(actor=banner.a.host.user, document=document)
    with pytest.raises(DomainError, match="退回|returned"):
        services.document_return(actor=banner.officer, document=document, comment="  ")
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.SUBMITTED


def test_returned_document_can_be_resubmitted_and_the_trail_shows_every_step(banner, document):
    services.document_submit(actor=banner.a.host.user, document=document)
    services.document_return(actor=banner.officer, document=document, comment="请补充经费预算")
    document.refresh_from_db()
    assert document.review_comment == "请补充经费预算"
    assert Notification.objects.filter(recipient=banner.a.host.user, verb="document.return").exists()
    services.document_resubmit(actor=banner.a.host.user, document=document)
    services.document_approve(actor=banner.officer, document=document)
    steps = list(AuditEntry.objects.filter(target_id=str(document.pk), action__startswith="document.")
                 .order_by("id").values_list("from_state", "to_state", "comment"))
    assert steps == [("", "draft", ""), ("draft", "submitted", ""), ("submitted", "returned", "请补充经费预算"),
                     ("returned", "submitted", ""), ("submitted", "approved", "")]


def test_second_decision_on_a_stale_copy_is_refused(banner, document):
    services.document_submit(actor=banner.a.host.user, document=document)
    stale = StudioDocument.objects.get(pk=document.pk)
    services.document_approve(actor=banner.officer, document=document)
    with pytest.raises(DomainError):
        services.document_return(actor=banner.admin, document=stale, comment="不行")
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.APPROVED
    assert AuditEntry.objects.filter(target_id=str(document.pk), action="document.return").count() == 0


def test_approving_a_draft_is_refused(banner, document):
    with pytest.raises(DomainError):
        services.document_approve(actor=banner.officer, document=document)

import datetime

import pytest
from django.urls import reverse

from core.models import Upload
from records import services
from records.models import FundEntry, MentoringPair, StudioDocument, Task, Work

from .conftest import docx_file, expense, pdf_file

# The three administrators (三员分立) are not the office: no studio record is theirs to see.
ADMINS = ["admin", "security_admin", "audit_admin"]
ROLES = ["anonymous", "member_a", "host_a", "member_b", "host_b", "officer", *ADMINS]


def status_for(client_for, banner, role, url, method="get", data=None):
    client = client_for(banner.users[role])
    return getattr(client, method)(url, data or {}).status_code


def expect(role, allowed, *, anonymous=302, denied=404):
    if role == "anonymous":
        return anonymous
    return 200 if role in allowed else denied


# --- who sees what ---------------------------------------------------------------------------------------------

STUDIO_PAGES_MANAGED = ["records:studio", "records:tasks", "records:evaluations", "records:funds",
                        "records:document_create", "records:project_create", "records:task_create",
                        "records:expense_create", "records:year_lock"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", STUDIO_PAGES_MANAGED)
def test_studio_management_pages_are_for_the_host_and_the_office(client_for, banner, years, role, name):
    url = reverse(name, kwargs={"code": banner.a.studio.code})
    assert status_for(client_for, banner, role, url) == expect(role, {"host_a", "officer"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["records:documents", "records:projects"])
def test_studio_documents_and_projects_are_read_by_its_members_too(client_for, banner, years, role, name):
    url = reverse(name, kwargs={"code": banner.a.studio.code})
    assert status_for(client_for, banner, role, url) == expect(role, {"member_a", "host_a", "officer"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["records:year_unlock", "records:fund_allocate"])
def test_reopening_a_year_and_allocating_funds_are_for_officers_only(client_for, banner, years, role, name):
    url = reverse(name, kwargs={"code": banner.a.studio.code})
    expected = {"anonymous": 302, "member_a": 403, "host_a": 403, "member_b": 403, "host_b": 403, "officer": 200,
                "admin": 403, "security_admin": 403, "audit_admin": 403}[role]
    assert status_for(client_for, banner, role, url) == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_work_is_seen_by_its_author_the_host_and_the_office(client_for, banner, paper, role):
    url = reverse("records:work", kwargs={"pk": paper.pk})
    assert status_for(client_for, banner, role, url) == expect(role, {"member_a", "host_a", "officer"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["records:work_edit", "records:work_delete"])
def test_only_the_author_changes_a_work(client_for, banner, paper, role, name):
    url = reverse(name, kwargs={"pk": paper.pk})
    assert status_for(client_for, banner, role, url) == expect(role, {"member_a"})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_author_deletes_a_work_by_post(client_for, banner, paper, role):
    url = reverse("records:work_delete", kwargs={"pk": paper.pk})
    client_for(banner.users[role]).post(url)
    assert Work.objects.filter(pk=paper.pk).exists() == (role != "member_a")


@pytest.mark.parametrize("role", ROLES)
def test_a_work_file_is_served_only_through_the_access_check(client_for, banner, paper, role):
    url = reverse("core:upload", kwargs={"pk": paper.upload_id})
    response = client_for(banner.users[role]).get(url)
    assert response.status_code == expect(role, {"member_a", "host_a", "officer"})
    if response.status_code == 200:
        assert "filename*=utf-8''%E6%88%91%E7%9A%84%E8%AE%BA%E6%96%87.docx" in response["Content-Disposition"]


@pytest.mark.parametrize("role", ROLES)
def test_my_records_needs_a_teacher(client_for, banner, role):
    expected = {"anonymous": 302, "officer": 404, **dict.fromkeys(ADMINS, 404)}.get(role, 200)
    assert status_for(client_for, banner, role, reverse("records:mine")) == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_members_records_page_is_for_the_host_and_the_office(client_for, banner, paper, role):
    url = reverse("records:person", kwargs={"code": banner.a.studio.code, "teacher_code": banner.a.members[0].code})
    assert status_for(client_for, banner, role, url) == expect(role, {"host_a", "officer"})


@pytest.mark.parametrize("role", ROLES)
def test_a_pair_is_seen_by_its_teacher_the_host_and_the_office(client_for, banner, role):
    member = banner.a.members[0]
    pair = services.pair_create(actor=member.user, teacher=member, studio=banner.a.studio, mentee_name="白老师",
                                mentee_school="苏力德苏木学校", started_on=datetime.date(2025, 9, 10))
    assert status_for(client_for, banner, role, reverse("records:pair", kwargs={"pk": pair.pk})) == \
        expect(role, {"member_a", "host_a", "officer"})
    assert status_for(client_for, banner, role, reverse("records:pair_edit", kwargs={"pk": pair.pk})) == \
        expect(role, {"member_a"})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_assignee_marks_a_task_done(client_for, banner, role):
    task = services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="任务",
                                due_on=datetime.date(2026, 12, 1), teachers=[banner.a.members[0]])
    url = reverse("records:task_done", kwargs={"pk": task.assignments.get().pk})
    assert status_for(client_for, banner, role, url) == expect(role, {"member_a"})


@pytest.mark.parametrize("role", ROLES)
def test_document_page_and_review(client_for, banner, document, role):
    code = banner.a.studio.code
    detail = reverse("records:document", kwargs={"code": code, "pk": document.pk})
    assert status_for(client_for, banner, role, detail) == expect(role, {"member_a", "host_a", "officer"})
    review = reverse("records:document_review", kwargs={"code": code, "pk": document.pk})
    expected = {"anonymous": 302, "officer": 200}.get(role, 403)
    assert status_for(client_for, banner, role, review) == expected


def test_another_studios_object_answers_404_to_its_host(client_for, banner, document):
    url = reverse("records:document", kwargs={"code": banner.b.studio.code, "pk": document.pk})
    assert client_for(banner.users["host_b"]).get(url).status_code == 404
    assert client_for(banner.users["officer"]).get(url).status_code == 404


# --- pages and forms -------------------------------------------------------------------------------------------


def test_member_records_a_paper_and_is_told_its_count_and_what_it_counts_for(client_for, banner, years):
    client = client_for(banner.users["member_a"])
    response = client.post(reverse("records:work_create"), {
        "kind": "paper", "title": "阅读教学研究", "date": "2026-03-10", "studio": banner.a.studio.pk,
        "file": docx_file(2013), "action": "submit",
    }, follow=True)
    content = response.content.decode()
    assert "2,013 字 / 要求 1,800 字 ✓" in content
    assert "计入：2025-2026 第二学期 论文" in content
    assert Work.objects.get().status == Work.Status.SUBMITTED


def test_form_keeps_what_was_typed_when_the_file_is_refused(client_for, banner, years):
    client = client_for(banner.users["member_a"])
    response = client.post(reverse("records:work_create"), {
        "kind": "reflection", "title": "我的教学反思", "date": "2026-03-10", "studio": banner.a.studio.pk,
        "file": docx_file(1000, "假文件.docx").__class__("假文件.docx", b"MZ\x00\x00not a document"),
        "action": "submit",
    })
    content = response.content.decode()
    assert response.status_code == 200
    assert "不支持该文件类型" in content or "接受" in content
    assert 'value="我的教学反思"' in content
    assert '<option value="reflection" selected>' in content
    assert not Work.objects.exists() and not Upload.objects.exists()


def test_typed_count_above_the_file_is_refused_on_the_form(client_for, banner, years):
    client = client_for(banner.users["member_a"])
    response = client.post(reverse("records:work_create"), {
        "kind": "paper", "title": "论文", "date": "2026-03-10", "studio": banner.a.studio.pk,
        "file": docx_file(1799), "char_count": "1800", "action": "submit",
    })
    assert "高于文件的实际字数" in response.content.decode()
    assert not Work.objects.exists()


def test_future_date_is_refused_on_the_form(client_for, banner, years):
    response = client_for(banner.users["member_a"]).post(reverse("records:work_create"), {
        "kind": "paper", "title": "论文", "date": "2027-03-10", "studio": banner.a.studio.pk, "action": "draft",
    })
    assert "日期不能晚于今天" in response.content.decode()


def test_scanned_pdf_is_accepted_with_a_typed_count_and_shown_unverified(client_for, banner, years):
    client = client_for(banner.users["member_a"])
    response = client.post(reverse("records:work_create"), {
        "kind": "paper", "title": "扫描论文", "date": "2026-03-10", "studio": banner.a.studio.pk,
        "file": pdf_file(None), "char_count": "2050", "action": "submit",
    }, follow=True)
    assert "字数未核实" in response.content.decode()
    host_view = client_for(banner.users["host_a"]).get(reverse("records:studio", kwargs={"code": banner.a.studio.code}))
    assert "字数未核实" in host_view.content.decode()


def test_draft_is_saved_and_finished_later(client_for, banner, years):
    client = client_for(banner.users["member_a"])
    client.post(reverse("records:work_create"), {
        "kind": "paper", "title": "草稿论文", "date": "2026-03-10", "studio": banner.a.studio.pk, "action": "draft",
    })
    work = Work.objects.get()
    assert work.status == Work.Status.DRAFT
    client.post(reverse("records:work_edit", kwargs={"pk": work.pk}), {
        "kind": "paper", "title": "草稿论文", "date": "2026-03-10", "studio": banner.a.studio.pk,
        "file": docx_file(), "action": "submit",
    })
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED and work.char_count == 2013


def test_my_records_are_grouped_by_year_and_semester(client_for, banner, years, paper):
    member = banner.a.members[0]
    services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                         title="第一学期论文", date=datetime.date(2024, 10, 8), file=docx_file(1900), submit=True)
    content = client_for(member.user).get(reverse("records:mine")).content.decode()
    assert content.index("2025-2026学年") < content.index("2024-2025学年")
    assert "2025-2026 第二学期" in content and "2024-2025 第一学期" in content


def test_studio_records_filters_by_kind_person_and_period(client_for, banner, years, paper):
    member = banner.a.members[1]
    services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.DESIGN,
                         title="教学设计甲", date=datetime.date(2024, 10, 8), file=docx_file(300), submit=True)
    client = client_for(banner.users["host_a"])
    url = reverse("records:studio", kwargs={"code": banner.a.studio.code})
    assert "教学设计甲" not in client.get(url, {"kind": "paper"}).content.decode()
    assert "教学设计甲" in client.get(url, {"person": member.pk}).content.decode()
    by_period = client.get(url, {"period": "2025-2026-2"}).content.decode()
    assert "小学语文阅读教学研究" in by_period and "教学设计甲" not in by_period
    assert client.get(url, {"period": "nonsense"}).status_code == 200


def test_studio_records_page_runs_a_fixed_number_of_queries(client_for, banner, years, django_assert_max_num_queries):
    for member in banner.a.members:
        for index in range(5):
            services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.PAPER,
                                 title=f"论文{index}", date=datetime.date(2025, 10, 1 + index), file=docx_file(1900),
                                 submit=True)
    client = client_for(banner.users["host_a"])
    url = reverse("records:studio", kwargs={"code": banner.a.studio.code})
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.content.decode().count('data-testid="work-row"') == 10


def test_my_records_runs_a_fixed_number_of_queries(client_for, banner, years, django_assert_max_num_queries):
    member = banner.a.members[0]
    for index in range(8):
        services.work_create(actor=member.user, teacher=member, studio=banner.a.studio, kind=Work.Kind.DESIGN,
                             title=f"设计{index}", date=datetime.date(2025, 10, 1 + index), file=docx_file(300),
                             submit=True)
    client = client_for(member.user)
    client.get(reverse("records:mine"))
    with django_assert_max_num_queries(18):
        client.get(reverse("records:mine"))


def test_office_returns_a_document_with_a_comment_and_the_trail_shows_it(client_for, banner, document):
    services.document_submit(actor=banner.a.host.user, document=document)
    code = banner.a.studio.code
    url = reverse("records:document_review", kwargs={"code": code, "pk": document.pk})
    officer = client_for(banner.users["officer"])
    response = officer.post(url, {"decision": "return", "comment": ""})
    assert "请说明退回的理由" in response.content.decode()
    officer.post(url, {"decision": "return", "comment": "请补充学期安排"})
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.RETURNED
    page = client_for(banner.users["host_a"]).get(reverse("records:document", kwargs={"code": code, "pk": document.pk}))
    assert "请补充学期安排" in page.content.decode()
    client_for(banner.users["host_a"]).post(reverse("records:document_submit", kwargs={"code": code,
                                                                                        "pk": document.pk}))
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.SUBMITTED


def test_member_cannot_submit_a_studio_document(client_for, banner, document):
    url = reverse("records:document_submit", kwargs={"code": banner.a.studio.code, "pk": document.pk})
    assert client_for(banner.users["member_a"]).post(url).status_code == 404
    document.refresh_from_db()
    assert document.status == StudioDocument.Status.DRAFT


def test_host_assigns_a_task_and_the_member_marks_it_done_late(client_for, banner):
    host = client_for(banner.users["host_a"])
    member = banner.a.members[0]
    host.post(reverse("records:task_create", kwargs={"code": banner.a.studio.code}), {
        "title": "撰写听课记录", "due_on": "2026-11-01", "teachers": [member.pk],
    })
    assignment = Task.objects.get().assignments.get()
    client_for(member.user).post(reverse("records:task_done", kwargs={"pk": assignment.pk}), {"note": "已完成"})
    page = host.get(reverse("records:tasks", kwargs={"code": banner.a.studio.code})).content.decode()
    assert "逾期完成（2026-11-23）" in page  # the day it was recorded


def test_host_overdrawing_sees_a_clear_message_and_nothing_is_saved(client_for, banner, years, allocation):
    expense(banner, years, 9500)
    url = reverse("records:expense_create", kwargs={"code": banner.a.studio.code}) + "?year=2025-2026"
    response = client_for(banner.users["host_a"]).post(url, {
        "amount": "600", "category": "books_equipment", "date": "2025-11-01", "description": "图书",
    })
    content = response.content.decode()
    assert "将超出2025-2026学年经费" in content and "余额 ¥500.00" in content
    assert 'value="图书"' in content
    assert FundEntry.objects.filter(kind=FundEntry.Kind.EXPENSE).count() == 1


def test_officer_records_an_exception_from_the_form(client_for, banner, years, allocation):
    url = reverse("records:expense_create", kwargs={"code": banner.a.studio.code}) + "?year=2025-2026"
    client_for(banner.users["officer"]).post(url, {
        "amount": "12000", "category": "experts", "date": "2025-11-01", "exception_reason": "局里追加专家讲座",
    })
    entry = FundEntry.objects.get(kind=FundEntry.Kind.EXPENSE)
    assert entry.exception_approved and entry.exception_by == banner.officer


def test_funds_page_shows_the_balance_and_flags_other(client_for, banner, years, allocation):
    expense(banner, years, 200, category=FundEntry.Category.OTHER)
    content = client_for(banner.users["host_a"]).get(
        reverse("records:funds", kwargs={"code": banner.a.studio.code}), {"year": "2025-2026"}).content.decode()
    assert "¥9,800.00" in content
    assert "不在规定用途内" in content


def test_unknown_year_on_the_funds_page_answers_404(client_for, banner, years):
    url = reverse("records:funds", kwargs={"code": banner.a.studio.code})
    assert client_for(banner.users["host_a"]).get(url, {"year": "1990-1991"}).status_code == 404
    assert client_for(banner.users["host_a"]).get(url, {"year": "garbage"}).status_code == 404


def test_host_evaluates_a_member_and_bad_scores_are_refused(client_for, banner, years):
    member = banner.a.members[0]
    url = reverse("records:evaluation_edit", kwargs={"code": banner.a.studio.code, "year": "2025-2026",
                                                     "teacher_code": member.code})
    host = client_for(banner.users["host_a"])
    bad = host.post(url, {"attitude": 120, "task_completion": 90, "research_ability": 80, "theory": 80,
                          "teaching": 80})
    assert bad.status_code == 200 and 'value="120"' in bad.content.decode()
    host.post(url, {"attitude": 95, "task_completion": 90, "research_ability": 80, "theory": 80, "teaching": 80,
                    "comment": "好"})
    page = host.get(reverse("records:evaluations", kwargs={"code": banner.a.studio.code}),
                    {"year": "2025-2026"}).content.decode()
    assert "95" in page


def test_host_locks_and_the_member_can_no_longer_correct(client_for, banner, years, paper):
    client_for(banner.users["host_a"]).post(reverse("records:year_lock", kwargs={"code": banner.a.studio.code}),
                                            {"school_year": years[2025].pk})
    member = client_for(banner.users["member_a"])
    response = member.get(reverse("records:work_edit", kwargs={"pk": paper.pk}), follow=True)
    assert "已锁定" in response.content.decode()
    client_for(banner.users["host_a"]).post(reverse("records:year_unlock", kwargs={"code": banner.a.studio.code}),
                                            {"school_year": years[2025].pk})
    assert banner.a.studio.year_locks.count() == 1


def test_member_records_a_pair_and_a_visit(client_for, banner):
    client = client_for(banner.users["member_a"])
    client.post(reverse("records:pair_create"), {
        "studio": banner.a.studio.pk, "mentee_name": "白老师", "mentee_school": "苏力德苏木学校",
        "started_on": "2025-09-01",
    })
    pair = MentoringPair.objects.get()
    client.post(reverse("records:pair", kwargs={"pk": pair.pk}), {"visited_on": "2025-10-01", "note": "送课"})
    assert pair.visits.count() == 1
    assert client_for(banner.users["host_a"]).post(reverse("records:pair", kwargs={"pk": pair.pk}),
                                                   {"visited_on": "2025-10-02", "note": "x"}).status_code == 404


def test_nav_and_studio_links_are_registered(client_for, banner):
    home = client_for(banner.users["member_a"]).get("/").content.decode()
    assert "我的记录" in home
    studio = client_for(banner.users["host_a"]).get(reverse("studios:detail", kwargs={"code": banner.a.studio.code}))
    content = studio.content.decode()
    assert "成果与材料" in content and "经费" in content and "任务" in content
    member_view = client_for(banner.users["member_a"]).get(
        reverse("studios:detail", kwargs={"code": banner.a.studio.code})).content.decode()
    assert "成果与材料" not in member_view and "工作室材料" in member_view

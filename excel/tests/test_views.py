"""Pages: who may use what, the import journey, background jobs with progress, archives."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity
from core.models import AuditEntry, Upload
from core.services import upload_create
from core.uploads import CONTENT_TYPES, CheckedFile
from excel.models import ExportJob
from excel.services import jobs_cleanup
from records.models import StudioDocument, Work
from studios.models import SchoolYear, Studio

from .helpers import D, ledger_bytes, sample

ROLES = ["anonymous", "member_a", "host_a", "member_b", "host_b", "officer", "admin", "security_admin",
         "audit_admin"]
# The sheets are the office's work; none of the three administrators (三员分立) reads them.
OFFICE = {"officer"}


def xlsx_file(data: bytes, name="台账.xlsx"):
    return SimpleUploadedFile(name, data, content_type=CONTENT_TYPES["xlsx"])


def expected_for_office_page(role, response):
    if role == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == (200 if role in OFFICE else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["excel:index", "excel:import", "excel:template", "excel:import_preview"])
def test_office_pages_are_for_officers_only(banner, client_for, role, name):
    response = client_for(banner.users[role]).get(reverse(name))
    if name == "excel:import_preview" and role in OFFICE:
        assert response.status_code == 302  # nothing uploaded yet
    else:
        assert expected_for_office_page(role, response)


@pytest.mark.parametrize("role", ROLES)
def test_the_studio_export_page_is_for_its_host_and_the_office(banner, client_for, role):
    response = client_for(banner.users[role]).get(reverse("excel:studio", args=["WS-A"]))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in {"host_a", "officer"} else 404)


@pytest.mark.parametrize("role", ROLES)
def test_banner_exports_are_for_the_office_only(banner, client_for, role):
    response = client_for(banner.users[role]).post(reverse("excel:export", args=["rosters"]))
    assert expected_for_office_page(role, response)


def test_the_nav_item_and_studio_link_show_for_the_right_people(banner, client_for):
    assert "Excel 导入导出" in client_for(banner.officer).get("/").content.decode()
    assert "Excel 导入导出" not in client_for(banner.users["host_a"]).get("/").content.decode()
    page = client_for(banner.users["host_a"]).get(reverse("studios:detail", args=["WS-A"])).content.decode()
    assert reverse("excel:studio", args=["WS-A"]) in page
    page = client_for(banner.users["member_a"]).get(reverse("studios:detail", args=["WS-A"])).content.decode()
    assert reverse("excel:studio", args=["WS-A"]) not in page


def test_the_exports_page_lists_every_banner_exporter_in_chinese(banner, client_for):
    page = client_for(banner.officer).get(reverse("excel:index")).content.decode()
    for label in ("全旗考核汇总表", "名册", "活动、备案与考勤", "成果", "经费", "完整台账", "下载空白模板"):
        assert label in page


# --- the import journey -------------------------------------------------------------------------------------------


def test_upload_preview_confirm_imports_the_ledger(banner, client_for):
    client = client_for(banner.officer)
    response = client.post(reverse("excel:import"), {"file": xlsx_file(ledger_bytes())})
    assert response.status_code == 302 and response["Location"] == reverse("excel:import_preview")
    kept = Upload.objects.get(uploaded_by=banner.officer)
    assert client.session["excel_import_upload"] == str(kept.pk)
    assert not Studio.objects.filter(code="WS-10").exists()

    page = client.get(reverse("excel:import_preview")).content.decode()
    assert "导入预览" in page and "确认导入" in page
    assert "<td>活动</td><td class=\"text-end\">3</td>" in page

    response = client.post(reverse("excel:import_preview"), {"upload": str(kept.pk)}, follow=True)
    assert "台账已导入" in response.content.decode()
    assert Studio.objects.filter(code="WS-10").exists()
    assert not Upload.objects.filter(pk=kept.pk).exists()
    assert AuditEntry.objects.filter(action="ledger.import", actor=banner.officer).count() == 1


def test_the_preview_lists_every_error_and_offers_no_import(banner, client_for):
    data = sample()
    data["活动"][0]["类型"] = "座谈会"
    data["成果"][1]["教师编号"] = "T-999"
    client = client_for(banner.officer)
    client.post(reverse("excel:import"), {"file": xlsx_file(ledger_bytes(data))})
    page = client.get(reverse("excel:import_preview")).content.decode()
    assert "共 2 处错误" in page
    assert "<td>活动</td><td>2</td><td>类型</td>" in page
    assert "教师编号「T-999」既不在「教师」表中，也不在系统中。" in page
    assert "确认导入" not in page
    upload = Upload.objects.get(uploaded_by=banner.officer)
    client.post(reverse("excel:import_preview"), {"upload": str(upload.pk)})
    assert not Studio.objects.filter(code="WS-10").exists()


def test_a_stale_confirmation_does_not_import(banner, client_for):
    client = client_for(banner.officer)
    client.post(reverse("excel:import"), {"file": xlsx_file(ledger_bytes())})
    response = client.post(reverse("excel:import_preview"), {"upload": "00000000-0000-0000-0000-000000000000"},
                           follow=True)
    assert "该预览已过期" in response.content.decode()
    assert not Studio.objects.filter(code="WS-10").exists()


def test_another_officer_cannot_confirm_someone_elses_upload(banner, client_for):
    from studios.tests.factories import UserFactory

    client_for(banner.officer).post(reverse("excel:import"), {"file": xlsx_file(ledger_bytes())})
    upload = Upload.objects.get(uploaded_by=banner.officer)
    other = client_for(UserFactory(username="officer2", role="officer"))
    session = other.session
    session["excel_import_upload"] = str(upload.pk)
    session.save()
    response = other.post(reverse("excel:import_preview"), {"upload": str(upload.pk)})
    assert response.status_code == 302 and response["Location"] == reverse("excel:import")
    assert not Studio.objects.filter(code="WS-10").exists()


@pytest.mark.parametrize(("data", "message"), [
    (b"just some text", "不接受此类文件"),
    (b"%PDF-1.4 not a workbook", "不接受此类文件"),
])
def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(banner, client_for, data, message):
    response = client_for(banner.officer).post(reverse("excel:import"), {"file": xlsx_file(data, "x.xlsx")})
    assert response.status_code == 200
    assert message in response.content.decode() or "文件类型" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_zip_bomb_is_refused_before_parsing(banner, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    response = client_for(banner.officer).post(reverse("excel:import"), {"file": xlsx_file(buffer.getvalue())})
    assert response.status_code == 200
    assert "出于安全考虑已拒绝" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_file_over_the_size_limit_is_refused(banner, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = client_for(banner.officer).post(reverse("excel:import"), {"file": xlsx_file(ledger_bytes())})
    assert "文件超过" in response.content.decode() or "大于" in response.content.decode()
    assert not Upload.objects.exists()


def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_the_template_downloads_as_an_xlsx_attachment(banner, client_for):
    response = client_for(banner.officer).get(reverse("excel:template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "填写说明" in load_workbook(io.BytesIO(response.content)).sheetnames


# --- exports and background jobs ----------------------------------------------------------------------------------


def test_a_small_export_downloads_at_once_and_is_audited(banner, client_for):
    response = client_for(banner.officer).post(reverse("excel:export", args=["rosters"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["教师", "工作室", "成员", "荣誉"]
    assert AuditEntry.objects.get(action="excel.export").data["exporter"] == "rosters"


def test_the_banner_summary_form_checks_its_options(banner, client_for):
    response = client_for(banner.officer).post(reverse("excel:export", args=["banner_summary"]),
                                               {"school_year": "1999", "kind": "annual"})
    assert response.status_code == 200 and "form" in response.content.decode()
    assert not AuditEntry.objects.filter(action="excel.export").exists()


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr("excel.services.BACKGROUND_ROWS", 3)


def test_a_large_export_runs_in_the_background_with_progress(banner, client_for, small_threshold,
                                                              django_capture_on_commit_callbacks):
    client = client_for(banner.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("excel:export", args=["ledger"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("excel:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "excel/excel.js" in page and "<progress" in page
    state = client.get(reverse("excel:job_progress", args=[job.pk])).json()
    assert state["status"] == "done" and state["progress"] == 100
    assert state["done"] == job.total == state["total"] > 3
    assert state["download_url"] == reverse("excel:job_download", args=[job.pk])
    download = client.get(state["download_url"])
    data = b"".join(download.streaming_content)
    assert "教师" in load_workbook(io.BytesIO(data)).sheetnames
    assert AuditEntry.objects.filter(action="excel.download", actor=banner.officer).count() == 1
    assert AuditEntry.objects.filter(action="excel.export", actor=banner.officer).count() == 1


def test_the_banner_summary_of_more_people_than_the_threshold_is_built_in_the_background(
        banner, client_for, monkeypatch, django_capture_on_commit_callbacks):
    # Two studios are two rows, but each row reads a studio's whole result: the people assessed decide.
    from studios.models import Membership

    people = Membership.objects.count()
    assert people > 2
    monkeypatch.setattr("excel.services.BACKGROUND_ROWS", people - 1)
    client = client_for(banner.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("excel:export", args=["banner_summary"]),
                               {"school_year": "2024", "kind": "cycle"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("excel:job", args=[job.pk])
    state = client.get(reverse("excel:job_progress", args=[job.pk])).json()
    assert state["status"] == "done" and state["progress"] == 100
    data = b"".join(client.get(state["download_url"]).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert {"WS-A", "WS-B"} <= {cell.value for row in sheet.iter_rows() for cell in row}

    monkeypatch.setattr("excel.services.BACKGROUND_ROWS", people)
    response = client.post(reverse("excel:export", args=["banner_summary"]), {"school_year": "2024", "kind": "cycle"})
    assert response.status_code == 200 and ExportJob.objects.count() == 1  # at the threshold: built at once


def test_the_progress_endpoint_reports_a_waiting_job(banner, client_for, small_threshold):
    client = client_for(banner.officer)
    client.post(reverse("excel:export", args=["ledger"]))  # on_commit never fires inside the test transaction
    job = ExportJob.objects.get()
    state = client.get(reverse("excel:job_progress", args=[job.pk])).json()
    assert (state["status"], state["progress"], state["message"]) == ("queued", 0, "等待开始……")
    assert "download_url" not in state
    assert client.get(reverse("excel:job_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_the_requester_may_see_or_download_a_job(banner, client_for, small_threshold, role,
                                                      django_capture_on_commit_callbacks):
    """An export holds personal data: the person who started it and nobody else, administrators included."""
    with django_capture_on_commit_callbacks(execute=True):
        client_for(banner.officer).post(reverse("excel:export", args=["ledger"]))
    job = ExportJob.objects.get()
    client = client_for(banner.users[role])
    for name in ("excel:job", "excel:job_progress", "excel:job_download"):
        response = client.get(reverse(name, args=[job.pk]))
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if role in OFFICE else 404), (name, role)


def test_expired_jobs_and_their_files_are_removed(banner, client_for, small_threshold,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(banner.officer).post(reverse("excel:export", args=["ledger"]))
    job = ExportJob.objects.get()
    path = job.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_cleanup(now=job.expires_at + datetime.timedelta(seconds=1)) == 1
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)


def test_a_host_exports_the_studio_sheet_of_their_studio(banner, client_for):
    response = client_for(banner.users["host_a"]).post(
        reverse("excel:studio_export", args=["WS-A", "studio_sheet"]), {"school_year": "2024", "kind": "annual"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["成员考核"]
    assert banner.a.studio.name in ws["A1"].value
    assert client_for(banner.users["host_a"]).post(
        reverse("excel:studio_export", args=["WS-B", "studio_sheet"]), {"school_year": "2024"}).status_code == 404
    assert client_for(banner.users["host_a"]).post(
        reverse("excel:studio_export", args=["WS-A", "banner_summary"]), {"school_year": "2024"}).status_code == 404


# --- archives -----------------------------------------------------------------------------------------------------


def stored(name, data, kind, user, studio, owner=None):
    checked = CheckedFile(kind=kind, content_type=CONTENT_TYPES[kind], size=len(data), data=data)
    return upload_create(checked=checked, original_name=name, user=user, studio=studio, owner=owner)


@pytest.fixture
def studio_files(banner):
    studio, member = banner.a.studio, banner.a.members[0]
    host_user = banner.users["host_a"]
    paper = stored("paper.docx", b"PK docx bytes", "docx", host_user, studio, member)
    Work.objects.create(teacher=member, studio=studio, kind=Work.Kind.PAPER, title="阅读/教学:初探", upload=paper,
                        date=D(2024, 11, 1))
    Work.objects.create(teacher=member, studio=studio, kind=Work.Kind.PAPER, title="旧论文",
                        upload=stored("old.txt", b"old", "txt", host_user, studio, member), date=D(2023, 11, 1))
    plan = stored("plan.pdf", b"%PDF-1.4 plan", "pdf", host_user, studio)
    StudioDocument.objects.create(studio=studio, kind=StudioDocument.Kind.WORK_PLAN,
                                  school_year=SchoolYear.objects.get(start_year=2024), title="2024-2025年度工作计划",
                                  upload=plan, status=StudioDocument.Status.APPROVED)
    Activity.objects.create(studio=studio, title="全旗专题研讨", kind=Activity.Kind.SEMINAR, date=D(2025, 3, 2),
                            plan=stored("方案.pdf", b"%PDF-1.4 act", "pdf", host_user, studio),
                            status=Activity.Status.HELD)
    return banner


def test_a_host_builds_the_archive_of_a_school_year(studio_files, client_for, django_capture_on_commit_callbacks):
    banner = studio_files
    client = client_for(banner.users["host_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("excel:archive", args=["WS-A"]), {"school_year": "2024"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("excel:job", args=[job.pk])
    assert client.get(reverse("excel:job_progress", args=[job.pk])).json()["status"] == "done"
    download = client.get(reverse("excel:job_download", args=[job.pk]))
    assert "2024-2025" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    member = banner.a.members[0]
    names = set(archive.namelist())
    assert names == {
        f"2024-2025/成果/论文/{member.name}-阅读_教学_初探.docx",
        "2024-2025/工作室材料/年度工作计划/2024-2025年度工作计划.pdf",
        "2024-2025/活动/2025-03-02-全旗专题研讨/活动方案.pdf",
        "档案索引.xlsx",
    }
    assert archive.read(f"2024-2025/成果/论文/{member.name}-阅读_教学_初探.docx") == b"PK docx bytes"
    index = load_workbook(io.BytesIO(archive.read("档案索引.xlsx")))["档案索引"]
    rows = list(index.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 3
    assert {row[0] for row in rows} == names - {"档案索引.xlsx"}
    work_row = next(row for row in rows if row[1] == "成果·论文")
    assert (work_row[3], work_row[4], work_row[6]) == ("阅读/教学:初探", member.name, "paper.docx")
    assert AuditEntry.objects.filter(action="excel.archive", actor=banner.users["host_a"]).exists()


def test_the_cycle_archive_holds_every_year_of_the_cycle(studio_files, client_for,
                                                           django_capture_on_commit_callbacks):
    banner = studio_files
    SchoolYear.get_or_create_for(2025)
    Work.objects.create(teacher=banner.a.host, studio=banner.a.studio, kind=Work.Kind.REFLECTION, title="第二年反思",
                        date=D(2026, 1, 5), upload=stored("r.txt", b"r", "txt", banner.officer, banner.a.studio))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(banner.officer).post(reverse("excel:archive", args=["WS-A"]), {"school_year": "2025",
                                                                                    "cycle": "on"})
    job = ExportJob.objects.get()
    archive = zipfile.ZipFile(job.file.open("rb"))
    assert f"2025-2026/成果/反思总结/{banner.a.host.name}-第二年反思.txt" in archive.namelist()
    assert any(name.startswith("2024-2025/") for name in archive.namelist())
    assert not any(name.startswith("2023-2024/") for name in archive.namelist())
    assert job.filename.endswith("周期档案.zip")


@pytest.mark.parametrize("role", ["member_a", "host_b"])
def test_members_and_other_hosts_cannot_build_an_archive(banner, client_for, role):
    response = client_for(banner.users[role]).post(reverse("excel:archive", args=["WS-A"]), {"school_year": "2024"})
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def _unread_ledger():
    from excel import ledger as L

    from .helpers import rows_of, workbook_bytes

    sheets = {name: rows_of(L.SHEETS_BY_NAME[name], records) for name, records in sample().items()}
    sheets["主持人评价表"] = sheets.pop("主持人评价")
    sheets["成果"][0] = ["字数（字）" if header == "字数" else header for header in sheets["成果"][0]] + ["附注"]
    sheets["教师"] = [["乌审旗名师工作室台账 · 教师"], *sheets["教师"]]
    return workbook_bytes(sheets)


def test_the_preview_lists_what_is_not_read_and_imports_only_once_confirmed(banner, client_for):
    from records.models import HostEvaluation

    client = client_for(banner.officer)
    client.post(reverse("excel:import"), {"file": xlsx_file(_unread_ledger())})
    page = client.get(reverse("excel:import_preview")).content.decode()
    assert 'data-testid="preview-unread"' in page and "未读取" in page
    assert "「主持人评价表」" in page and "「主持人评价」？" in page
    assert "「附注」" in page and "字数（字）" not in page           # a unit in brackets is read as 字数
    assert 'data-testid="accept-unread"' in page
    upload = Upload.objects.get(uploaded_by=banner.officer)
    page = client.post(reverse("excel:import_preview"), {"upload": str(upload.pk)}).content.decode()
    assert "请先确认已核对" in page
    assert not Studio.objects.filter(code="WS-10").exists()
    response = client.post(reverse("excel:import_preview"), {"upload": str(upload.pk), "accept_unread": "on"},
                           follow=True)
    assert "台账已导入" in response.content.decode()
    assert Studio.objects.filter(code="WS-10").exists() and not HostEvaluation.objects.exists()
    assert Work.objects.get(code="W-1").char_count == 3200


def test_a_ledger_with_nothing_unread_needs_no_extra_confirmation(banner, client_for):
    client = client_for(banner.officer)
    client.post(reverse("excel:import"), {"file": xlsx_file(ledger_bytes())})
    page = client.get(reverse("excel:import_preview")).content.decode()
    assert 'data-testid="preview-unread"' not in page and 'data-testid="accept-unread"' not in page


@pytest.mark.parametrize(("name", "data", "words"), [
    ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook\0".encode("utf-16-le") + b"\0" * 99,
     "Excel 97–2003"),
    ("台账.xlsx", "教师编号,姓名\r\nT-1,张三\r\n".encode("utf-8-sig"), ".csv"),
    ("台账.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook\0".encode("utf-16-le") + b"\0" * 99,
     "WPS 表格"),
])
def test_an_upload_in_another_spreadsheet_format_says_how_to_save_it_as_xlsx(banner, client_for, name, data, words):
    response = client_for(banner.officer).post(reverse("excel:import"), {"file": xlsx_file(data, name)})
    page = response.content.decode()
    assert response.status_code == 200 and words in page and "另存为" in page and "损坏" not in page
    assert not Upload.objects.exists()

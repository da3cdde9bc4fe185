"""The ledger import (../shared/spec/ledger-workbook.md): counts, re-import, updates, every error, all or nothing."""

import datetime
from decimal import Decimal

import pytest

from activities.models import Activity, Attendance, Filing
from core.models import AuditEntry
from excel.importer import LedgerFileError, ledger_import
from members.models import Level, School, Teacher, Title, User
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)
from studios.models import Cycle, Membership, SchoolYear, Studio

from .helpers import D, ledger_bytes, sample, workbook_bytes

MODELS = [SchoolYear, School, User, Teacher, Studio, Cycle, Membership, Title, ResearchProject,
          ResearchProject.participants.through, Activity, Filing, Attendance, Work, MentoringPair, Task,
          TaskAssignment, StudioDocument, FundEntry, HostEvaluation, AuditEntry]


def snapshot():
    """Every row of every table the import can touch, for comparing before and after, table by table."""
    return {model._meta.label: sorted(map(repr, model.objects.values_list())) for model in MODELS}


def only_error(result):
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


@pytest.fixture
def imported(db):
    result = ledger_import(ledger_bytes())
    assert result.ok, [str(e) for e in result.errors]
    return result


def test_a_realistic_ledger_creates_every_record(imported):
    counts = {name: (c.created, c.updated, c.unchanged) for name, c in imported.counts.items()}
    assert counts["教师"] == (4, 0, 0)
    assert counts["成员"] == (4, 0, 0)
    assert counts["任务"] == (2, 0, 0)
    assert imported.school_years_created == ["2024-2025"]
    studio = Studio.objects.get(code="WS-10")
    assert studio.cycles.get().start_year.label == "2024-2025"
    assert Membership.objects.get(studio=studio, teacher__code="T-101").role == Membership.Role.HOST
    assert Membership.objects.get(teacher__code="T-103").left_on == D(2025, 6, 30)
    project = ResearchProject.objects.get(code="P-1")
    assert project.level == Level.BANNER and sorted(t.code for t in project.participants.all()) == ["T-102", "T-103"]
    assert not Filing.objects.filter(activity__code="A-1").exists()
    filing = Filing.objects.get(activity__code="A-2")
    assert (filing.status, filing.approved_on, filing.doc_number) == (Filing.Status.APPROVED, D(2024, 11, 1),
                                                                      "乌教研发〔2024〕3号")
    assert Filing.objects.get(activity__code="A-3").status == Filing.Status.SUBMITTED
    assert Activity.objects.get(code="A-3").attendance_required is False
    assert Activity.objects.get(code="A-2").organiser.code == "T-102"
    assert Attendance.objects.get(activity__code="A-1", teacher__code="T-103").status == Attendance.Status.EXCUSED
    work = Work.objects.get(code="W-1")
    assert (work.kind, work.title, work.char_count, work.char_count_source) == (
        Work.Kind.PAPER, "=整本书阅读的三个抓手", 3200, Work.CountSource.LEDGER)
    assert Task.objects.get(code="K-1").assignments.count() == 2
    assert StudioDocument.objects.get(code="D-1").status == StudioDocument.Status.APPROVED
    assert StudioDocument.objects.get(code="D-2").status == StudioDocument.Status.SUBMITTED
    assert FundEntry.objects.get(code="F-2").amount == Decimal("3500.50")
    assert FundEntry.objects.get(code="F-1").kind == FundEntry.Kind.ALLOCATION
    assert HostEvaluation.objects.get(teacher__code="T-102").teaching == 92
    assert Teacher.objects.get(code="T-102").is_rural is True
    assert Teacher.objects.get(code="T-102").school.name == "乌审旗第二小学"


def test_imported_teachers_get_a_login_without_a_password(imported):
    teacher = Teacher.objects.select_related("user").get(code="T-101")
    assert teacher.user.username == "t-101"
    assert teacher.user.role == User.Role.TEACHER
    assert not teacher.user.has_usable_password()
    assert len(imported.users_created) == 4


def test_one_audit_entry_records_the_import_with_its_counts(imported):
    entry = AuditEntry.objects.get(action="ledger.import")
    assert entry.data["counts"]["教师"] == {"created": 4, "updated": 0, "unchanged": 0}


def test_importing_the_same_workbook_again_changes_nothing(imported):
    before = snapshot()
    again = ledger_import(ledger_bytes())
    assert again.ok and again.changes == 0
    assert all(c.created == c.updated == 0 for c in again.counts.values())
    assert again.counts["任务"].unchanged == 2
    after = snapshot()
    after["core.AuditEntry"] = before["core.AuditEntry"] = None  # the second import is audited too
    assert after == before


def test_a_row_whose_code_exists_updates_that_record(imported):
    data = sample()
    data["成果"][0]["标题"] = "整本书阅读的四个抓手"
    data["活动"][2]["备案状态"] = "已批准"
    data["活动"][2]["备案批准日期"] = D(2025, 3, 1)
    data["活动"][2]["备案文号"] = "乌教研发〔2025〕1号"
    data["成员"][3]["退出日期"] = D(2025, 1, 31)
    result = ledger_import(ledger_bytes(data))
    assert result.ok
    assert (result.counts["成果"].updated, result.counts["成果"].unchanged) == (1, 1)
    assert result.counts["活动"].updated == 1
    assert result.counts["成员"].updated == 1
    assert Work.objects.get(code="W-1").title == "整本书阅读的四个抓手"
    assert Filing.objects.get(activity__code="A-3").doc_number == "乌教研发〔2025〕1号"
    assert Work.objects.count() == 2


def test_no_filing_removes_a_filing_and_a_blank_filing_status_keeps_it(imported):
    data = sample()
    data["活动"][1]["备案状态"] = None
    data["活动"][2]["备案状态"] = "无需备案"
    assert ledger_import(ledger_bytes(data)).ok
    assert Filing.objects.filter(activity__code="A-2").exists()
    assert not Filing.objects.filter(activity__code="A-3").exists()


def test_a_dry_run_counts_and_writes_nothing(db):
    before = snapshot()
    result = ledger_import(ledger_bytes(), dry_run=True)
    assert result.ok and result.counts["活动"].created == 3 and not result.written
    assert snapshot() == before


def test_absent_sheets_are_skipped_and_known_records_are_referenced(imported):
    data = {"成果": [{"成果编号": "W-9", "教师编号": "T-104", "工作室编号": "WS-10", "类型": "教学设计",
                    "标题": "教学设计一", "日期": "2025-04-01"}]}
    result = ledger_import(ledger_bytes(data))
    assert result.ok and list(result.counts) == ["成果"]
    assert Work.objects.get(code="W-9").char_count is None


def test_columns_may_come_in_any_order_with_extra_columns(db):
    rows = [["备注", "姓名", "出生日期", "教师编号"], ["新来的", "孙七", "1988-08-08", "T-201"]]
    result = ledger_import(workbook_bytes({"教师": rows}))
    assert result.ok
    assert Teacher.objects.get(code="T-201").name == "孙七"


def test_an_unknown_school_year_is_created_with_the_default_calendar(db):
    data = sample()
    data["工作室"][0]["周期开始学年"] = "2030-2031"
    assert ledger_import(ledger_bytes(data)).ok
    year = SchoolYear.objects.get(start_year=2030)
    assert (year.start, year.end, year.semester2_start) == (D(2030, 9, 1), D(2031, 8, 31), D(2031, 2, 1))


def test_numbers_typed_as_codes_and_list_separators_are_read(db):
    data = sample()
    data["课题"][0]["参与人教师编号"] = "T-102,T-103"
    assert ledger_import(ledger_bytes(data)).ok
    assert ResearchProject.objects.get(code="P-1").participants.count() == 2


# --- errors: each kind with its Chinese message -------------------------------------------------------------------


def error_for(data):
    result = ledger_import(ledger_bytes(data))
    assert not result.written
    return only_error(result)


def test_error_missing_required_column(db):
    rows = [["教师编号", "姓名"], ["T-301", "周八"]]
    error = only_error(ledger_import(workbook_bytes({"教师": rows})))
    assert (error.sheet, error.row, error.column, error.message) == ("教师", 1, "出生日期", "缺少必填列「出生日期」。")


def test_error_missing_required_cell(db):
    data = sample()
    data["教师"][1]["姓名"] = None
    error = error_for(data)
    assert (error.sheet, error.row, error.column, error.message) == ("教师", 3, "姓名", "「姓名」不能为空。")


def test_error_unknown_vocabulary(db):
    data = sample()
    data["活动"][0]["类型"] = "座谈会"
    error = error_for(data)
    assert (error.sheet, error.row, error.column) == ("活动", 2, "类型")
    assert error.message.startswith("「座谈会」不是「类型」的有效值，可选：工作部署会、阶段性总结会")


def test_error_bad_yes_no(db):
    data = sample()
    data["教师"][0]["是否乡村教师"] = "对"
    assert error_for(data).message == "「对」不是「是否乡村教师」的有效值，可选：是、否。"


def test_error_bad_date(db):
    data = sample()
    data["成员"][1]["加入日期"] = "2024-13-01"
    error = error_for(data)
    assert (error.sheet, error.row, error.column) == ("成员", 3, "加入日期")
    assert error.message == "「加入日期」中的「2024-13-01」不是日期，请填写 Excel 日期或 2024-09-01 形式的文本。"


def test_error_bad_school_year(db):
    data = sample()
    data["经费"][0]["学年"] = "2024-2026"
    error = error_for(data)
    assert (error.sheet, error.column) == ("经费", "学年")
    assert error.message == "「2024-2026」不是学年，请写成 2024-2025 的形式。"


@pytest.mark.parametrize(("sheet", "index", "header", "value", "message"), [
    ("成果", 0, "字数", "很多", "「字数」应为整数，不能是「很多」。"),
    ("主持人评价", 0, "教学能力", 120, "「教学能力」应在 0 到 100 之间，不能是「120」。"),
    ("经费", 1, "金额", -5, "「金额」应为正数金额，不能是「-5」。"),
])
def test_error_bad_number(db, sheet, index, header, value, message):
    data = sample()
    data[sheet][index][header] = value
    error = error_for(data)
    assert (error.sheet, error.column, error.message) == (sheet, header, message)


def test_error_text_too_long(db):
    data = sample()
    data["教师"][0]["姓名"] = "长" * 51
    assert error_for(data).message == "「姓名」超过 50 个字符。"


def test_error_unknown_teacher_code(db):
    data = sample()
    data["成果"][1]["教师编号"] = "T-999"
    error = error_for(data)
    assert (error.sheet, error.row, error.column) == ("成果", 3, "教师编号")
    assert error.message == "教师编号「T-999」既不在「教师」表中，也不在系统中。"


def test_error_unknown_studio_code(db):
    data = sample()
    data["经费"][0]["工作室编号"] = "WS-99"
    assert error_for(data).message == "工作室编号「WS-99」既不在「工作室」表中，也不在系统中。"


def test_error_unknown_activity_code(db):
    data = sample()
    data["考勤"][2]["活动编号"] = "A-99"
    error = error_for(data)
    assert (error.sheet, error.row, error.message) == ("考勤", 4, "活动编号「A-99」既不在「活动」表中，也不在系统中。")


def test_error_unknown_participant_in_a_list(db):
    data = sample()
    data["课题"][0]["参与人教师编号"] = "T-102、T-998"
    assert error_for(data).message == "教师编号「T-998」既不在「教师」表中，也不在系统中。"


def test_error_host_without_a_host_membership(db):
    data = sample()
    data["成员"][0]["角色"] = "成员"
    error = error_for(data)
    assert (error.sheet, error.row, error.column) == ("工作室", 2, "主持人教师编号")
    assert error.message == "主持人「T-101」在「成员」表中没有本工作室角色为「主持人」的记录。"


def test_error_duplicate_key_inside_the_file(db):
    data = sample()
    data["成果"][1]["成果编号"] = "W-1"
    error = error_for(data)
    assert (error.sheet, error.row, error.column) == ("成果", 3, "成果编号")
    assert error.message == "「W-1」在本表中重复（第 2 行已出现）。"


def test_error_duplicate_membership_row(db):
    data = sample()
    data["成员"].append(dict(data["成员"][1]))
    assert error_for(data).message == "「WS-10 / T-102 / 2024-09-01」在本表中重复（第 3 行已出现）。"


def test_error_approved_filing_without_its_number(db):
    data = sample()
    data["活动"][1]["备案文号"] = None
    error = error_for(data)
    assert (error.column, error.message) == ("备案文号", "备案状态为「已批准」时必须填写「备案文号」。")


def test_error_document_number_used_twice(db):
    data = sample()
    data["活动"][2].update({"备案状态": "已批准", "备案批准日期": D(2025, 3, 1), "备案文号": "乌教研发〔2024〕3号"})
    assert error_for(data).message == "备案文号「乌教研发〔2024〕3号」在本表中重复（第 3 行已出现）。"


def test_error_leaving_before_joining(db):
    data = sample()
    data["成员"][2]["退出日期"] = D(2024, 8, 1)
    error = error_for(data)
    assert (error.column, error.message) == ("退出日期", "「退出日期」早于「加入日期」。")


def test_error_rows_of_one_task_disagree(db):
    data = sample()
    data["任务"][1]["截止日期"] = D(2025, 1, 31)
    error = error_for(data)
    assert (error.row, error.column) == (3, "任务编号")
    assert error.message == "任务「K-1」的各行工作室、名称和截止日期必须一致（见第 2 行）。"


def test_error_unknown_app_record_number(db):
    data = sample()
    data["成果"][0]["成果编号"] = "#W999"
    assert error_for(data).message == "「#W999」是系统内录入记录的编号，但系统中没有这条记录。"


def test_error_cycle_overlapping_an_existing_cycle(imported):
    data = sample()
    data["工作室"][0]["周期开始学年"] = "2025-2026"
    assert error_for(data).message == "该工作室已有从 2024-2025 学年开始的周期，与此周期重叠。"


def test_a_file_that_is_not_a_workbook_is_refused(db):
    with pytest.raises(LedgerFileError, match="不是 Excel 工作簿"):
        ledger_import(b"PK\x03\x04 not really a zip")


def test_a_workbook_without_ledger_sheets_is_refused(db):
    with pytest.raises(LedgerFileError, match="没有台账的任何一张表"):
        ledger_import(workbook_bytes({"Sheet1": [["a"], [1]]}))


def test_every_error_is_reported_not_only_the_first(db):
    data = sample()
    data["教师"][0]["出生日期"] = "昨天"
    data["经费"][1]["类别"] = "吃饭"
    data["考勤"][0]["出勤"] = "迟到"
    result = ledger_import(ledger_bytes(data))
    assert [(e.sheet, e.column) for e in result.errors] == [("教师", "出生日期"), ("考勤", "出勤"), ("经费", "类别")]


# --- all or nothing -----------------------------------------------------------------------------------------------


def test_one_bad_row_in_the_last_sheet_writes_nothing_anywhere(imported):
    before = snapshot()
    data = sample()
    data["教师"].append({"教师编号": "T-105", "姓名": "新教师", "出生日期": D(1990, 1, 1)})
    data["成果"][0]["标题"] = "改过的标题"
    data["主持人评价"][0]["工作态度"] = 101
    result = ledger_import(ledger_bytes(data))
    assert not result.ok and not result.written
    after = snapshot()
    for table in before:
        assert after[table] == before[table], table


def test_a_database_failure_while_writing_rolls_everything_back(db, monkeypatch):
    before = snapshot()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(HostEvaluation.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        ledger_import(ledger_bytes())
    after = snapshot()
    for table in before:
        assert after[table] == before[table], table


def test_the_import_into_an_existing_banner_keeps_other_studios_alone(banner):
    other = Membership.objects.filter(studio=banner.b.studio).count()
    result = ledger_import(ledger_bytes())
    assert result.ok and result.school_years_created == []
    assert Membership.objects.filter(studio=banner.b.studio).count() == other


def test_dates_typed_as_text_and_as_excel_dates_are_the_same(db):
    data = sample()
    data["成员"][1]["加入日期"] = "2024/9/1"
    assert ledger_import(ledger_bytes(data)).ok
    assert Membership.objects.get(teacher__code="T-102").joined_on == datetime.date(2024, 9, 1)


def _queries_of_a_fresh_import(data) -> int:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    class Rollback(Exception):
        pass

    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                assert ledger_import(ledger_bytes(data)).ok
                raise Rollback
        except Rollback:
            pass
    return len(queries.captured_queries)


def test_the_import_takes_the_same_queries_whatever_the_number_of_rows(db):
    small = _queries_of_a_fresh_import(sample())
    data = sample()
    # 40 rows of a kind stay inside one INSERT batch on SQLite (999 parameters; a work has 21 columns).
    for number in range(40):
        data["成果"].append({**data["成果"][0], "成果编号": f"W-X{number}", "标题": f"论文{number}"})
        data["经费"].append({**data["经费"][1], "经费编号": f"F-X{number}"})
        data["荣誉"].append({**data["荣誉"][1], "授予日期": D(2000, 1, 1) + datetime.timedelta(days=number)})
    assert _queries_of_a_fresh_import(data) == small

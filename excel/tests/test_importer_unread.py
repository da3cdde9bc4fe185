"""What the import does not read is said (ledger-workbook.md, clarifications): unknown sheets and columns listed as
未读取 with the nearest known name, ★ / spaces / full-width / units in headers tolerated, a title row above the
header found, and a spreadsheet in another format named with how to save it as .xlsx. Bad input changes nothing."""

import io
import zipfile

import pytest

from excel import ledger as L
from excel.importer import LedgerFileError, ledger_import
from excel.importer.formats import OLE_MAGIC, spreadsheet_kind
from excel.importer.names import Unread, find_header_row, header_key, known_header, nearest
from records.models import FundEntry, HostEvaluation, Work
from studios.models import Studio

from .helpers import rows_of, sample, workbook_bytes


def sheets_of(data=None) -> dict:
    data = sample() if data is None else data
    return {name: rows_of(L.SHEETS_BY_NAME[name], records) for name, records in data.items()}


# --- names --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["★教师编号", "教师编号 ", " 教师 编号", "教师编号\u3000", "＊教师编号", "*教师编号"])
def test_a_star_spaces_and_full_width_marks_in_a_header_are_tolerated(cell):
    assert known_header(cell, L.TEACHERS.headers) == "教师编号"


@pytest.mark.parametrize("cell", ["字数（字）", "字数(字)", "字数 (字)", "★字数【字】"])
def test_a_unit_in_brackets_after_a_header_is_tolerated(cell):
    assert known_header(cell, L.WORKS.headers) == "字数"


def test_full_width_letters_and_digits_are_read_as_half_width():
    assert header_key("ＡＢＣ１２３") == "ABC123"


def test_an_unknown_header_is_not_taken_for_a_known_one():
    assert known_header("备注", L.TEACHERS.headers) is None
    assert known_header("字数统计", L.WORKS.headers) is None


def test_the_nearest_known_name_is_suggested_and_nothing_when_none_is_close():
    sheets = [spec.name for spec in L.SHEETS]
    assert nearest("经费 ", sheets) == "经费"
    assert nearest("主持人评价表", sheets) == "主持人评价"
    assert nearest("教师名单", sheets) == "教师"
    assert nearest("Sheet1", sheets) == ""
    assert nearest("字数统计", L.WORKS.headers) == "字数"


def test_the_header_row_is_the_one_naming_the_most_known_headers():
    rows = [("乌审旗名师工作室台账 · 教师",), ("统计截至 2026-12-01",), ("教师编号", "姓名", "出生日期"),
            ("T-1", "张", None)]
    assert find_header_row(rows, L.TEACHERS.headers) == 2
    assert find_header_row([("x",), ("y",)], L.TEACHERS.headers) == 0


# --- the import ---------------------------------------------------------------------------------------------------


def test_an_unknown_sheet_is_listed_with_the_nearest_name_and_its_rows_are_not_read(db):
    sheets = sheets_of()
    sheets["经费 "] = sheets.pop("经费")
    sheets["主持人评价表"] = sheets.pop("主持人评价")
    sheets["Sheet1"] = [["随便什么"]]
    result = ledger_import(workbook_bytes(sheets), dry_run=True)
    assert result.ok
    assert Unread(sheet="经费 ", nearest="经费") in result.unread
    assert Unread(sheet="主持人评价表", nearest="主持人评价") in result.unread
    assert Unread(sheet="Sheet1") in result.unread
    assert "经费" not in result.counts and "主持人评价" not in result.counts
    assert str(result.unread[0]).startswith("未读取：工作表「")
    assert "（最接近的已知名称：「经费」？）" in " ".join(str(item) for item in result.unread)


def test_the_templates_instructions_sheet_is_not_listed_as_unread(db):
    sheets = sheets_of()
    sheets[L.INSTRUCTIONS_SHEET] = [["表", "列", "必填", "填写要求"]]
    assert ledger_import(workbook_bytes(sheets), dry_run=True).unread == []


def test_an_unknown_column_is_listed_with_the_nearest_header_and_the_sheet_is_read(db):
    sheets = sheets_of()
    sheets["成果"][0].append("字数统计")
    sheets["成果"][0].append("备注")
    result = ledger_import(workbook_bytes(sheets), dry_run=True)
    assert result.ok and result.counts["成果"].created == len(sample()["成果"])
    assert Unread(sheet="成果", column="字数统计", nearest="字数") in result.unread
    assert Unread(sheet="成果", column="备注", nearest="") in result.unread
    assert str(Unread(sheet="成果", column="备注")) == "未读取：工作表「成果」的列「备注」"


def test_a_repeated_header_is_read_once_and_the_second_is_listed(db):
    sheets = sheets_of()
    sheets["经费"][0].append("说明")
    result = ledger_import(workbook_bytes(sheets), dry_run=True)
    assert [item for item in result.unread if item.duplicate] == [Unread(sheet="经费", column="说明", duplicate=True)]


def test_headers_with_stars_spaces_and_units_import_the_same_records(db):
    sheets = sheets_of()
    sheets["教师"][0] = [f"★{header}" if header == "教师编号" else f"{header} " for header in sheets["教师"][0]]
    sheets["成果"][0] = ["字数（字）" if header == "字数" else header for header in sheets["成果"][0]]
    result = ledger_import(workbook_bytes(sheets))
    assert result.written and result.unread == []
    assert sorted(Work.objects.values_list("code", "char_count")) == sorted(
        (work["成果编号"], int(work["字数"])) for work in sample()["成果"])


def test_a_title_row_above_the_header_is_found_and_row_numbers_stay_the_sheets(db):
    sheets = sheets_of()
    for name in sheets:
        sheets[name] = [[f"乌审旗名师工作室台账 · {name}"], ["统计截至 2026-12-01"], *sheets[name]]
    assert ledger_import(workbook_bytes(sheets), dry_run=True).ok
    data = sample()
    data["活动"][0]["范围"] = "全国"
    sheets = sheets_of(data)
    sheets["活动"] = [["乌审旗名师工作室台账 · 活动"], *sheets["活动"]]
    result = ledger_import(workbook_bytes(sheets), dry_run=True)
    assert [(error.sheet, error.row, error.column) for error in result.errors] == [("活动", 3, "范围")]


def test_with_unread_items_not_accepted_nothing_is_written(db):
    sheets = sheets_of()
    sheets["经费 "] = sheets.pop("经费")
    result = ledger_import(workbook_bytes(sheets), accept_unread=False)
    assert not result.written and result.ok and result.unread
    assert not Studio.objects.exists() and not FundEntry.objects.exists()
    result = ledger_import(workbook_bytes(sheets), accept_unread=True)
    assert result.written and Studio.objects.exists() and not FundEntry.objects.exists()


def test_the_audit_entry_names_what_was_not_read(db):
    from core.models import AuditEntry

    sheets = sheets_of()
    sheets["主持人评价表"] = sheets.pop("主持人评价")
    ledger_import(workbook_bytes(sheets))
    entry = AuditEntry.objects.get(action="ledger.import")
    assert entry.data["unread"] == ["未读取：工作表「主持人评价表」（最接近的已知名称：「主持人评价」？）"]
    assert not HostEvaluation.objects.exists()


def test_a_workbook_with_only_misnamed_sheets_says_which_they_are(db):
    with pytest.raises(LedgerFileError, match="未读取：工作表「教师 」（最接近的已知名称：「教师」？）"):
        ledger_import(workbook_bytes({"教师 ": rows_of(L.TEACHERS, sample()["教师"])}))


# --- other formats ------------------------------------------------------------------------------------------------


def fake_xls(stream="Workbook", extra=""):
    """The start of an OLE compound file and its directory's stream names (UTF-16), as Excel 97–2003 writes."""
    names = (stream + "\0" + (extra + "\0" if extra else "")).encode("utf-16-le")
    return OLE_MAGIC + b"\0" * 504 + names + b"\0" * 1024


def fake_ods(mimetype=b"application/vnd.oasis.opendocument.spreadsheet"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


CSV_UTF8 = "教师编号,姓名,出生日期\r\nT-1,张三,1980-01-01\r\n".encode("utf-8-sig")
CSV_GB = "教师编号,姓名,出生日期\r\nT-1,张三,1980-01-01\r\n".encode("gb18030")
OTHER_FORMATS = [
    ("xls", fake_xls(), "台账.xls", "Excel 97–2003"),
    ("xls", fake_xls("Book"), "台账.xlsx", "Excel 97–2003"),           # renamed: told by content
    ("et", fake_xls("Workbook", "ETExtData"), "台账.xlsx", "WPS 表格"),
    ("et", fake_xls(), "台账.et", "WPS 表格"),
    ("ods", fake_ods(), "台账.xlsx", ".ods"),
    ("csv", CSV_UTF8, "台账.csv", ".csv"),
    ("csv", CSV_GB, "台账.xlsx", ".csv"),
]


@pytest.mark.parametrize(("kind", "data", "name", "words"), OTHER_FORMATS)
def test_another_spreadsheet_format_is_named_with_how_to_save_it_as_xlsx(db, kind, data, name, words):
    assert spreadsheet_kind(data, name) == kind
    with pytest.raises(LedgerFileError) as refused:
        ledger_import(data, file_name=name)
    message = str(refused.value)
    assert words in message and "另存为" in message and "Excel 工作簿 (*.xlsx)" in message
    assert "损坏" not in message
    assert not Studio.objects.exists()


def test_a_real_xlsx_is_an_xlsx_and_text_without_separators_is_nothing_known():
    assert spreadsheet_kind(workbook_bytes(sheets_of())) == "xlsx"
    assert spreadsheet_kind(b"just some text") is None
    assert spreadsheet_kind(b"PK\x03\x04 not really a zip") is None

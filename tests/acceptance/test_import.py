"""`manage.py import_ledger FILE.xlsx [--dry-run]` against ledger-workbook.md: all or nothing, every error by
sheet, row, column and a Chinese message, idempotent, keys update, unknown school years created with the
default calendar, document numbers unique and required, dates as Excel dates or text, lists, 是/否."""

import re

from .conftest import manage, member_rule, team_rule
from .ledger import Ledger, d
from .world import HOST, SENIOR, STUDIO, YOUNG, good_cycle_rules, good_year, studio_world

Y = "2022-2023"
COUNTS = re.compile(r"^(\S+?)[：:]\s*新增\s*(\d+)[，,]\s*更新\s*(\d+)[，,]\s*未变\s*(\d+)", re.M)


def counts(run):
    """Per sheet (created, updated, unchanged), as the import prints them."""
    return {sheet: tuple(map(int, numbers)) for sheet, *numbers in COUNTS.findall(run.out)}


def chinese(text):
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def error_lines(run):
    return [line for line in run.err.splitlines() if line.strip()]


def the_error(run, sheet, row, column):
    """The one error line naming this sheet, row number and column (with its message in Chinese)."""
    found = [line for line in error_lines(run)
             if sheet in line and re.search(rf"(?<!\d){row}(?!\d)", line) and column in line]
    assert len(found) == 1, f"{sheet} row {row} {column}: {found} in\n{run.err}"
    message = found[0].split(column, 1)[1]
    assert chinese(message), found[0]
    return found[0]


def test_a_dry_run_says_what_it_would_create_and_writes_nothing(run_import):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    run = run_import(ledger, dry_run=True)
    assert run.status == 0, run.err
    assert counts(run) == {"教师": (3, 0, 0), "工作室": (1, 0, 0), "成员": (3, 0, 0), "活动": (1, 0, 0)}
    assert manage("assess", "--studio", STUDIO, "--year", Y, "--format", "json").status != 0   # still unknown
    again = run_import(ledger, dry_run=True)
    assert counts(again) == counts(run)


def test_importing_the_same_workbook_twice_changes_nothing_the_second_time(load, assess):
    ledger = good_cycle_rules(good_year(studio_world(), Y))
    first = load(ledger)
    assert all(created > 0 for created, _, _ in counts(first).values())
    before = assess(STUDIO, Y, as_of="2023-09-30")
    second = load(ledger)
    assert counts(second), second.out
    for sheet, (created, updated, unchanged) in counts(second).items():
        assert (created, updated) == (0, 0), (sheet, second.out)
        assert unchanged == counts(first)[sheet][0]
    assert assess(STUDIO, Y, as_of="2023-09-30") == before


def test_a_row_whose_key_exists_updates_that_record(load, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2022-10-01", 1500)
    load(ledger)
    assert member_rule(assess(STUDIO, Y, as_of="2023-01-31"), YOUNG, "I-PAPER", f"{Y}-1")["status"] == "not_met"
    ledger.rows["成果"][0]["字数"] = 2600
    run = load(ledger)
    assert counts(run)["成果"] == (0, 1, 0)
    assert member_rule(assess(STUDIO, Y, as_of="2023-01-31"), YOUNG, "I-PAPER", f"{Y}-1")["evidence"] == ["W-01"]


def test_codes_typed_as_numbers_are_codes(load, assess):
    ledger = Ledger()
    ledger.add("教师", 教师编号=1001, 姓名="数字编号", 出生日期=d("1980-01-01"))
    ledger.add("教师", 教师编号=1002, 姓名="数字成员", 出生日期=d("1990-01-01"))
    ledger.add("工作室", 工作室编号="WS-09", 名称="数字工作室", 周期开始学年=Y, 主持人教师编号=1001)
    ledger.add("成员", 工作室编号="WS-09", 教师编号=1001, 角色="主持人", 加入日期=d("2022-09-01"))
    ledger.add("成员", 工作室编号="WS-09", 教师编号=1002, 角色="成员", 加入日期=d("2022-09-01"))
    ledger.add("成果", 成果编号=501, 教师编号=1002, 工作室编号="WS-09", 类型="论文", 标题="数字", 日期=d("2022-10-01"),
               字数=2000)
    load(ledger)
    result = assess("WS-09", Y, as_of="2023-01-31")
    assert [block["teacher"] for block in result["members"]] == ["1001", "1002"]
    assert member_rule(result, "1002", "I-PAPER", f"{Y}-1")["evidence"] == ["501"]


def test_a_dry_run_counts_updates_and_changes_nothing(load, run_import, assess):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2022-10-01", 1500)
    load(ledger)
    ledger.rows["成果"][0]["字数"] = 2600
    ledger.work("W-02", SENIOR, STUDIO, "论文", "2022-10-02", 2600)
    dry = run_import(ledger, dry_run=True)
    assert dry.status == 0 and counts(dry)["成果"] == (1, 1, 0)
    result = assess(STUDIO, Y, as_of="2023-01-31")
    assert member_rule(result, YOUNG, "I-PAPER", f"{Y}-1")["status"] == "not_met"
    assert member_rule(result, SENIOR, "I-PAPER", f"{Y}-1")["status"] == "not_met"


def test_an_error_anywhere_writes_nothing_and_every_error_is_reported_by_sheet_row_and_column(run_import):
    ledger = studio_world()
    ledger.add("教师", 教师编号="T-004", 姓名="错日", 出生日期="1985-13-01")                     # 教师 row 5
    ledger.member(STUDIO, "T-999", "2022-09-01")                                               # 成员 row 5
    ledger.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    ledger.activity("A-02", STUDIO, "茶话会", "2022-09-06")                                     # 活动 row 3
    ledger.activity("A-03", STUDIO, "工作研讨", "2022-09-07", scope="全区")                      # 活动 row 4
    ledger.add("成果", 成果编号="W-01", 教师编号=YOUNG, 工作室编号=STUDIO, 类型="论文", 日期=None,
               标题="无日期")                                                                  # 成果 row 2
    ledger.attendance("A-01", YOUNG, "迟到")                                                   # 考勤 row 2
    ledger.fund("F-01", STUDIO, Y, "拨款", "一万", "2022-09-10")                                # 经费 row 2
    ledger.evaluation(STUDIO, Y, YOUNG, 101)                                                   # 主持人评价 row 2
    ledger.title(YOUNG, "骨干教师", "校级", "2020-01-01")                                       # 荣誉 row 2
    ledger.document("D-01", STUDIO, "年度总结", Y, None, state="待审核")                         # 工作室材料 row 2
    run = run_import(ledger)
    assert run.status != 0
    the_error(run, "教师", 5, "出生日期")
    the_error(run, "成员", 5, "教师编号")
    the_error(run, "活动", 3, "类型")
    the_error(run, "活动", 4, "范围")
    the_error(run, "成果", 2, "日期")
    the_error(run, "考勤", 2, "出勤")
    the_error(run, "经费", 2, "金额")
    the_error(run, "荣誉", 2, "级别")
    the_error(run, "工作室材料", 2, "提交日期")   # ★ unless 草稿
    assert any("主持人评价" in line and "2" in line for line in error_lines(run)), run.err
    # nothing was written: the good rows of the same workbook are all still new
    good = studio_world()
    good.activity("A-01", STUDIO, "工作部署会", "2022-09-05")
    dry = run_import(good, dry_run=True)
    assert counts(dry) == {"教师": (3, 0, 0), "工作室": (1, 0, 0), "成员": (3, 0, 0), "活动": (1, 0, 0)}


def test_a_missing_required_column_is_an_error_naming_it(run_import):
    ledger = studio_world()
    ledger.add("活动", 活动编号="A-01", 工作室编号=STUDIO, 名称="无类型", 范围="工作室", 日期=d("2022-09-05"))
    run = run_import(ledger)
    assert run.status != 0
    assert any("活动" in line and "类型" in line and chinese(line) for line in error_lines(run)), run.err


def test_a_missing_required_cell_is_an_error(run_import):
    ledger = studio_world()
    ledger.add("教师", 教师编号="T-004", 出生日期=d("1985-01-01"))   # no 姓名 cell
    run = run_import(ledger)
    assert run.status != 0
    the_error(run, "教师", 5, "姓名")


def test_dates_as_text_and_as_excel_dates_are_the_same_ledger(load, assess, db):
    ledger = good_cycle_rules(good_year(studio_world(), Y))
    load(ledger, text_dates=True)
    as_text = assess(STUDIO, Y, as_of="2023-09-30")
    again = load(ledger)                          # the same records, written with Excel dates
    assert all(created == updated == 0 for created, updated, _ in counts(again).values()), again.out
    assert assess(STUDIO, Y, as_of="2023-09-30") == as_text
    assert as_text["team"]["verdict"] == "pass"


def test_columns_in_any_order_extra_columns_and_blank_rows(load, assess, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    teachers = book.create_sheet("教师")
    teachers.append(["备注", "出生日期", "姓名", "教师编号"])
    teachers.append(["主持人", "1975-03-01", "王主持", HOST])
    teachers.append([None, None, None, None])
    teachers.append(["", "1995-03-01", "李青", YOUNG])
    studios = book.create_sheet("工作室")
    studios.append(["主持人教师编号", "周期开始学年", "名称", "工作室编号"])
    studios.append([HOST, Y, "乱序工作室", STUDIO])
    members = book.create_sheet("成员")
    members.append(["角色", "加入日期", "教师编号", "工作室编号", "附注"])
    members.append(["主持人", "2022-09-01", HOST, STUDIO, "x"])
    members.append([])
    members.append(["成员", "2022-09-01", YOUNG, STUDIO, "y"])
    works = book.create_sheet("成果")
    works.append(["字数", "日期", "标题", "类型", "工作室编号", "教师编号", "成果编号"])
    works.append([2000, "2022-10-01", "乱序论文", "论文", STUDIO, YOUNG, "W-01"])
    path = tmp_path / "shuffled.xlsx"
    book.save(path)
    run = manage("import_ledger", str(path))
    assert run.status == 0, run.err
    result = assess(STUDIO, Y, as_of="2023-01-31")
    assert [block["teacher"] for block in result["members"]] == [HOST, YOUNG]
    assert member_rule(result, YOUNG, "I-PAPER", f"{Y}-1")["evidence"] == ["W-01"]


def test_an_unknown_school_year_is_created_with_the_default_calendar(load, assess):
    ledger = studio_world(start="2019-2020")
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2020-01-31", 2000)   # semester 1's last day
    ledger.work("W-02", YOUNG, STUDIO, "论文", "2020-02-01", 2000)   # semester 2's first
    ledger.document("D-01", STUDIO, "年度工作计划", "2018-2019", "2018-08-01")   # a 学年 cell names one more
    run = load(ledger)
    assert "2019-2020" in run.out and "2018-2019" in run.out
    result = assess(STUDIO, "2019-2020", as_of="2020-09-30")
    assert result["period"] == {"label": "2019-2020", "start": "2019-09-01", "end": "2020-08-31"}
    assert member_rule(result, YOUNG, "I-PAPER", "2019-2020-1")["evidence"] == ["W-01"]
    assert member_rule(result, YOUNG, "I-PAPER", "2019-2020-2")["evidence"] == ["W-02"]
    cycle = assess(STUDIO, "2021-2022", cycle=True, as_of="2022-09-30")   # the cycle's third year exists too
    assert cycle["period"] == {"label": "cycle", "start": "2019-09-01", "end": "2022-08-31"}


def test_a_repeated_document_number_is_refused(run_import):
    ledger = studio_world()
    ledger.filed("A-01", STUDIO, "专题研讨", "2022-10-10", approved="2022-10-01", number="乌教研发〔2022〕8号")
    ledger.filed("A-02", STUDIO, "专题研讨", "2022-11-10", approved="2022-11-01", number="乌教研发〔2022〕8号")
    run = run_import(ledger)
    assert run.status != 0
    the_error(run, "活动", 3, "备案文号")


def test_a_document_number_already_in_the_app_is_refused(load, run_import):
    ledger = studio_world()
    ledger.filed("A-01", STUDIO, "专题研讨", "2022-10-10", approved="2022-10-01", number="乌教研发〔2022〕8号")
    load(ledger)
    later = Ledger()
    later.filed("A-02", STUDIO, "专题研讨", "2022-11-10", approved="2022-11-01", number="乌教研发〔2022〕8号")
    run = run_import(later)
    assert run.status != 0
    the_error(run, "活动", 2, "备案文号")


def test_an_approved_filing_without_a_document_number_is_refused(run_import):
    ledger = studio_world()
    ledger.activity("A-01", STUDIO, "专题研讨", "2022-10-10", scope="全旗", filing="已批准", approved="2022-10-01")
    run = run_import(ledger)
    assert run.status != 0
    line = the_error(run, "活动", 2, "备案文号")
    assert chinese(line)


def test_a_title_awarded_in_the_future_is_refused(run_import):
    ledger = studio_world()
    ledger.title(YOUNG, "骨干教师", "旗级", "2099-01-01")
    run = run_import(ledger)
    assert run.status != 0
    the_error(run, "荣誉", 2, "授予日期")


def test_a_studio_whose_host_has_no_host_membership_is_refused(run_import):
    ledger = studio_world()
    ledger.rows["成员"] = [row for row in ledger.rows["成员"] if row["角色"] != "主持人"]
    run = run_import(ledger)
    assert run.status != 0
    assert any("工作室" in line or "成员" in line for line in error_lines(run)) and chinese(run.err)


def test_yes_no_cells_and_lists_with_either_separator(load, assess):
    ledger = studio_world()
    ledger.teacher("T-004", "乡村", "1985-01-01", rural=True)
    ledger.member(STUDIO, "T-004", "2022-09-01")
    ledger.activity("A-01", STUDIO, "读书交流", "2022-10-01", required=False)
    ledger.activity("A-02", STUDIO, "工作研讨", "2022-10-02", required=True)
    for teacher in (YOUNG, SENIOR, "T-004"):
        ledger.attendance("A-02", teacher)
    ledger.project("P-01", STUDIO, "旗级", "2022-10-01", HOST, members=f"{YOUNG}、{SENIOR}")
    ledger.project("P-02", STUDIO, "旗级", "2022-10-01", HOST, members=f"T-004,{YOUNG}")
    load(ledger)
    result = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    assert member_rule(result, YOUNG, "I-RESEARCH", "cycle")["evidence"] == ["P-01", "P-02"]
    assert member_rule(result, SENIOR, "I-RESEARCH", "cycle")["evidence"] == ["P-01"]
    assert member_rule(result, "T-004", "I-RESEARCH", "cycle")["evidence"] == ["P-02"]
    annual = assess(STUDIO, Y, as_of="2023-08-31")
    assert member_rule(annual, "T-004", "I-ATTENDANCE", Y)["status"] == "met"   # A-01 was not required


def test_ledger_titles_and_counts_are_taken_as_verified(load, assess):
    ledger = studio_world()
    ledger.title(YOUNG, "骨干教师", "旗级", "2023-03-01")
    ledger.work("W-01", SENIOR, STUDIO, "论文", "2022-10-01", 1800)   # no file: the ledger's count
    load(ledger)
    result = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    assert team_rule(result, "T-YOUNG-BACKBONE", "cycle")["status"] == "met"
    assert member_rule(result, SENIOR, "I-PAPER", f"{Y}-1")["evidence"] == ["W-01"]


def test_a_damaged_workbook_is_refused_with_a_message(db, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"this is not a workbook")
    run = manage("import_ledger", str(path))
    assert run.status != 0 and chinese(run.err), run.err


# --- what the import does not read (ledger-workbook.md, clarifications) -------------------------------------------


def _edited(ledger, tmp_path, edit, name="edited.xlsx"):
    """The ledger's workbook changed by `edit(book)` with openpyxl, as an office would in Excel."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(ledger.workbook_bytes()))
    edit(book)
    path = tmp_path / name
    book.save(path)
    return path


def _rename_header(sheet, old, new):
    for cell in sheet[1]:
        if cell.value == old:
            cell.value = new


def test_a_sheet_and_a_column_it_does_not_know_are_named_as_not_read_with_the_nearest_name(db, tmp_path):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2022-10-01", 2000)

    def edit(book):
        book["成果"].title = "成果 "                           # a trailing space: not the sheet 成果
        sheet = book["成员"]
        sheet.cell(row=1, column=sheet.max_column + 1, value="附注")

    run = manage("import_ledger", str(_edited(ledger, tmp_path, edit)), "--dry-run")
    assert run.status == 0, run.err                            # extra columns are ignored: the import goes on
    lines = [line for line in run.err.splitlines() if "未读取" in line]
    assert any("成果 " in line and "「成果」" in line for line in lines), run.err
    assert any("成员" in line and "附注" in line for line in lines), run.err
    assert "成果" not in counts(run) and counts(run)["成员"] == (3, 0, 0)


def test_strict_refuses_a_workbook_with_anything_not_read(db, tmp_path):
    ledger = studio_world()

    def edit(book):
        book.create_sheet("主持人评价表").append(["工作室编号", "学年", "教师编号"])

    run = manage("import_ledger", str(_edited(ledger, tmp_path, edit)), "--strict")
    assert run.status != 0 and "未读取" in run.err and "「主持人评价」" in run.err
    assert manage("import_ledger", str(_edited(ledger, tmp_path, edit)), "--dry-run").status == 0
    assert counts(manage("import_ledger", str(_edited(ledger, tmp_path, edit)), "--dry-run"))["教师"] == (3, 0, 0)


def test_a_star_spaces_full_width_and_a_unit_in_headers_are_read(load, assess, tmp_path):
    ledger = studio_world()
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2022-10-01", 2000)

    def edit(book):
        _rename_header(book["教师"], "教师编号", "★教师编号")
        _rename_header(book["教师"], "姓名", "姓 名 ")
        _rename_header(book["成果"], "字数", "字数（字）")
        _rename_header(book["成果"], "成果编号", "成果编号\u3000")

    run = manage("import_ledger", str(_edited(ledger, tmp_path, edit)))
    assert run.status == 0 and "未读取" not in run.err, run.err
    result = assess(STUDIO, Y, as_of="2023-01-31")
    assert member_rule(result, YOUNG, "I-PAPER", f"{Y}-1")["evidence"] == ["W-01"]


def test_a_title_row_above_the_header_is_found_and_skipped(run_import, tmp_path):
    ledger = studio_world()
    ledger.add("教师", 教师编号="T-004", 姓名="错日", 出生日期="1985-13-01")   # row 5 of the sheet as written

    def edit(book):
        for sheet in book.worksheets:
            sheet.insert_rows(1, 2)
            sheet["A1"] = f"乌审旗名师工作室台账 · {sheet.title}"
            sheet["A2"] = "统计截至 2022-12-31"

    run = manage("import_ledger", str(_edited(ledger, tmp_path, edit)), "--dry-run")
    assert run.status != 0
    the_error(run, "教师", 7, "出生日期")                      # the sheet's own row number, two rows lower
    assert len([line for line in error_lines(run) if "行" in line]) == 1, run.err   # not 66 errors


def test_an_xls_ods_or_csv_is_told_how_to_save_it_as_xlsx(db, tmp_path):
    import zipfile

    csv = tmp_path / "台账.csv"
    csv.write_bytes("教师编号,姓名,出生日期\r\nT-001,王主持,1975-03-01\r\n".encode("gb18030"))
    ods = tmp_path / "台账.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    xls = tmp_path / "台账.xlsx"                                  # an old binary workbook renamed
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook\0".encode("utf-16-le") + b"\0" * 512)
    for path in (csv, ods, xls):
        run = manage("import_ledger", str(path))
        assert run.status != 0 and ".xlsx" in run.err and "另存为" in run.err, (path.name, run.err)
        assert "损坏" not in run.err, run.err

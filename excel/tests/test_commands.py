"""manage.py import_ledger prints the summary; errors go to stderr with a non-zero exit."""

import io

import pytest
from django.core.management import CommandError, call_command

from studios.models import Studio

from .helpers import ledger_bytes, sample


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes())
    return path


def test_a_dry_run_prints_the_counts_and_writes_nothing(db, ledger_file):
    out, err = run(str(ledger_file), "--dry-run")
    assert "教师：新增 4，更新 0，未变 0" in out
    assert "试运行：未写入任何数据。" in out and err == ""
    assert not Studio.objects.exists()


def test_an_import_writes_and_a_second_one_changes_nothing(db, ledger_file):
    out, _err = run(str(ledger_file))
    assert "导入完成。" in out and Studio.objects.filter(code="WS-10").exists()
    out, _err = run(str(ledger_file))
    assert "教师：新增 0，更新 0，未变 4" in out


def test_errors_go_to_stderr_with_a_non_zero_exit(db, tmp_path):
    data = sample()
    data["活动"][0]["范围"] = "全国"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(ledger_bytes(data))
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处错误：未导入任何数据。"):
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=err)
    assert "「活动」表第 2 行，「范围」列: 「全国」不是「范围」的有效值" in err.getvalue()
    assert not Studio.objects.exists()


def test_a_missing_or_broken_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run(str(tmp_path / "none.xlsx"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="损坏"):
        run(str(broken))


def test_the_command_exits_non_zero_from_the_command_line(db, tmp_path, capsys):
    from django.core.management import execute_from_command_line

    data = sample()
    data["教师"][0]["出生日期"] = "不详"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(ledger_bytes(data))
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_ledger", str(path), "--dry-run"])
    assert exit_info.value.code != 0
    assert "「出生日期」中的「不详」不是日期" in capsys.readouterr().err


def _with_unread(tmp_path):
    from excel import ledger as L

    from .helpers import rows_of, workbook_bytes

    sheets = {name: rows_of(L.SHEETS_BY_NAME[name], records) for name, records in sample().items()}
    sheets["经费 "] = sheets.pop("经费")
    sheets["成果"][0].append("备注")
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    return path


def test_what_is_not_read_is_printed_as_warnings_and_the_rest_is_imported(db, tmp_path):
    out, err = run(str(_with_unread(tmp_path)))
    assert "警告：未读取：工作表「经费 」（最接近的已知名称：「经费」？）" in err
    assert "警告：未读取：工作表「成果」的列「备注」" in err
    assert "导入完成。" in out and Studio.objects.filter(code="WS-10").exists()


def test_strict_refuses_a_workbook_with_anything_not_read_and_writes_nothing(db, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 2 个工作表或列未读取（--strict）：未导入任何数据。"):
        call_command("import_ledger", str(_with_unread(tmp_path)), "--strict", stdout=io.StringIO(), stderr=err)
    assert "未读取：工作表「经费 」" in err.getvalue()
    assert not Studio.objects.exists()
    out, err = run(str(_ledger_path(tmp_path)), "--strict")
    assert "导入完成。" in out and err == ""


def _ledger_path(tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(ledger_bytes())
    return path


@pytest.mark.parametrize(("name", "data", "words"), [
    ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook\0".encode("utf-16-le") + b"\0" * 99,
     "Excel 97–2003"),
    ("台账.csv", "教师编号,姓名\r\nT-1,张三\r\n".encode("gb18030"), ".csv"),
])
def test_an_xls_or_csv_is_named_with_how_to_save_it_not_called_damaged(db, tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        run(str(path))
    assert words in str(refused.value) and "另存为" in str(refused.value) and "损坏" not in str(refused.value)
    assert not Studio.objects.exists()

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

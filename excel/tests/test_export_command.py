"""manage.py export: --list names every export; ID writes the same workbook the pages give, for every identifier;
errors go to stderr with a non-zero exit; the command is ours, not django-import-export's."""

import io

import pytest
from django.core.management import CommandError, call_command, get_commands
from openpyxl import load_workbook

from core.models import AuditEntry
from excel.exporters import EXPORTERS

from .helpers import ledger_bytes
from .test_exporters import render

YEAR = "2024-2025"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ledger(db):
    from excel.importer import ledger_import

    assert ledger_import(ledger_bytes()).ok


def test_manage_py_export_is_the_apps_command():
    assert get_commands()["export"] == "excel"


def test_the_list_names_every_export_with_its_scope_and_options(db):
    out, _err = run("--list")
    lines = dict(line.split("\t", 1) for line in out.strip().splitlines())
    assert set(lines) == set(EXPORTERS)
    assert "--studio" in lines["studio_sheet"] and "--year" in lines["studio_sheet"]
    assert "全旗考核汇总表" in lines["banner_summary"]


@pytest.mark.parametrize("identifier", list(EXPORTERS))
def test_every_export_is_written_to_the_file_as_the_pages_write_it(ledger, tmp_path, identifier):
    target = tmp_path / f"{identifier}.xlsx"
    out, _err = run(identifier, "--studio", "WS-10", "--year", YEAR, "-o", str(target))
    assert str(target) in out
    written = load_workbook(target)
    cls = EXPORTERS[identifier]
    options = {}
    if "school_year" in cls.form_fields():
        from studios.models import SchoolYear

        options = {"school_year": SchoolYear.objects.get(start_year=2024), "kind": "annual", "as_of": None}
    from studios.models import Studio

    same = load_workbook(io.BytesIO(render(cls(options=options, studio=Studio.objects.get(code="WS-10")))))
    assert written.sheetnames == same.sheetnames
    for name in written.sheetnames:
        assert _body(written[name]) == _body(same[name]), name
    entry = AuditEntry.objects.filter(action="excel.export").latest("pk")
    assert entry.data["exporter"] == identifier and entry.data["studio"] == "WS-10"


def _body(ws):
    # Everything but the export time, which differs by the minute.
    return [[value for value in row if not (isinstance(value, str) and "导出于" in value)]
            for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("identifier", [i for i, cls in EXPORTERS.items() if cls.scope == "banner"])
def test_banner_exports_need_no_studio(ledger, tmp_path, identifier):
    target = tmp_path / "all.xlsx"
    run(identifier, "-o", str(target))
    assert load_workbook(target).sheetnames


def test_the_cycle_flag_gives_the_cycle_assessment(ledger, tmp_path):
    target = tmp_path / "cycle.xlsx"
    run("studio_sheet", "--studio", "WS-10", "--year", YEAR, "--cycle", "-o", str(target))
    assert "周期" in load_workbook(target).worksheets[0]["A1"].value


def test_a_ledger_export_says_that_a_year_was_ignored(ledger, tmp_path):
    _out, err = run("works", "--year", YEAR, "-o", str(tmp_path / "w.xlsx"))
    assert "--year" in err and (tmp_path / "w.xlsx").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["nope"], "nope"),
    (["studio_sheet", "--year", YEAR], "--studio"),
    (["works", "--studio", "WS-99"], "WS-99"),
    (["banner_summary", "--year", "2024"], "2024"),
    (["banner_summary", "--year", "2031-2032"], "2031-2032"),
    (["banner_summary", "--as-of", "30.9.2025"], "30.9.2025"),
    (["studio_sheet", "--studio", "WS-10", "--year", "2030-2031"], "2030-2031"),
    ([], "--list"),
])
def test_a_wrong_request_is_a_clear_error_and_writes_nothing(ledger, tmp_path, args, message):
    from studios.models import SchoolYear

    SchoolYear.get_or_create_for(2030)
    target = tmp_path / "out.xlsx"
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        run(*args, "-o", str(target))
    assert not target.exists()


def test_a_missing_folder_is_a_clear_error(ledger, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        run("works", "-o", str(tmp_path / "no" / "such" / "w.xlsx"))


def test_an_output_file_is_required(ledger):
    with pytest.raises(CommandError, match="-o"):
        run("works")

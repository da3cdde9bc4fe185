"""`manage.py export --list` and `manage.py export ID … -o FILE.xlsx` (README): every export listed writes a
workbook that opens; the whole ledger exported imports again and changes nothing (ledger-workbook.md)."""

from openpyxl import load_workbook

from .conftest import manage
from .world import STUDIO, good_cycle_rules, good_year, studio_world

Y = "2022-2023"


def listed():
    run = manage("export", "--list")
    assert run.status == 0, run.err
    rows = [line.split("\t") for line in run.out.splitlines() if line.strip()]
    assert rows and all(len(row) >= 2 and row[0] and row[1] for row in rows), run.out
    return rows


def cells(path):
    book = load_workbook(path, read_only=True)
    text = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            text.extend(str(value) for value in row if value not in (None, ""))
    book.close()
    return text


def test_every_listed_export_writes_a_workbook_that_opens(load, tmp_path):
    load(good_cycle_rules(good_year(studio_world(), Y)))
    rows = listed()
    for identifier, *_ in rows:
        target = tmp_path / f"{identifier}.xlsx"
        run = manage("export", identifier, "--studio", STUDIO, "--year", Y, "--as-of", "2023-09-30", "-o", str(target))
        assert run.status == 0, (identifier, run.err)
        text = cells(target)
        assert text, identifier
        assert any(STUDIO in value or "名师工作室" in value for value in text), identifier
    # the exports of the whole banner need no studio
    for identifier, _name, scope, *_ in rows:
        if "须加" in scope or "--studio" in scope and "或" not in scope:
            continue
        target = tmp_path / f"banner-{identifier}.xlsx"
        run = manage("export", identifier, "--year", Y, "-o", str(target))
        assert run.status == 0, (identifier, run.err)
        assert cells(target)


def test_an_unknown_export_or_studio_fails_with_a_message(load, tmp_path):
    load(studio_world())
    run = manage("export", "no-such-export", "-o", str(tmp_path / "x.xlsx"))
    assert run.status != 0 and "no-such-export" in run.err
    first = listed()[0][0]
    run = manage("export", first, "--studio", "WS-99", "-o", str(tmp_path / "x.xlsx"))
    assert run.status != 0 and "WS-99" in run.err


def test_the_whole_ledger_exported_imports_again_without_a_change(load, tmp_path):
    load(good_cycle_rules(good_year(studio_world(), Y)))
    identifier = next(row[0] for row in listed() if "台账" in row[1])
    target = tmp_path / "whole.xlsx"
    assert manage("export", identifier, "-o", str(target)).status == 0
    run = manage("import_ledger", str(target), "--dry-run")
    assert run.status == 0, run.err
    from .test_import import counts

    found = counts(run)
    assert found, run.out
    for sheet, (created, updated, _unchanged) in found.items():
        assert (created, updated) == (0, 0), (sheet, run.out)

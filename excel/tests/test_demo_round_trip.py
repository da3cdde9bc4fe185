"""The demo banner, as an office has it: its whole-ledger export imports into an empty database with no error and
gives the same records (ledger-workbook.md, Clarifications) and the same assessment.

The demo is seeded once for the module (it takes a while) and removed at the end; every test runs inside a
transaction that is rolled back, so a test may empty the database and the next one finds the demo again."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from openpyxl import load_workbook

from assessments.selectors import assessment_results
from excel.exporters import FullLedgerExporter
from excel.importer import ledger_import
from studios.models import SchoolYear, Studio

from .test_exporters import render


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()


@pytest.fixture
def demo_db(demo, db):
    yield
    ContentType.objects.clear_cache()  # a test that emptied the database made new ones; the rollback undid them


def sheets_of(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: sorted(tuple("" if v is None else str(v) for v in row) for row in ws.iter_rows(values_only=True))
            for ws in wb.worksheets}


def assessment_of_every_studio() -> dict:
    """studio → every rule instance's status, numbers and evidence, for each year's and the cycle's assessment."""
    found = {}
    for start_year, kind in ((2024, "annual"), (2025, "annual"), (2024, "cycle")):
        year = SchoolYear.objects.get(start_year=start_year)
        for result in assessment_results(studios=Studio.objects.all(), school_year=year, kind=kind):
            blocks = [("team", result["team"])] + [(m["teacher"], m) for m in result["members"]]
            found[(result["studio"], start_year, kind)] = {
                (who, i["rule"], i["period"]): (i["status"], i.get("required"), i.get("actual"), tuple(i["evidence"]))
                for who, block in blocks for i in block["rules"]}
    return found


def test_the_whole_ledger_of_the_demo_imports_into_an_empty_database_and_gives_the_same_records(demo_db):
    exported = render(FullLedgerExporter())
    before = sheets_of(exported)
    assessed = assessment_of_every_studio()
    assert sum(len(rows) - 1 for rows in before.values()) > 7000
    assert not any(cell.startswith("#") for rows in before.values() for row in rows for cell in row), \
        "every record is named by its code"

    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    assert not Studio.objects.exists()

    result = ledger_import(exported)
    assert result.ok, [str(error) for error in result.errors[:20]]
    assert result.written
    assert sheets_of(render(FullLedgerExporter())) == before
    assert assessment_of_every_studio() == assessed

    again = ledger_import(exported)
    assert again.ok and again.changes == 0

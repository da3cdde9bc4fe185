"""The acceptance suite drives the product only through its command contracts (assessment-json.md,
ledger-workbook.md, the README's count_chars and export): argv in, exit status, standard output and standard
error out — exactly what a bureau script sees."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from unittest import mock

import pytest

from .ledger import Ledger


@dataclass
class Run:
    status: int
    out: str
    err: str

    def json(self):
        assert self.status == 0, f"exit status {self.status}: {self.err}"
        return json.loads(self.out)


def manage(*argv: str) -> Run:
    """`python manage.py ARGV…` inside the test process (so it sees the test database): the real argument
    parsing, the real exit status and the real streams. `run_from_argv` closes every connection when it ends,
    which inside a test's transaction would abort it; it is the one thing held back."""
    from django.core.management import ManagementUtility

    out, err = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            mock.patch("django.core.management.base.connections.close_all"):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else 1)
    return Run(status, out.getvalue(), err.getvalue())


@pytest.fixture
def run_import(db, tmp_path):
    """run_import(ledger, dry_run=False, **save_options) → Run of `manage.py import_ledger FILE.xlsx`."""
    counter = iter(range(1, 10_000))

    def run(ledger: Ledger, *, dry_run: bool = False, name: str | None = None, **options) -> Run:
        path = ledger.save(tmp_path / (name or f"ledger-{next(counter)}.xlsx"), **options)
        return manage("import_ledger", str(path), *(["--dry-run"] if dry_run else []))

    return run


@pytest.fixture
def load(run_import):
    """load(ledger) imports it and fails the test on any import error."""

    def run(ledger: Ledger, **options) -> Run:
        result = run_import(ledger, **options)
        assert result.status == 0, f"import refused ({result.status}):\n{result.err}\n{result.out}"
        return result

    return run


def assess_argv(studio=None, year=None, *, cycle=False, as_of=None, every=False):
    argv = ["assess", *(["--all"] if every else ["--studio", studio]), "--year", year]
    if cycle:
        argv.append("--cycle")
    if as_of:
        argv += ["--as-of", as_of]
    return [*argv, "--format", "json"]


@pytest.fixture
def assess(db):
    """assess("WS-01", "2022-2023", cycle=False, as_of="2023-09-30") → the parsed JSON (exit status 0 asserted)."""

    def run(studio, year, *, cycle=False, as_of=None):
        return manage(*assess_argv(studio, year, cycle=cycle, as_of=as_of)).json()

    return run


def team_rule(result: dict, rule: str, period: str) -> dict:
    found = [item for item in result["team"]["rules"] if item["rule"] == rule and item["period"] == period]
    assert len(found) == 1, f"{rule} {period}: {len(found)} team instances in {_ids(result['team']['rules'])}"
    return found[0]


def member(result: dict, teacher: str) -> dict:
    found = [block for block in result["members"] if block["teacher"] == teacher]
    assert len(found) == 1, f"{teacher}: listed {len(found)} times among {[b['teacher'] for b in result['members']]}"
    return found[0]


def member_rule(result: dict, teacher: str, rule: str, period: str) -> dict:
    rules = member(result, teacher)["rules"]
    found = [item for item in rules if item["rule"] == rule and item["period"] == period]
    assert len(found) == 1, f"{teacher} {rule} {period}: {len(found)} instances in {_ids(rules)}"
    return found[0]


def expect(item: dict, status: str, *, actual=None, required=None, evidence=None) -> dict:
    """The instance has this status (and these figures and evidence codes, when given)."""
    assert item["status"] == status, item
    if actual is not None:
        assert item["actual"] == actual, item
    if required is not None:
        assert item["required"] == required, item
    if evidence is not None:
        assert sorted(item["evidence"]) == sorted(evidence), item
    return item


def check_team(result, rule, period, status, **figures) -> dict:
    return expect(team_rule(result, rule, period), status, **figures)


def check_member(result, teacher, rule, period, status, **figures) -> dict:
    return expect(member_rule(result, teacher, rule, period), status, **figures)


def _ids(rules):
    return [(item["rule"], item["period"]) for item in rules]

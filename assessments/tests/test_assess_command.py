"""manage.py assess: the JSON of assessment-json.md, and clear errors with a non-zero status."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import services
from assessments.management.commands.assess import Command
from records.models import Work
from studios.tests.factories import make_studio, school_year

D = datetime.date


def run(*args) -> object:
    out = io.StringIO()
    call_command("assess", *args, stdout=out)
    return json.loads(out.getvalue())


def test_one_studio_annual_has_the_spec_shape(banner):
    Work.objects.create(teacher=banner.a.members[0], studio=banner.a.studio, kind="paper", title="论文",
                        date=D(2025, 3, 1), char_count=1800, code="W-1")
    result = run("--studio", "WS-A", "--year", "2024-2025", "--as-of", "2025-09-30", "--format", "json")
    assert result["studio"] == "WS-A"
    assert result["kind"] == "annual"
    assert result["period"] == {"label": "2024-2025", "start": "2024-09-01", "end": "2025-08-31"}
    assert result["as_of"] == "2025-09-30"
    assert result["settings"]["paper_min_chars"] == 1800
    assert result["settings"]["reflection_min_chars"] == 900
    assert result["settings"]["young_max_age"] == 35
    assert result["team"]["verdict"] in ("pass", "fail", "pending")
    for instance in result["team"]["rules"]:
        assert {"rule", "period", "status", "required", "actual", "evidence"} <= set(instance)
    assert [m["role"] for m in result["members"]][0] == "host"
    codes = [m["teacher"] for m in result["members"][1:]]
    assert codes == sorted(codes)
    member = next(m for m in result["members"] if m["teacher"] == banner.a.members[0].code)
    assert {"teacher", "name", "role", "verdict", "compliance_rate", "rules", "final_verdict"} <= set(member)
    papers = {i["period"]: i for i in member["rules"] if i["rule"] == "I-PAPER"}
    assert papers["2024-2025-2"] == {**papers["2024-2025-2"], "status": "met", "required": 1, "actual": 1,
                                     "evidence": ["W-1"]}
    assert papers["2024-2025-1"]["status"] == "not_met"


def test_cycle_lists_the_instances_of_all_three_years(banner):
    result = run("--studio", "WS-A", "--year", "2025-2026", "--cycle", "--as-of", "2025-09-30", "--format", "json")
    assert result["kind"] == "cycle"
    assert result["period"]["label"] == "cycle"
    periods = {i["period"] for i in result["members"][1]["rules"]}
    assert {"2024-2025-1", "2025-2026-2", "2026-2027", "cycle"} <= periods


def test_all_prints_a_list_and_leaves_out_studios_outside_their_cycle(banner):
    make_studio(code="WS-NEW", start_year=2026)
    results = run("--all", "--year", "2024-2025", "--as-of", "2025-09-30", "--format", "json")
    assert [r["studio"] for r in results] == ["WS-A", "WS-B"]
    later = run("--all", "--year", "2026-2027", "--as-of", "2027-09-30")
    assert [r["studio"] for r in later] == ["WS-A", "WS-B", "WS-NEW"]


def test_overrides_show_beside_the_status(banner):
    services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=None, rule="T-PLAN",
                             period="2024-2025", status="met", reason="纸本计划已审")
    result = run("--studio", "WS-A", "--year", "2024-2025", "--as-of", "2025-09-30")
    plan = next(i for i in result["team"]["rules"] if i["rule"] == "T-PLAN")
    assert plan["status"] == "not_met"
    assert plan["override"] == {**plan["override"], "status": "met", "reason": "纸本计划已审", "by": "officer"}
    assert "final_verdict" in result["team"]


def test_as_of_defaults_to_today(banner):
    result = run("--studio", "WS-A", "--year", "2024-2025")
    assert result["as_of"] == timezone.localdate().isoformat()


def test_a_year_without_its_own_calendar_row_uses_the_default(banner):
    school_year(2024)
    result = run("--studio", "WS-A", "--year", "2026-2027", "--as-of", "2026-10-01")
    assert result["period"] == {"label": "2026-2027", "start": "2026-09-01", "end": "2027-08-31"}


@pytest.mark.parametrize("args, message", [
    (["--studio", "WS-NONE", "--year", "2024-2025"], "没有编号为“WS-NONE”的工作室"),
    (["--studio", "WS-A", "--year", "2024"], "无法识别"),
    (["--studio", "WS-A", "--year", "2024-2026"], "无法识别"),
    (["--studio", "WS-A", "--year", "2027-2028"], "不在工作室 WS-A 的工作周期内"),
    (["--studio", "WS-A", "--year", "2023-2024", "--cycle"], "不在工作室 WS-A 的工作周期内"),
    (["--all", "--year", "2030-2031"], "没有工作室的工作周期包含"),
    (["--studio", "WS-A", "--year", "2024-2025", "--as-of", "30/09/2025"], "--as-of 日期"),
])
def test_errors_are_clear(banner, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("assess", *args, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_command_line_exits_non_zero_with_the_message_on_stderr(banner):
    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "assess", "--studio", "WS-NONE", "--year", "2024-2025", "--format", "json"])
    assert exited.value.code != 0
    assert out.getvalue() == ""
    assert "没有编号为“WS-NONE”的工作室" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_command_line_exits_zero_on_success(banner):
    out = io.StringIO()
    Command(stdout=out, stderr=io.StringIO()).run_from_argv(
        ["manage.py", "assess", "--all", "--year", "2024-2025", "--as-of", "2025-09-30", "--format", "json"])
    assert len(json.loads(out.getvalue())) == 2


def test_all_writes_each_result_as_the_json_module_would(banner):
    from assessments.management.commands.assess import compact_json

    Work.objects.create(teacher=banner.a.members[0], studio=banner.a.studio, kind="paper", title="论文 \"引号\"\n换行",
                        date=D(2025, 3, 1), char_count=1800, code="W-1")
    out = io.StringIO()
    call_command("assess", "--all", "--year", "2024-2025", "--as-of", "2025-09-30", stdout=out)
    text = out.getvalue()
    results = json.loads(text)
    expected = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in results) + "\n]\n"
    assert text == expected
    # What orjson cannot write (a key that is not a string) goes through json, with the same text.
    odd = {1: D(2025, 1, 2), "rate": 0.3333, "amount": __import__("decimal").Decimal("12.50"), "名": "值"}
    assert compact_json(odd) == json.dumps(odd, ensure_ascii=False, default=str, separators=(",", ":"))
    assert compact_json({"day": D(2025, 1, 2), "rate": 0.5}) == '{"day":"2025-01-02","rate":0.5}'


def test_all_on_workers_writes_the_same_bytes_chunk_by_chunk(banner, monkeypatch):
    from assessments.management.commands import assess

    Work.objects.create(teacher=banner.b.members[0], studio=banner.b.studio, kind="paper", title="论文",
                        date=D(2025, 3, 1), char_count=1800, code="W-2")
    args = ["assess", "--all", "--year", "2024-2025", "--cycle", "--as-of", "2025-09-30"]
    here = io.StringIO()
    call_command(*args, stdout=here)
    # Celery runs eagerly in the tests: the chunks go through the same group and result API a worker would.
    monkeypatch.setattr(assess, "_workers_absent", lambda: False)
    chunked = io.StringIO()
    call_command(*args, "--chunk", "1", "--timeout", "5", stdout=chunked)
    assert len(json.loads(here.getvalue())) == 2
    assert chunked.getvalue() == here.getvalue()


def test_chunks_keep_the_order_of_the_studios():
    from assessments.tasks import chunked

    assert chunked([5, 3, 9, 1, 7], 2) == [[5, 3], [9, 1], [7]]
    assert chunked([], 3) == []


def test_a_recomputation_in_chunks_stores_every_studios_results(banner):
    from assessments.models import AssessmentResult
    from assessments.tasks import refresh_in_chunks

    AssessmentResult.objects.all().delete()
    queued = refresh_in_chunks(studio_ids=[banner.a.studio.pk, banner.b.studio.pk], as_of="2025-09-30", chunk=1)
    assert queued == 2
    stored = set(AssessmentResult.objects.values_list("studio_id", flat=True))
    assert stored == {banner.a.studio.pk, banner.b.studio.pk}

"""Exports: the ledger layout round-trips through the import, queries stay constant, assessment sheets show the
assessment engine's results as an office prints them."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assessments.models import AssessmentSignoff
from assessments.presentation import figures
from assessments.selectors import assessment_results
from excel.exporters import (
    BannerSummaryExporter,
    FullLedgerExporter,
    RosterExporter,
    StudioSheetExporter,
    WorkExporter,
)
from excel.importer import ledger_import
from excel.services import export_render
from records.models import HostEvaluation, Work
from studios.models import SchoolYear, Studio

from .helpers import D, ledger_bytes, sample
from .test_importer import snapshot

AS_OF = datetime.date(2025, 9, 30)


def render(exporter) -> bytes:
    buffer = io.BytesIO()
    export_render(exporter, buffer)
    return buffer.getvalue()


def opened(data: bytes):
    return load_workbook(io.BytesIO(data))


# --- ledger layout ------------------------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(db):
    assert ledger_import(ledger_bytes()).ok
    before = snapshot()
    exported = render(FullLedgerExporter())
    result = ledger_import(exported)
    assert result.ok, [str(e) for e in result.errors]
    assert result.changes == 0
    assert result.counts["成果"].unchanged == 2 and result.counts["任务"].unchanged == 2
    after = snapshot()
    after["core.AuditEntry"] = before["core.AuditEntry"] = None
    assert after == before


def _typed_work(banner):
    return Work.objects.create(teacher=banner.a.members[0], studio=banner.a.studio, kind=Work.Kind.PAPER,
                               title="+网页录入的论文", date=D(2024, 11, 1), char_count=2100,
                               char_count_source=Work.CountSource.MANUAL)


def _exported_and_imported_again_unchanged(banner, ref: str):
    exported = render(FullLedgerExporter())
    ws = opened(exported)["成果"]
    assert [c.value for c in ws[2]][:5] == [ref, banner.a.members[0].code, "WS-A", "论文", "+网页录入的论文"]
    before = snapshot()
    result = ledger_import(exported)
    assert result.ok and result.changes == 0, [str(e) for e in result.errors]
    after = snapshot()
    after["core.AuditEntry"] = before["core.AuditEntry"] = None
    assert after == before


def test_records_typed_in_the_browser_are_exported_by_their_code(banner):
    work = _typed_work(banner)
    assert work.code == f"W{work.pk:05d}"
    _exported_and_imported_again_unchanged(banner, work.code)


def test_records_of_an_older_database_without_a_code_round_trip_by_their_app_number(banner):
    work = _typed_work(banner)
    Work.objects.filter(pk=work.pk).update(code=None)
    _exported_and_imported_again_unchanged(banner, f"#W{work.pk}")


def test_a_ledger_export_has_the_ledgers_sheets_and_headers(db):
    assert ledger_import(ledger_bytes()).ok
    wb = opened(render(RosterExporter()))
    assert wb.sheetnames == ["教师", "工作室", "成员", "荣誉"]
    assert [c.value for c in wb["工作室"][1]] == [
        "工作室编号", "名称", "学科", "学段", "周期开始学年", "主持人教师编号"]
    assert [c.value for c in wb["工作室"][2]] == [
        "WS-10", "张三初中语文名师工作室", "语文", "初中", "2024-2025", "T-101"]


def test_a_studio_ledger_export_holds_only_that_studio(banner):
    Work.objects.create(teacher=banner.b.members[0], studio=banner.b.studio, kind=Work.Kind.PAPER, title="乙",
                        date=D(2024, 11, 1))
    Work.objects.create(teacher=banner.a.members[0], studio=banner.a.studio, kind=Work.Kind.PAPER, title="甲",
                        date=D(2024, 11, 1))
    ws = opened(render(WorkExporter(studio=banner.a.studio)))["成果"]
    assert [row[4] for row in ws.iter_rows(min_row=2, values_only=True)] == ["甲"]


def _grow(copies: int):
    data = sample()
    for number in range(copies):
        data["成果"].append({**data["成果"][0], "成果编号": f"W-X{number}", "标题": f"论文{number}"})
        data["考勤"].append({"活动编号": "A-3", "教师编号": ["T-101", "T-102", "T-103", "T-104"][number % 4],
                           "出勤": "出席"} if number < 4 else data["考勤"][0])
    data["考勤"] = list({(r["活动编号"], r["教师编号"]): r for r in data["考勤"]}.values())
    data["课题"].append({**data["课题"][0], "课题编号": "P-2", "参与人教师编号": "T-104"})
    return data


def test_ledger_exports_take_the_same_queries_whatever_the_number_of_rows(db, django_assert_num_queries):
    assert ledger_import(ledger_bytes()).ok
    with CaptureQueriesContext(connection) as small:
        render(FullLedgerExporter())
    assert ledger_import(ledger_bytes(_grow(30))).ok
    assert Work.objects.count() == 32
    with django_assert_num_queries(len(small.captured_queries)):
        render(FullLedgerExporter())


# --- assessment sheets --------------------------------------------------------------------------------------------


@pytest.fixture
def year(banner):
    return SchoolYear.objects.get(start_year=2024)


def test_the_banner_summary_shows_each_studios_team_results_as_the_engine_computes_them(banner, year):
    results = assessment_results(studios=Studio.objects.all(), school_year=year, kind="annual", as_of=AS_OF)
    wb = opened(render(BannerSummaryExporter(options={"school_year": year, "kind": "annual", "as_of": AS_OF})))
    ws = wb["考核汇总"]
    assert ws["A1"].value.startswith("乌审旗教育体育局") and "2024-2025" in ws["A1"].value
    headers = [c.value for c in ws[3]]
    assert headers[:3] == ["工作室编号", "工作室名称", "主持人"]
    rows = list(ws.iter_rows(min_row=4, max_row=5, values_only=True))
    assert [row[0] for row in rows] == [r["studio"] for r in results] == ["WS-A", "WS-B"]
    expected = {"pass": "合格", "fail": "不合格", "pending": "待定"}
    for row, result in zip(rows, results, strict=True):
        numbers = figures(result["team"])
        assert row[headers.index("团队结论")] == expected[result["team"]["final_verdict"]]
        assert row[headers.index("团队达标率")] == result["team"]["final_compliance_rate"] == numbers.rate
        assert [row[headers.index(h)] for h in ("达标", "进行中", "未达标")] == [
            numbers.met, numbers.pending, numbers.not_met]
        assert row[headers.index("终评等级")].startswith("未签署（建议：")
    parts = [name for name in wb.sheetnames if name.startswith("团队指标")]
    rule_headers = [c.value for name in parts for c in wb[name][3]]
    assert "旗级专题研讨活动\n第一学期" in rule_headers
    status_cell = wb[parts[0]].cell(row=4, column=3)
    assert status_cell.fill.start_color.rgb[-6:] in {"C6EFCE", "FFC7CE", "FFEB9C", "D9D9D9"}
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    assert "图例" in wb.sheetnames


def test_the_banner_summary_shows_the_sign_off_at_its_time_in_beijing(banner, year):
    signed_at = datetime.datetime(2025, 9, 30, 19, 53, tzinfo=datetime.UTC)  # 03:53 the next day in Beijing
    AssessmentSignoff.objects.create(studio=banner.a.studio, school_year=year, kind="annual", result={},
                                     settings_used={}, grade="excellent", signed_by=banner.officer,
                                     signed_at=signed_at)
    ws = opened(render(BannerSummaryExporter(options={"school_year": year, "kind": "annual", "as_of": AS_OF})))[
        "考核汇总"]
    headers = [c.value for c in ws[3]]
    assert ws.cell(row=4, column=headers.index("终评等级") + 1).value == "优秀"
    assert ws.cell(row=4, column=headers.index("签署人") + 1).value == "officer"
    assert ws.cell(row=4, column=headers.index("签署时间") + 1).value == "2025-10-01 03:53"
    assert "北京时间" in ws["A2"].value and "统计截至 2025-09-30" in ws["A2"].value


def test_the_studio_sheet_has_a_row_per_person_with_rules_verdict_and_scores(banner, year):
    member = banner.a.members[0]
    HostEvaluation.objects.create(studio=banner.a.studio, school_year=year, teacher=member, attitude=90,
                                  task_completion=80, research_ability=70, theory=60, teaching=95)
    exporter = StudioSheetExporter(options={"school_year": year, "kind": "annual", "as_of": AS_OF},
                                   studio=banner.a.studio)
    wb = opened(render(exporter))
    ws = wb["成员考核"]
    assert banner.a.studio.name in ws["A1"].value
    headers = [c.value for c in ws[3]]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] and r[0].startswith("T-")]
    assert [r[0] for r in rows] == [banner.a.host.code] + sorted(m.code for m in banner.a.members)
    assert rows[0][2] == "主持人"
    row = next(r for r in rows if r[0] == member.code)
    start = headers.index("工作态度")
    assert list(row[start:start + 5]) == [90, 80, 70, 60, 95]
    assert row[headers.index("结论")] in {"合格", "不合格", "待定"}
    rule_headers = [c.value for name in wb.sheetnames if name.startswith("成员指标") for c in wb[name][3]]
    assert "每学期一篇研究论文\n第二学期" in rule_headers
    assert wb["团队指标"].max_row > 3 and "图例" in wb.sheetnames


def test_the_cycle_studio_sheet_averages_the_scores_of_the_cycle(banner, year):
    member = banner.a.members[0]
    for start_year, score in ((2024, 80), (2025, 90)):
        HostEvaluation.objects.create(studio=banner.a.studio, school_year=SchoolYear.get_or_create_for(start_year),
                                      teacher=member, attitude=score, task_completion=score,
                                      research_ability=score, theory=score, teaching=score)
    exporter = StudioSheetExporter(options={"school_year": year, "kind": "cycle", "as_of": AS_OF},
                                   studio=banner.a.studio)
    ws = opened(render(exporter))["成员考核"]
    headers = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == member.code)
    assert row[headers.index("工作态度\n（周期平均）")] == 85
    assert "周期" in ws["A1"].value


def test_assessment_exports_take_the_same_queries_for_more_studios(banner, year, django_assert_num_queries):
    from studios.tests.factories import make_studio

    options = {"school_year": year, "kind": "annual", "as_of": AS_OF}
    render(BannerSummaryExporter(options=options))  # the first run creates the settings row
    with CaptureQueriesContext(connection) as small:
        render(BannerSummaryExporter(options=options))
    for _index in range(3):
        make_studio(members=4)
    with django_assert_num_queries(len(small.captured_queries)):
        render(BannerSummaryExporter(options=options))


@pytest.mark.parametrize("kind", ["annual", "cycle"])
def test_another_days_results_are_assessed_a_chunk_of_studios_at_a_time_in_code_order(banner, monkeypatch, kind):
    # A region's cycle assessed in one load held 489 MB before the first row was written: the export assesses
    # LIVE_CHUNK studios at a time, and must give exactly what one load gives.
    from excel import selectors as excel_selectors
    from studios.tests.factories import make_studio

    for code in ("WS-0", "WS-C"):
        make_studio(code=code)
    year = SchoolYear.objects.get(start_year=2024)
    day = datetime.date(2025, 6, 30)
    whole = assessment_results(studios=Studio.objects.all(), school_year=year, kind=kind, as_of=day)
    monkeypatch.setattr(excel_selectors, "LIVE_CHUNK", 1)
    chunked = list(excel_selectors.iter_assessment_results(studios=Studio.objects.all(), school_year=year,
                                                           kind=kind, as_of=day))
    assert [r["studio"] for r in chunked] == sorted(r["studio"] for r in whole) == [r["studio"] for r in whole]
    assert chunked == whole

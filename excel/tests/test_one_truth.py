"""Page and paper agree: the studio page and the Excel sheets show the same 达标率 and the same counts of met,
in progress and not met, for the studio's team and for a member, through assessments.presentation."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import RuleOverride
from assessments.presentation import counts_text, figures, rate_text, ratio_text, status_text
from assessments.selectors import studio_assessment
from excel.exporters import BannerSummaryExporter, StudioSheetExporter
from excel.services import export_render
from studios.models import SchoolYear


def _sheet(exporter, name):
    buffer = io.BytesIO()
    export_render(exporter, buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))[name]


def _row(ws, code):
    headers = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == code)
    return dict(zip(headers, row, strict=False))


def _testid(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert match, testid
    return match.group(1).strip().strip("（）")


class _Counts:
    def __init__(self, met, pending, not_met):
        self.met, self.pending, self.not_met = met, pending, not_met


@pytest.fixture
def page_and_sheets(banner, client_for):
    studio = banner.a.studio
    year = SchoolYear.objects.get(start_year=2024)
    result = studio_assessment(studio=studio, school_year=year, kind="cycle")
    # An override makes the final rate differ from the computed one: both must show the final one.
    instance = next(i for i in result["team"]["rules"] if i["status"] != "met")
    RuleOverride.objects.create(studio=studio, cycle_id=result["cycle_id"], teacher=None, rule=instance["rule"],
                                period=instance["period"], status="met", reason="材料补交", created_by=banner.officer,
                                created_at=timezone.now())
    html = client_for(banner.officer).get(reverse("assessments:studio", args=[studio.code]),
                                          {"kind": "cycle", "year": year.label}).content.decode()
    options = {"school_year": year, "kind": "cycle", "as_of": timezone.localdate()}
    summary = _sheet(BannerSummaryExporter(options=options), "考核汇总")
    members = _sheet(StudioSheetExporter(options=options, studio=studio), "成员考核")
    return studio, year, html, summary, members


def test_the_page_and_the_banner_summary_show_the_same_team_rate_and_counts(page_and_sheets):
    studio, year, html, summary, _members = page_and_sheets
    row = _row(summary, studio.code)
    assert _testid(html, "team-rate") == rate_text(row["团队达标率"])
    assert _testid(html, "team-counts") == counts_text(_Counts(row["达标"], row["进行中"], row["未达标"]))
    live = studio_assessment(studio=studio, school_year=year, kind="cycle")
    assert row["团队达标率"] == figures(live["team"]).rate == live["team"]["final_compliance_rate"]


def test_the_page_and_the_studio_sheet_show_the_same_rate_and_counts_for_a_member(page_and_sheets, banner):
    _studio, _year, html, _summary, members = page_and_sheets
    member = banner.a.members[0]
    row = _row(members, member.code)
    section = html[html.index(f'data-testid="person-{member.code}"'):]
    assert _testid(section, "person-rate") == rate_text(row["达标率"])
    assert _testid(section, "person-counts") == counts_text(_Counts(row["达标"], row["进行中"], row["未达标"]))


def test_mid_year_the_counts_beside_the_rate_show_what_is_still_in_progress(page_and_sheets):
    studio, _year, _html, summary, _members = page_and_sheets
    row = _row(summary, studio.code)
    assert row["进行中"] > 0  # the cycle runs on: a low rate here is not a failure
    assert row["达标"] + row["进行中"] + row["未达标"] > 0


def test_actual_comes_before_required_on_the_page_and_on_paper():
    instance = {"rule": "T-SEMINAR", "period": "2024-2025-1", "status": "not_met", "actual": 1, "required": 2.0}
    assert ratio_text(1, 2.0) == "1/2"
    assert status_text(instance) == "未达标（1/2）"


def test_a_rate_is_written_half_up_as_excel_shows_it():
    assert rate_text(0.2308) == "23.1%" and rate_text(0.1235) == "12.4%" and rate_text(None) == "—"

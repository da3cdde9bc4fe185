"""Reads: results with overrides and sign-offs, the person's checklist, the sign-off diff, the overview."""

import datetime

import pytest

from assessments import selectors, services
from assessments.models import RuleSettings
from records.models import Work
from studios.models import Cycle, Membership, Studio
from studios.tests.factories import make_studio, school_year

D = datetime.date
AFTER_YEAR1 = D(2025, 10, 31)
Y2024 = "2024-2025"


@pytest.fixture
def year():
    return school_year(2024)


def paper(teacher, studio, day, chars=2000, **kwargs):
    return Work.objects.create(teacher=teacher, studio=studio, kind="paper", title="论文", date=day,
                               char_count=chars, **kwargs)


def test_results_have_the_spec_shape_with_final_verdicts(banner, year):
    results = selectors.assessment_results(studios=Studio.objects.all(), school_year=year, kind="annual",
                                           as_of=AFTER_YEAR1)
    assert [r["studio"] for r in results] == ["WS-A", "WS-B"]
    result = results[0]
    assert {"studio", "kind", "period", "as_of", "settings", "team", "members"} <= set(result)
    assert result["period"] == {"label": Y2024, "start": "2024-09-01", "end": "2025-08-31"}
    assert result["as_of"] == "2025-10-31"
    assert result["studio_name"] == banner.a.studio.name
    assert result["signoff"] is None
    assert result["cycle_id"] == banner.a.cycle.pk
    assert result["team"]["final_verdict"] == result["team"]["verdict"] == "fail"
    assert [m["role"] for m in result["members"]] == ["host", "member", "member"]
    assert all("final_verdict" in m for m in result["members"])


def test_results_record_the_office_settings(banner, year):
    RuleSettings.objects.update_or_create(pk=1, defaults={"paper_min_chars": 1500})
    result = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    assert result["settings"]["paper_min_chars"] == 1500
    assert result["settings"]["attendance_min_ratio"] == 1.0


def test_overrides_appear_beside_the_computed_status(banner, year):
    member = banner.a.members[0]
    services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=member, rule="I-PAPER",
                             period="2024-2025-1", status="met", reason="论文已在市级刊物发表，纸本已核验")
    result = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    person = next(m for m in result["members"] if m["teacher"] == member.code)
    instance = next(i for i in person["rules"] if i["rule"] == "I-PAPER" and i["period"] == "2024-2025-1")
    assert instance["status"] == "not_met"
    assert instance["override"]["status"] == "met"
    assert instance["override"]["reason"] == "论文已在市级刊物发表，纸本已核验"
    assert instance["override"]["by"] == "officer"
    assert "unmatched_overrides" not in result


def test_an_override_of_another_year_does_not_show_as_unmatched(banner, year):
    services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=None, rule="T-PLAN",
                             period="2025-2026", status="met", reason="纸本计划已审")
    result = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    assert "unmatched_overrides" not in result
    cycle = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="cycle", as_of=AFTER_YEAR1)
    plan = next(i for i in cycle["team"]["rules"] if i["rule"] == "T-PLAN" and i["period"] == "2025-2026")
    assert plan["override"]["status"] == "met"


def test_the_signoff_is_attached_to_its_result(banner, year):
    services.signoff_create(actor=banner.officer, studio=banner.a.studio, school_year=year, kind="annual",
                            grade="fail", comment="", as_of=AFTER_YEAR1)
    results = selectors.assessment_results(studios=Studio.objects.all(), school_year=year, kind="annual",
                                           as_of=AFTER_YEAR1)
    assert results[0]["signoff"]["grade"] == "fail"
    assert results[0]["signoff"]["by"] == "officer"
    assert results[1]["signoff"] is None
    cycle = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="cycle", as_of=AFTER_YEAR1)
    assert cycle["signoff"] is None


def test_studios_whose_cycle_does_not_contain_the_year_are_left_out(banner):
    late = make_studio(code="WS-C", start_year=2027)
    results = selectors.assessment_results(studios=Studio.objects.all(), school_year=school_year(2026),
                                           kind="annual", as_of=AFTER_YEAR1)
    assert [r["studio"] for r in results] == ["WS-A", "WS-B"]
    assert selectors.studio_assessment(studio=late.studio, school_year=school_year(2026), kind="annual") is None


def test_the_cycle_result_lists_all_three_years(banner):
    result = selectors.studio_assessment(studio=banner.a.studio, school_year=school_year(2025), kind="cycle",
                                         as_of=AFTER_YEAR1)
    assert result["kind"] == "cycle"
    assert result["period"] == {"label": "cycle", "start": "2024-09-01", "end": "2027-08-31"}
    periods = {i["period"] for i in result["team"]["rules"]}
    assert {"2024-2025-1", "2025-2026-2", "2026-2027", "cycle"} <= periods


def test_kind_must_be_annual_or_cycle(banner, year):
    with pytest.raises(ValueError):
        selectors.assessment_results(studios=Studio.objects.all(), school_year=year, kind="weekly")


# --- checklist --------------------------------------------------------------------------------------------


def _items(checklist):
    return {(item["rule"], item["period"]): item for item in checklist[0]["items"]}


def test_the_checklist_says_what_is_missing_and_the_days_left(banner):
    member = banner.a.members[0]
    checklist = selectors.person_checklist(teacher=member, as_of=D(2024, 12, 9))
    assert [c["studio"] for c in checklist] == ["WS-A"]
    assert checklist[0]["semester"]["label"] == "2024-2025-1"
    items = _items(checklist)
    paper_item = items[("I-PAPER", "2024-2025-1")]
    assert paper_item["status"] == "pending"
    assert paper_item["missing"] == "还差 1 篇论文（≥1800字），本学期剩 53 天"
    assert paper_item["days_left"] == 53
    assert paper_item["title"] == "每学期一篇研究论文"
    assert ("I-PAPER", "2024-2025-2") not in items  # another semester
    assert ("I-DEV-PLAN", "cycle") in items
    assert items[("I-REFLECTION", Y2024)]["missing"].endswith("本学年剩 265 天")
    assert not any(item["scope"] == "team" for item in checklist[0]["items"])


def test_the_checklist_changes_when_the_missing_paper_is_recorded(banner):
    member = banner.a.members[0]
    paper(member, banner.a.studio, D(2024, 12, 1))
    item = _items(selectors.person_checklist(teacher=member, as_of=D(2024, 12, 9)))[("I-PAPER", "2024-2025-1")]
    assert item["status"] == "met"
    assert item["missing"] == ""
    assert item["evidence"]


def test_a_host_sees_the_team_rules_and_only_rules_that_apply(banner):
    checklist = selectors.person_checklist(teacher=banner.a.host, as_of=D(2024, 12, 9))
    items = _items(checklist)
    assert checklist[0]["role"] == "host"
    assert items[("T-SEMINAR", "2024-2025-1")]["scope"] == "team"
    assert ("I-PAPER", "2024-2025-1") not in items  # not ✱: the host is exempt
    assert ("I-MENTOR", "cycle") in items
    assert all(item["status"] != "not_applicable" for item in checklist[0]["items"])


def test_the_checklist_covers_each_current_studio_and_skips_former_ones(banner):
    member = banner.a.members[0]
    Membership.objects.create(studio=banner.b.studio, teacher=member, role="member", joined_on=D(2024, 9, 1),
                              left_on=D(2024, 10, 1))
    assert [c["studio"] for c in selectors.person_checklist(teacher=member, as_of=D(2024, 12, 9))] == ["WS-A"]
    assert selectors.person_checklist(teacher=banner.outsider, as_of=D(2024, 12, 9)) == []


def test_the_checklist_shows_an_override(banner):
    member = banner.a.members[0]
    services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=member, rule="I-PAPER",
                             period="2024-2025-1", status="met", reason="病假，经研究中心同意免交")
    item = _items(selectors.person_checklist(teacher=member, as_of=D(2024, 12, 9)))[("I-PAPER", "2024-2025-1")]
    assert item["status"] == "met" and item["computed_status"] == "pending"
    assert item["missing"] == ""


def test_no_checklist_outside_a_cycle(banner):
    assert selectors.person_checklist(teacher=banner.a.members[0], as_of=D(2030, 1, 1)) == []


# --- sign-off diff ----------------------------------------------------------------------------------------


def test_the_diff_is_empty_when_nothing_changed(banner, year):
    signoff = services.signoff_create(actor=banner.officer, studio=banner.a.studio, school_year=year,
                                      kind="annual", grade="fail", as_of=AFTER_YEAR1)
    live = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    assert selectors.signoff_diff(signoff, live) == []


def test_the_diff_names_instances_and_verdicts_that_changed(banner, year):
    member = banner.a.members[0]
    signoff = services.signoff_create(actor=banner.officer, studio=banner.a.studio, school_year=year,
                                      kind="annual", grade="fail", as_of=AFTER_YEAR1)
    paper(member, banner.a.studio, D(2024, 10, 1))
    services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=None, rule="T-PLAN",
                             period=Y2024, status="met", reason="纸本已审")
    live = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    changes = selectors.signoff_diff(signoff, live)
    assert {"change": "status", "teacher": member.code, "name": member.name, "rule": "I-PAPER",
            "title": "每学期一篇研究论文", "period": "2024-2025-1", "before": "not_met", "after": "met"} in changes
    assert any(c["change"] == "status" and c["rule"] == "T-PLAN" and c["teacher"] is None for c in changes)


def test_the_diff_names_people_who_joined_after_signoff(banner, year):
    signoff = services.signoff_create(actor=banner.officer, studio=banner.a.studio, school_year=year,
                                      kind="annual", grade="fail", as_of=AFTER_YEAR1)
    Membership.objects.create(studio=banner.a.studio, teacher=banner.outsider, role="member",
                              joined_on=D(2025, 3, 1))
    live = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    changes = selectors.signoff_diff(signoff.result, live)
    assert [c["change"] for c in changes] == ["member_added"]
    assert changes[0]["teacher"] == banner.outsider.code


def test_the_diff_reports_a_verdict_change():
    def result(status):
        return {"team": {"verdict": "pass", "rules": []},
                "members": [{"teacher": "T-1", "name": "甲", "verdict": "pass" if status == "met" else "fail",
                             "rules": [{"rule": "I-PAPER", "period": "2024-2025-1", "status": status}]}]}

    changes = selectors.signoff_diff(result("met"), result("not_met"))
    assert [c["change"] for c in changes] == ["member_verdict", "status"]
    assert changes[0]["before"] == "pass" and changes[0]["after"] == "fail"


# --- overview ---------------------------------------------------------------------------------------------


def test_the_overview_matrix_ranks_studios_and_summarises_rules(banner, year):
    for member in banner.b.members:
        paper(member, banner.b.studio, D(2024, 10, 1))
        paper(member, banner.b.studio, D(2025, 3, 1))
    make_studio(code="WS-LATE", start_year=2027)
    matrix = selectors.overview_matrix(school_year=year, kind="annual", as_of=AFTER_YEAR1)
    assert [row["studio"] for row in matrix["rows"]] == ["WS-B", "WS-A"]
    assert matrix["rows"][0]["compliance_rate"] > matrix["rows"][1]["compliance_rate"]
    assert [r["id"] for r in matrix["rules"]][:2] == ["T-RESEARCH", "T-YOUNG-BACKBONE"]
    cell = matrix["rows"][0]["cells"]["I-PAPER"]
    assert cell["status"] == "met" and cell["met"] == 4 and cell["applicable"] == 4 and cell["rate"] == 1.0
    assert matrix["rows"][1]["cells"]["I-PAPER"]["status"] == "not_met"
    paper_rule = next(r for r in matrix["by_rule"] if r["rule"] == "I-PAPER")
    assert paper_rule["met"] == 4 and paper_rule["applicable"] == 8 and paper_rule["rate"] == 0.5
    assert [t["period"] for t in matrix["trend"]] == ["2024-2025-1", "2024-2025-2"]
    assert matrix["periods"] == ["2024-2025-1", "2024-2025-2", Y2024]
    assert matrix["totals"]["studios"] == 2 and matrix["totals"]["fail"] == 2
    assert [s["studio"] for s in matrix["by_studio"]] == ["WS-B", "WS-A"]
    cycle_rule = next(r for r in matrix["rules"] if r["id"] == "T-RESEARCH")
    assert cycle_rule["counts"] is False


def test_the_overview_of_a_cycle_trends_over_six_semesters(banner, year):
    matrix = selectors.overview_matrix(school_year=year, kind="cycle", as_of=D(2027, 12, 31))
    assert len(matrix["trend"]) == 6
    assert all(rule["counts"] for rule in matrix["rules"])


def test_the_overview_with_no_studio_in_the_year_is_empty(banner):
    matrix = selectors.overview_matrix(school_year=school_year(2030), kind="annual")
    assert matrix["rows"] == [] and matrix["totals"]["studios"] == 0 and matrix["trend"] == []


def test_settings_history_lists_changes_newest_first(banner):
    services.rule_settings_update(actor=banner.officer, paper_min_chars=1700, reason="首次调整")
    services.rule_settings_update(actor=banner.officer, paper_min_chars=1600, reason="再次调整")
    history = selectors.rule_settings_history()
    assert [entry.comment for entry in history] == ["再次调整", "首次调整"]


def test_a_dissolved_cycle_is_still_assessed_for_its_years(banner, year):
    Cycle.objects.filter(pk=banner.a.cycle.pk).update(status=Cycle.Status.DISSOLVED)
    result = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    assert result["cycle_status"] == "dissolved"


def test_studio_checklists_cover_everyone_active_host_first(banner):
    checklists = selectors.studio_checklists(studios=Studio.objects.all(), as_of=D(2024, 12, 9))
    people = checklists[banner.a.studio.pk]
    assert [c["teacher"] for c in people] == [banner.a.host.code] + sorted(m.code for m in banner.a.members)
    assert people[0]["role"] == "host" and any(i["scope"] == "team" for i in people[0]["items"])
    single = selectors.person_checklist(teacher=banner.a.members[0], as_of=D(2024, 12, 9))[0]
    assert people[1] == single if people[1]["teacher"] == banner.a.members[0].code else people[2] == single


def test_without_overrides_the_final_verdicts_are_the_computed_ones(banner, year):
    from assessments.engine import apply_overrides, assess
    from assessments.loader import load_evidence

    evidence = load_evidence(studios=[banner.a.studio], year=2024)[banner.a.studio.pk]
    computed = assess(evidence, "annual", AFTER_YEAR1, year=Y2024)
    expected = apply_overrides(computed, [])
    assert selectors._with_overrides(computed, []) == expected


def test_recent_overview_is_computed_once_a_minute_for_busy_pages(banner, settings, django_assert_num_queries):
    from assessments.selectors import overview_matrix, overview_matrix_recent
    from studios.models import SchoolYear

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "overview-cache-test"}}
    settings.ASSESSMENT_PANEL_CACHE_SECONDS = 60
    year = SchoolYear.get_or_create_for(2025)
    first = overview_matrix_recent(school_year=year, kind="annual")
    with django_assert_num_queries(0):
        again = overview_matrix_recent(school_year=year, kind="annual")
    assert again == first == overview_matrix(school_year=year, kind="annual")

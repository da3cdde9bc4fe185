"""The assessment pages: who may see what, the sign-off and override flows, the overview and the checklist."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentSignoff, RuleOverride, RuleSettings
from core.models import AuditEntry
from records.models import Work
from studios.tests.factories import make_studio

YEAR = "2024-2025"  # the banner's first cycle year; it has ended, so it can be signed off
QUERY = {"kind": "annual", "year": YEAR}

VIEWERS = ["member_a", "host_a", "officer"]
# 三员分立: the administrators see no studio's assessment; the system administrator keeps the rule settings.
OUTSIDERS = ["member_b", "host_b", "admin", "security_admin", "audit_admin"]
OFFICE = ["officer"]
TEACHERS = ["member_a", "host_a", "member_b", "host_b"]


def studio_url(banner, name="studio"):
    return reverse(f"assessments:{name}", args=[banner.a.studio.code])


def paper(teacher, studio, day, chars=2000, **extra):
    return Work.objects.create(teacher=teacher, studio=studio, kind=Work.Kind.PAPER, title="论文", date=day,
                               char_count=chars, char_count_source=Work.CountSource.FILE, **extra)


# --- permissions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["overview", "settings"])
def test_office_pages_send_anonymous_to_login(banner, client_for, name):
    response = client_for(None).get(reverse(f"assessments:{name}"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", TEACHERS)
@pytest.mark.parametrize("name", ["overview", "settings"])
def test_office_pages_forbid_teachers(banner, client_for, role, name):
    assert client_for(banner.users[role]).get(reverse(f"assessments:{name}")).status_code == 403


@pytest.mark.parametrize("role", OFFICE)
@pytest.mark.parametrize("name", ["overview", "settings"])
def test_office_pages_open_to_the_office(banner, client_for, role, name):
    assert client_for(banner.users[role]).get(reverse(f"assessments:{name}")).status_code == 200


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("security_admin", 403), ("audit_admin", 403)])
def test_the_rule_settings_are_the_system_administrators_too_but_not_the_overview(banner, client_for, role,
                                                                                   expected):
    client = client_for(banner.users[role])
    assert client.get(reverse("assessments:settings")).status_code == expected
    assert client.get(reverse("assessments:overview")).status_code == 403


def test_studio_assessment_sends_anonymous_to_login(banner, client_for):
    response = client_for(None).get(studio_url(banner), QUERY)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", VIEWERS)
def test_studio_assessment_is_visible_to_the_studio_and_the_office(banner, client_for, role):
    response = client_for(banner.users[role]).get(studio_url(banner), QUERY)
    assert response.status_code == 200
    assert 'data-testid="team-rules"' in response.content.decode()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_studio_assessment_of_another_studio_is_not_found(banner, client_for, role):
    assert client_for(banner.users[role]).get(studio_url(banner), QUERY).status_code == 404


def test_a_member_sees_the_team_and_only_their_own_row(banner, client_for):
    me, other = banner.a.members
    page = client_for(me.user).get(studio_url(banner), QUERY).content.decode()
    assert f'data-testid="person-{me.code}"' in page
    assert f'data-testid="person-{other.code}"' not in page
    assert f'data-testid="person-{banner.a.host.code}"' not in page
    assert "/override/" not in page


def test_the_host_sees_every_row_but_no_office_actions(banner, client_for):
    page = client_for(banner.a.host.user).get(studio_url(banner), QUERY).content.decode()
    for teacher in [banner.a.host, *banner.a.members]:
        assert f'data-testid="person-{teacher.code}"' in page
    assert "/override/" not in page
    assert reverse("assessments:signoff", args=[banner.a.studio.code]) not in page


def test_a_year_outside_the_studios_cycles_falls_back_to_the_current_one(banner, client_for):
    response = client_for(banner.officer).get(studio_url(banner), {"kind": "annual", "year": "2001-2002"})
    assert response.status_code == 200
    assert "请从列出的学年中选择" in response.content.decode()


@pytest.mark.parametrize("role", TEACHERS)
@pytest.mark.parametrize("name", ["signoff", "override"])
def test_office_actions_forbid_teachers(banner, client_for, role, name):
    user = banner.users[role]
    params = {**QUERY, "rule": "T-PLAN", "period": YEAR, "teacher": ""}
    assert client_for(user).get(studio_url(banner, name), params).status_code == 403
    assert client_for(user).post(studio_url(banner, name), {**params, "grade": "pass", "status": "met",
                                                              "reason": "x"}).status_code == 403
    assert not AssessmentSignoff.objects.exists()
    assert not RuleOverride.objects.exists()


def test_office_actions_send_anonymous_to_login(banner, client_for):
    for name in ["signoff", "override"]:
        response = client_for(None).post(studio_url(banner, name), QUERY)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_override_withdrawal_forbids_teachers(banner, client_for):
    override = make_override(banner)
    url = reverse("assessments:override_delete", args=[banner.a.studio.code, override.pk])
    for role in TEACHERS:
        assert client_for(banner.users[role]).post(url, {"reason": "x"}).status_code == 403
    assert RuleOverride.objects.filter(pk=override.pk).exists()


# --- the studio page ------------------------------------------------------------------------------------------


def test_the_page_links_the_evidence_that_counted_and_says_why_the_rest_did_not(banner, client_for):
    member = banner.a.members[0]
    counted = paper(member, banner.a.studio, datetime.date(2024, 10, 10))
    short = paper(member, banner.a.studio, datetime.date(2024, 10, 11), chars=1799)
    page = client_for(banner.officer).get(studio_url(banner), QUERY).content.decode()
    # The record is named by its title, its code beside it for those who keep the ledger.
    assert f'href="{reverse("records:work", args=[counted.pk])}" title="{counted.ref}">{counted.title}</a>' in page
    assert f"{short.ref} 字数不足（1799/1800）" in page


def test_the_page_shows_the_settings_the_result_used(banner, client_for):
    RuleSettings.objects.update_or_create(pk=1, defaults={"paper_min_chars": 1500})
    page = client_for(banner.a.host.user).get(studio_url(banner), QUERY).content.decode()
    assert "研究论文最低字数：<strong>1500</strong>" in page


def test_a_cycle_result_offers_renewal_dissolution_and_removal_to_the_office(banner, client_for):
    cycle = banner.a.cycle
    page = client_for(banner.officer).get(studio_url(banner), {"kind": "cycle", "year": YEAR}).content.decode()
    assert reverse("studios:cycle_renew", args=[banner.a.studio.code, cycle.pk]) in page
    assert reverse("studios:cycle_dissolve", args=[banner.a.studio.code, cycle.pk]) in page
    membership = banner.a.studio.memberships.get(teacher=banner.a.members[0])
    assert reverse("studios:membership_leave", args=[banner.a.studio.code, membership.pk]) in page


def test_the_host_gets_no_cycle_decisions(banner, client_for):
    page = client_for(banner.a.host.user).get(studio_url(banner), {"kind": "cycle", "year": YEAR}).content.decode()
    assert "/renew/" not in page
    assert "/leave/" not in page


# --- sign-off -------------------------------------------------------------------------------------------------


def test_the_signoff_form_shows_each_person_with_the_computed_verdict(banner, client_for):
    response = client_for(banner.officer).get(studio_url(banner, "signoff"), QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    for teacher in [banner.a.host, *banner.a.members]:
        assert f'name="person_{teacher.code}"' in page


def signoff_data(banner, grade="fail", comment="", person="fail"):
    data = {**QUERY, "grade": grade, "comment": comment}
    for teacher in [banner.a.host, *banner.a.members]:
        data[f"person_{teacher.code}"] = person
    return data


def test_signing_off_stores_the_grades_and_says_so_on_the_page(banner, client_for):
    client = client_for(banner.officer)
    response = client.post(studio_url(banner, "signoff"), signoff_data(banner, comment="记录不全"))
    assert response.status_code == 302
    signoff = AssessmentSignoff.objects.get()
    assert signoff.grade == "fail"
    assert signoff.person_grades[banner.a.members[0].code] == "fail"
    assert AuditEntry.objects.filter(action="assessment.signoff").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="signoff-grade">不合格<' in page
    assert 'data-testid="signoff-diff"' not in page


def test_a_grade_departing_from_the_verdict_without_a_comment_is_refused_in_chinese(banner, client_for):
    response = client_for(banner.officer).post(studio_url(banner, "signoff"),
                                               signoff_data(banner, grade="excellent"))
    assert response.status_code == 200
    assert "请填写意见说明理由" in response.content.decode()
    assert not AssessmentSignoff.objects.exists()


def test_a_signoff_with_a_missing_grade_is_refused_in_chinese(banner, client_for):
    data = signoff_data(banner, comment="x")
    del data[f"person_{banner.a.members[0].code}"]
    response = client_for(banner.officer).post(studio_url(banner, "signoff"), data)
    assert response.status_code == 200
    assert f"请为{banner.a.members[0].name}选择等次" in response.content.decode()
    assert not AssessmentSignoff.objects.exists()


def test_the_signoff_form_preselects_no_grade(banner, client_for):
    page = client_for(banner.officer).get(studio_url(banner, "signoff"), QUERY).content.decode()
    assert "— 请选择等次 —" in page
    form = page.split('data-testid="signoff-form"', 1)[1].split("</form>", 1)[0]
    assert form.count(" selected>") == form.count('<option value="" selected>') == len(banner.a.members) + 2
    assert 'data-testid="signoff-early"' not in page


CURRENT = {"kind": "annual", "year": "2026-2027"}


def test_a_period_still_running_is_offered_only_as_an_early_signoff_that_needs_a_reason(banner, client_for):
    from studios.tests.factories import school_year

    client = client_for(banner.officer)
    with mock.patch("assessments.views.studio.today", return_value=datetime.date(2027, 3, 1)), \
            mock.patch("assessments.services.timezone.localdate", return_value=datetime.date(2027, 3, 1)):
        school_year(2026)
        page = client.get(studio_url(banner), CURRENT).content.decode()
        assert 'data-testid="signoff-early-link"' in page and "提前签署（须说明理由）" in page
        form = client.get(studio_url(banner, "signoff"), CURRENT).content.decode()
        assert 'data-testid="signoff-early"' in form and "2027-08-31" in form
        data = {**signoff_data(banner, comment="按上级要求"), **CURRENT}
        refused = client.post(studio_url(banner, "signoff"), data)
        assert refused.status_code == 200 and "请说明提前签署的理由" in refused.content.decode()
        assert not AssessmentSignoff.objects.exists()
        signed = client.post(studio_url(banner, "signoff"), {**data, "early_reason": "教研员调任，需提前完成考核"})
    assert signed.status_code == 302
    signoff = AssessmentSignoff.objects.get()
    assert "教研员调任，需提前完成考核" in signoff.comment
    entry = AuditEntry.objects.get(action="assessment.signoff")
    assert entry.data["early_reason"] == "教研员调任，需提前完成考核"


def test_the_service_refuses_an_early_signoff_without_a_reason(banner):
    from assessments import services
    from core.services import DomainError
    from studios.tests.factories import school_year

    with pytest.raises(DomainError, match="请说明理由|state the reason"):
        services.signoff_create(actor=banner.officer, studio=banner.a.studio, school_year=school_year(2026),
                                kind="annual", grade="pass", as_of=datetime.date(2027, 3, 1))


def test_records_changed_after_signoff_show_a_banner_with_the_difference(banner, client_for):
    client = client_for(banner.officer)
    client.post(studio_url(banner, "signoff"), signoff_data(banner, comment="记录不全"))
    member = banner.a.members[0]
    paper(member, banner.a.studio, datetime.date(2024, 10, 10))
    page = client.get(studio_url(banner), QUERY).content.decode()
    assert 'data-testid="signoff-diff"' in page
    assert "签批后记录有变化" in page
    assert f"{member.name} · 每学期一篇研究论文（2024-2025 第一学期）：未达标 → 达标" in page


# --- overrides ------------------------------------------------------------------------------------------------


def override_params(banner, **extra):
    return {**QUERY, "teacher": banner.a.members[0].code, "rule": "I-PAPER", "period": f"{YEAR}-1", **extra}


def make_override(banner):
    from assessments import services

    return services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=banner.a.members[0],
                                    rule="I-PAPER", period=f"{YEAR}-1", status="met", reason="纸质稿已核")


def test_the_override_page_shows_the_instance_and_asks_for_a_reason(banner, client_for):
    response = client_for(banner.officer).get(studio_url(banner, "override"), override_params(banner))
    assert response.status_code == 200
    page = response.content.decode()
    assert "每学期一篇研究论文" in page
    assert 'name="reason"' in page
    assert not RuleOverride.objects.exists()
    # The person is named (it once read 「content（）」: a variable called "block" is Django's {% block %}).
    assert banner.a.members[0].name in page and "content（" not in page


def test_an_override_without_a_reason_is_refused_in_chinese_and_nothing_changes(banner, client_for):
    response = client_for(banner.officer).post(studio_url(banner, "override"),
                                               override_params(banner, status="met", reason="   "))
    assert response.status_code == 200
    assert "请填写调整理由" in response.content.decode()
    assert not RuleOverride.objects.exists()


def test_an_override_of_an_unknown_instance_is_not_found(banner, client_for):
    client = client_for(banner.officer)
    bad = [override_params(banner, rule="I-NOPE"), override_params(banner, period="2030-2031-1"),
           override_params(banner, teacher=banner.b.members[0].code), override_params(banner, year="1999-2000")]
    for params in bad:
        assert client.post(studio_url(banner, "override"), {**params, "status": "met", "reason": "x"}).status_code \
            == 404
    assert not RuleOverride.objects.exists()


def test_an_override_is_recorded_and_shown_beside_the_computed_status(banner, client_for):
    client = client_for(banner.officer)
    response = client.post(studio_url(banner, "override"), override_params(banner, status="met", reason="纸质稿已核"))
    assert response.status_code == 302
    override = RuleOverride.objects.get()
    assert (override.status, override.reason, override.created_by) == ("met", "纸质稿已核", banner.officer)
    assert AuditEntry.objects.filter(action="assessment.override", comment="纸质稿已核").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="override"' in page
    assert "纸质稿已核" in page


def test_a_team_override_needs_no_teacher(banner, client_for):
    response = client_for(banner.officer).post(studio_url(banner, "override"), {
        **QUERY, "teacher": "", "rule": "T-PLAN", "period": YEAR, "status": "met", "reason": "纸质计划已审"})
    assert response.status_code == 302
    assert RuleOverride.objects.get().teacher is None


def test_withdrawing_an_override_needs_a_reason(banner, client_for):
    override = make_override(banner)
    url = reverse("assessments:override_delete", args=[banner.a.studio.code, override.pk])
    client = client_for(banner.officer)
    assert client.get(url, QUERY).status_code == 200
    response = client.post(url, {**QUERY, "reason": ""})
    assert response.status_code == 200
    assert "请填写撤销理由" in response.content.decode()
    assert RuleOverride.objects.filter(pk=override.pk).exists()
    assert client.post(url, {**QUERY, "reason": "核查有误"}).status_code == 302
    assert not RuleOverride.objects.exists()


def test_an_override_of_another_studio_is_not_found(banner, client_for):
    override = make_override(banner)
    url = reverse("assessments:override_delete", args=[banner.b.studio.code, override.pk])
    assert client_for(banner.officer).post(url, {"reason": "x"}).status_code == 404


# --- overview -------------------------------------------------------------------------------------------------


def test_the_overview_lists_studios_worst_first_with_not_met_counts(banner, client_for):
    member = banner.a.members[0]
    for day in (datetime.date(2024, 10, 10), datetime.date(2025, 3, 10)):
        paper(member, banner.a.studio, day)
    page = client_for(banner.officer).get(reverse("assessments:overview"), QUERY).content.decode()
    assert page.index('data-studio="WS-B"') < page.index('data-studio="WS-A"')
    assert 'data-testid="matrix"' in page
    assert 'id="overview-charts"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page.replace('<script id="overview-charts" type="application/json">', "")


def test_the_overview_sorts_by_code_when_asked(banner, client_for):
    paper(banner.a.members[0], banner.a.studio, datetime.date(2024, 10, 10))
    page = client_for(banner.officer).get(reverse("assessments:overview"), {**QUERY, "sort": "code"}).content.decode()
    assert page.index('data-studio="WS-A"') < page.index('data-studio="WS-B"')


def _queries_of(client, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # the stored results of the new studios are computed on this first visit
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured.captured_queries)


@pytest.mark.parametrize("params", [QUERY, {"kind": "cycle", "year": "2024-2025"},
                                    {**QUERY, "behind": "1", "sort": "not_met"}])
def test_the_overview_query_count_is_the_same_for_3_and_12_studios(banner, client_for, params):
    client = client_for(banner.officer)
    url = reverse("assessments:overview")
    make_studio(start_year=2024, members=3)
    three = _queries_of(client, url, params)
    for _index in range(9):
        make_studio(start_year=2024, members=3)
    assert _queries_of(client, url, params) == three


def test_the_office_home_query_count_is_the_same_for_3_and_12_studios(banner, client_for):
    client = client_for(banner.officer)
    url = reverse("home")
    make_studio(start_year=2024, members=3)
    three = _queries_of(client, url, {})
    for _index in range(9):
        make_studio(start_year=2024, members=3)
    assert _queries_of(client, url, {}) == three


# --- settings -------------------------------------------------------------------------------------------------


def test_changing_a_setting_is_recorded_and_listed(banner, client_for):
    client = client_for(banner.officer)
    data = {**RuleSettings.current().as_dict(), "paper_min_chars": 2000, "reason": "按新文件"}
    response = client.post(reverse("assessments:settings"), data)
    assert response.status_code == 302
    assert RuleSettings.current().paper_min_chars == 2000
    page = client.get(reverse("assessments:settings")).content.decode()
    assert "1800 → <strong>2000</strong>" in page
    assert "按新文件" in page


def test_a_bad_setting_is_refused_in_chinese_and_nothing_changes(banner, client_for):
    data = {**RuleSettings.current().as_dict(), "young_max_age": 5}
    response = client_for(banner.officer).post(reverse("assessments:settings"), data)
    assert response.status_code == 200
    assert "必须在" in response.content.decode()
    assert RuleSettings.current().young_max_age == 35
    assert not AuditEntry.objects.filter(action="rule_settings.update").exists()


def test_teachers_cannot_change_settings(banner, client_for):
    data = {**RuleSettings.current().as_dict(), "paper_min_chars": 10}
    assert client_for(banner.a.host.user).post(reverse("assessments:settings"), data).status_code == 403
    assert RuleSettings.current().paper_min_chars == 1800


# --- the checklist panel --------------------------------------------------------------------------------------


@pytest.fixture
def current_studio(db):
    """A studio whose cycle began this school year, so that the checklist has a current semester."""
    day = timezone.localdate()
    return make_studio(code="WS-NOW", start_year=day.year if day.month >= 9 else day.year - 1, members=1)


def test_the_checklist_shows_a_members_missing_paper_and_a_link_to_record_it(current_studio, client_for):
    member = current_studio.members[0]
    page = client_for(member.user).get(reverse("home")).content.decode()
    assert 'data-testid="panel-checklist"' in page
    assert 'data-rule="I-PAPER"' in page
    assert "还差 1 篇论文" in page
    assert reverse("records:work_create") + "?kind=paper" in page
    assert 'data-testid="checklist-team"' not in page


def test_the_checklist_shows_a_recorded_paper_as_met(current_studio, client_for):
    member = current_studio.members[0]
    paper(member, current_studio.studio, timezone.localdate())
    page = client_for(member.user).get(reverse("home")).content.decode()
    start = page.index('data-rule="I-PAPER"')
    assert 'data-status="met"' in page[start:start + 200]


def test_the_host_also_sees_the_team_rules(current_studio, client_for):
    page = client_for(current_studio.host.user).get(reverse("home")).content.decode()
    assert 'data-testid="checklist-team"' in page
    assert 'data-rule="T-SEMINAR"' in page
    assert 'data-rule="I-PAPER"' not in page  # the host is not asked for papers


def test_the_office_and_teachers_in_no_studio_get_no_checklist(banner, client_for):
    assert 'panel-checklist' not in client_for(banner.officer).get(reverse("home")).content.decode()
    assert 'panel-checklist' not in client_for(banner.outsider.user).get(reverse("home")).content.decode()


def test_my_assessment_page_shows_the_checklist(current_studio, client_for):
    response = client_for(current_studio.members[0].user).get(reverse("assessments:mine"))
    assert response.status_code == 200
    assert 'data-rule="I-PAPER"' in response.content.decode()


def test_nav_shows_the_overview_to_the_office_and_my_assessment_to_members(banner, client_for):
    office_page = client_for(banner.officer).get(reverse("home")).content.decode()
    member_page = client_for(banner.a.members[0].user).get(reverse("home")).content.decode()
    overview_link = f'href="{reverse("assessments:overview")}"'
    assert overview_link in office_page
    assert overview_link not in member_page
    assert f'href="{reverse("assessments:mine")}"' in member_page


def test_the_studio_page_links_its_assessment_for_members_and_the_office(banner, client_for):
    link = f'href="{studio_url(banner)}"'
    detail = reverse("studios:detail", args=[banner.a.studio.code])
    for role in ["member_a", "host_a", "officer"]:
        assert link in client_for(banner.users[role]).get(detail).content.decode()


def test_office_home_names_the_studios_behind_and_the_rules(banner, client_for):
    from django.urls import reverse

    page = client_for(banner.officer).get(reverse("home")).content.decode()
    assert 'data-testid="panel-behind"' in page
    assert banner.a.studio.name in page and banner.b.studio.name in page
    teacher_page = client_for(banner.users["host_a"]).get(reverse("home")).content.decode()
    assert 'data-testid="panel-behind"' not in teacher_page


def test_assessment_pages_offer_their_excel_sheets(banner, client_for):
    import io

    import openpyxl
    from django.urls import reverse

    office = client_for(banner.officer)
    overview = office.get(reverse("assessments:overview"), {"kind": "annual", "year": "2024-2025"}).content.decode()
    assert 'data-testid="export-summary"' in overview and 'name="school_year" value="2024"' in overview
    response = office.post(reverse("excel:export", args=["banner_summary"]), {"school_year": "2024", "kind": "annual"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert banner.a.studio.name in [cell.value for row in workbook.worksheets[0].iter_rows() for cell in row]

    host_page = client_for(banner.users["host_a"]).get(reverse("assessments:studio", args=["WS-A"])).content.decode()
    assert 'data-testid="export-studio-sheet"' in host_page
    member_page = client_for(banner.users["member_a"]).get(reverse("assessments:studio", args=["WS-A"]))
    assert 'data-testid="export-studio-sheet"' not in member_page.content.decode()

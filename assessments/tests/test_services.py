"""Sign-off, overrides and rule settings: good input is stored and audited; bad input changes nothing."""

import datetime

import pytest

from assessments import services
from assessments.models import AssessmentSignoff, RuleOverride, RuleSettings
from core.models import AuditEntry
from core.services import DomainError
from records.models import Work
from studios.models import SchoolYear
from studios.tests.factories import school_year

D = datetime.date
AFTER_YEAR1 = D(2025, 10, 31)
AFTER_CYCLE = D(2027, 12, 31)


@pytest.fixture
def year():
    return school_year(2024)


def sign(banner, year, **kwargs):
    values = {"actor": banner.officer, "studio": banner.a.studio, "school_year": year, "kind": "annual",
              "grade": "fail", "comment": "", "person_grades": {}, "as_of": AFTER_YEAR1}
    values.update(kwargs)
    return services.signoff_create(**values)


# --- sign-off ---------------------------------------------------------------------------------------------


def test_signoff_stores_the_computed_result_and_settings_and_is_audited(banner, year):
    signoff = sign(banner, year, grade="fail", person_grades={banner.a.members[0].code: "fail"})
    assert signoff.grade == AssessmentSignoff.Grade.FAIL
    assert signoff.result["studio"] == "WS-A"
    assert signoff.result["team"]["final_verdict"] == "fail"
    assert "signoff" not in signoff.result
    assert signoff.settings_used == signoff.result["settings"]
    assert signoff.settings_used["paper_min_chars"] == 1800
    assert signoff.signed_by == banner.officer and signoff.signed_at is not None
    assert signoff.person_grades == {banner.a.members[0].code: "fail"}
    entry = AuditEntry.objects.get(action="assessment.signoff")
    assert entry.actor == banner.officer and entry.to_state == "fail" and entry.studio == banner.a.studio
    assert entry.data["computed"] == "fail"


def test_a_grade_against_the_computed_verdict_needs_a_comment(banner, year):
    with pytest.raises(DomainError):
        sign(banner, year, grade="excellent")
    with pytest.raises(DomainError):
        sign(banner, year, grade="pass", comment="   ")
    assert not AssessmentSignoff.objects.exists()
    signoff = sign(banner, year, grade="excellent", comment="课题获自治区级一等奖，经领导小组研究定为优秀")
    assert signoff.grade == "excellent"


def test_a_person_grade_against_their_verdict_needs_a_comment(banner, year):
    code = banner.a.members[0].code
    with pytest.raises(DomainError):
        sign(banner, year, person_grades={code: "pass"})
    assert not AssessmentSignoff.objects.exists()
    assert sign(banner, year, person_grades={code: "pass"}, comment="补交材料已核验").person_grades == {code: "pass"}


def test_excellent_for_a_computed_pass_is_the_officers_decision(banner, year):
    RuleOverride.objects.all().delete()
    code = banner.a.members[0].code
    from assessments.selectors import studio_assessment

    result = studio_assessment(studio=banner.a.studio, school_year=year, kind="annual", as_of=AFTER_YEAR1)
    for instance in result["team"]["rules"]:
        if instance.get("counts", True) and instance["status"] != "met" and instance["status"] != "not_applicable":
            services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=None,
                                     rule=instance["rule"], period=instance["period"], status="met",
                                     reason="纸本材料核验达标")
    member = next(m for m in result["members"] if m["teacher"] == code)
    for instance in member["rules"]:
        if instance.get("counts", True) and instance["status"] not in ("met", "not_applicable"):
            services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=banner.a.members[0],
                                     rule=instance["rule"], period=instance["period"], status="met",
                                     reason="纸本材料核验达标")
    signoff = sign(banner, year, grade="excellent", person_grades={code: "excellent"})
    assert signoff.result["team"]["final_verdict"] == "pass"
    assert signoff.comment == ""


def test_bad_grades_unknown_people_and_kinds_are_refused(banner, year):
    for kwargs in ({"grade": "great"}, {"kind": "weekly"}, {"person_grades": {"T-9999": "fail"}},
                   {"person_grades": {banner.a.members[0].code: "good"}},
                   {"person_grades": {banner.b.members[0].code: "fail"}}):
        with pytest.raises(DomainError):
            sign(banner, year, **kwargs)
    assert not AssessmentSignoff.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()


def test_signoff_before_the_period_ends_is_refused(banner, year):
    with pytest.raises(DomainError, match="2025-08-31"):
        sign(banner, year, as_of=D(2025, 8, 30))
    with pytest.raises(DomainError):
        sign(banner, year, kind="cycle", as_of=AFTER_YEAR1)
    assert not AssessmentSignoff.objects.exists()


def test_signoff_of_a_year_outside_the_cycle_is_refused(banner):
    with pytest.raises(DomainError):
        sign(banner, SchoolYear.get_or_create_for(2030), as_of=D(2031, 12, 31))


def test_only_the_office_signs_off(banner, year):
    for user in (banner.a.host.user, banner.a.members[0].user, None, banner.admin, banner.security_admin,
                 banner.audit_admin):
        with pytest.raises(DomainError):
            sign(banner, year, actor=user)
    assert not AssessmentSignoff.objects.exists()
    assert sign(banner, year, actor=banner.officer).signed_by == banner.officer


def test_resigning_replaces_the_signoff_and_keeps_the_old_one_in_the_audit(banner, year):
    first = sign(banner, year, grade="fail", comment="初评")
    second = sign(banner, year, grade="pass", comment="复议后改为合格")
    assert first.pk == second.pk
    assert AssessmentSignoff.objects.count() == 1
    second.refresh_from_db()
    assert second.grade == "pass" and second.comment == "复议后改为合格"
    entry = AuditEntry.objects.get(action="assessment.resign")
    assert entry.from_state == "fail" and entry.to_state == "pass"
    assert entry.data["previous"]["comment"] == "初评"


def test_a_cycle_signoff_is_filed_under_the_cycles_first_year(banner):
    signoff = sign(banner, school_year(2026), kind="cycle", as_of=AFTER_CYCLE)
    assert signoff.school_year.start_year == 2024
    again = sign(banner, school_year(2025), kind="cycle", as_of=AFTER_CYCLE, grade="fail", comment="再签")
    assert again.pk == signoff.pk


def test_the_signoff_keeps_its_result_when_records_change(banner, year):
    signoff = sign(banner, year)
    Work.objects.create(teacher=banner.a.members[0], studio=banner.a.studio, kind="paper", title="补交",
                        date=D(2024, 10, 1), char_count=3000)
    signoff.refresh_from_db()
    member = next(m for m in signoff.result["members"] if m["teacher"] == banner.a.members[0].code)
    paper = next(i for i in member["rules"] if i["rule"] == "I-PAPER" and i["period"] == "2024-2025-1")
    assert paper["status"] == "not_met"


# --- overrides --------------------------------------------------------------------------------------------


def override(banner, **kwargs):
    values = {"actor": banner.officer, "studio": banner.a.studio, "teacher": banner.a.members[0],
              "rule": "I-PAPER", "period": "2024-2025-1", "status": "met", "reason": "纸本论文已核验"}
    values.update(kwargs)
    return services.override_create(**values)


def test_an_override_is_stored_against_the_cycle_and_audited(banner):
    made = override(banner)
    assert made.cycle == banner.a.cycle and made.created_by == banner.officer
    entry = AuditEntry.objects.get(action="assessment.override")
    assert entry.comment == "纸本论文已核验" and entry.to_state == "met"
    assert entry.data == {"rule": "I-PAPER", "period": "2024-2025-1", "teacher": banner.a.members[0].code,
                          "cycle": 2024}


def test_a_second_override_of_the_same_instance_replaces_the_first(banner):
    first = override(banner)
    second = override(banner, status="not_applicable", reason="长期病假")
    assert first.pk == second.pk and RuleOverride.objects.count() == 1
    entry = AuditEntry.objects.get(action="assessment.override_update")
    assert entry.from_state == "met" and entry.to_state == "not_applicable"


def test_team_overrides_have_no_teacher_and_cycle_rules_use_the_cycle_label(banner):
    team = override(banner, teacher=None, rule="T-SEMINAR", period="2024-2025-2")
    assert team.teacher is None
    cycle = override(banner, rule="I-MENTOR", period="cycle", school_year=school_year(2025))
    assert cycle.cycle == banner.a.cycle
    given = override(banner, rule="I-DEV-PLAN", period="cycle", cycle=banner.a.cycle)
    assert given.cycle == banner.a.cycle


@pytest.mark.parametrize("kwargs", [
    {"reason": "  "},
    {"rule": "I-NOTHING"},
    {"status": "excellent"},
    {"teacher": None},
    {"rule": "T-SEMINAR"},
    {"period": "2024-2025"},
    {"period": "2024-2025-3"},
    {"period": "2024-2026-1"},
    {"rule": "I-MENTOR", "period": "2024-2025"},
    {"rule": "I-REFLECTION", "period": "cycle"},
    {"period": "2030-2031-1"},
])
def test_bad_overrides_are_refused(banner, kwargs):
    with pytest.raises(DomainError):
        override(banner, **kwargs)
    assert not RuleOverride.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()


def test_overrides_for_someone_outside_the_studio_or_by_a_teacher_are_refused(banner):
    with pytest.raises(DomainError):
        override(banner, teacher=banner.b.members[0])
    with pytest.raises(DomainError):
        override(banner, actor=banner.a.host.user)
    assert not RuleOverride.objects.exists()


def test_deleting_an_override_is_audited_with_its_reason(banner):
    made = override(banner)
    services.override_delete(actor=banner.officer, override=made, reason="误操作")
    assert not RuleOverride.objects.exists()
    entry = AuditEntry.objects.get(action="assessment.override_delete")
    assert entry.comment == "误操作" and entry.data["reason_given"] == "纸本论文已核验"


def test_only_the_office_deletes_an_override(banner):
    made = override(banner)
    with pytest.raises(DomainError):
        services.override_delete(actor=banner.a.host.user, override=made)
    assert RuleOverride.objects.filter(pk=made.pk).exists()


# --- settings ---------------------------------------------------------------------------------------------


def test_settings_changes_are_saved_and_audited_with_old_and_new_values(banner):
    row = services.rule_settings_update(actor=banner.officer, reason="按新文件调整", paper_min_chars=2000,
                                        attendance_min_ratio="0.9", young_max_age=35)
    assert row.paper_min_chars == 2000 and float(row.attendance_min_ratio) == 0.9
    assert RuleSettings.current().updated_by == banner.officer
    entry = AuditEntry.objects.get(action="rule_settings.update")
    assert entry.comment == "按新文件调整"
    assert entry.data["changes"] == {"paper_min_chars": [1800, 2000], "attendance_min_ratio": [1.0, 0.9]}


def test_saving_unchanged_settings_records_nothing(banner):
    services.rule_settings_update(actor=banner.officer, paper_min_chars=1800)
    assert not AuditEntry.objects.filter(action="rule_settings.update").exists()


@pytest.mark.parametrize("values", [
    {"paper_min_chars": 0}, {"paper_min_chars": "many"}, {"attendance_min_ratio": "1.5"},
    {"young_max_age": 10}, {"summary_grace_days": -1}, {"colour": "red"}, {"cultivate_min": 2.5},
])
def test_bad_settings_are_refused(banner, values):
    with pytest.raises(DomainError):
        services.rule_settings_update(actor=banner.officer, **values)
    assert RuleSettings.current().as_dict() == RuleSettings().as_dict()
    assert not AuditEntry.objects.filter(action="rule_settings.update").exists()


def test_only_the_office_changes_settings(banner):
    with pytest.raises(DomainError):
        services.rule_settings_update(actor=banner.a.host.user, paper_min_chars=100)
    assert RuleSettings.current().paper_min_chars == 1800

"""Thresholds in italics are settings the office can change (regulation.md, The rules); a result records the
settings it was computed with."""

import pytest

from .conftest import member_rule, team_rule
from .ledger import Ledger
from .world import STUDIO, YOUNG, studio_world

Y = "2022-2023"
DEFAULTS = {"paper_min_chars": 1800, "reflection_min_chars": 900, "young_max_age": 35, "summary_grace_days": 30,
            "attendance_min_ratio": 1.0, "cultivate_min": 2}


@pytest.fixture
def change_settings(db, client):
    from members.models import User

    officer = User.objects.create_user(username="acc-settings", password="Acc-Settings-2026", role=User.Role.OFFICER)
    client.force_login(officer)

    def change(**values):
        response = client.post("/assessments/settings/", {**DEFAULTS, **values, "reason": "领导小组会议决定"})
        assert response.status_code == 302, response.content.decode()[:3000]

    return change


def test_the_default_settings_are_recorded_in_the_result(load, assess):
    load(studio_world())
    settings = assess(STUDIO, Y, as_of="2023-09-30")["settings"]
    for name, value in DEFAULTS.items():
        assert settings[name] == value, name


def test_changed_settings_decide_the_rules_and_are_recorded(load, assess, change_settings):
    ledger = studio_world()
    ledger.teacher("T-004", "不算年轻", "1984-01-01")      # 38 on the cycle's first day
    ledger.member(STUDIO, "T-004", "2022-09-01")
    ledger.title("T-004", "骨干教师", "旗级", "2023-03-01")
    ledger.work("W-01", YOUNG, STUDIO, "论文", "2022-10-01", 1500)
    ledger.work("W-02", YOUNG, STUDIO, "反思总结", "2022-10-01", 700)
    ledger.document("D-01", STUDIO, "年度总结", Y, "2023-10-30")        # 60 days after the year
    for number in range(1, 6):
        ledger.activity(f"A-0{number}", STUDIO, "工作研讨", f"2022-1{number % 3}-0{number}")
        ledger.attendance(f"A-0{number}", YOUNG, "出席" if number < 5 else "缺席")   # 4 of 5
    load(ledger)
    before = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    assert member_rule(before, YOUNG, "I-PAPER", f"{Y}-1")["status"] == "not_met"
    assert member_rule(before, YOUNG, "I-REFLECTION", Y)["status"] == "not_met"
    assert member_rule(before, YOUNG, "I-ATTENDANCE", Y)["status"] == "not_met"
    assert team_rule(before, "T-SUMMARY", Y)["status"] == "not_met"
    assert team_rule(before, "T-YOUNG-BACKBONE", "cycle")["required"] == 1   # YOUNG only
    assert team_rule(before, "T-CULTIVATE", "cycle")["status"] == "not_met"

    change_settings(paper_min_chars=1500, reflection_min_chars=700, young_max_age=40, summary_grace_days=60,
                    attendance_min_ratio=0.8, cultivate_min=1)
    after = assess(STUDIO, Y, cycle=True, as_of="2025-08-31")
    assert after["settings"]["paper_min_chars"] == 1500
    assert after["settings"]["young_max_age"] == 40
    assert after["settings"]["attendance_min_ratio"] == pytest.approx(0.8)
    assert member_rule(after, YOUNG, "I-PAPER", f"{Y}-1")["status"] == "met"
    assert member_rule(after, YOUNG, "I-REFLECTION", Y)["status"] == "met"
    assert member_rule(after, YOUNG, "I-ATTENDANCE", Y)["status"] == "met"
    assert team_rule(after, "T-SUMMARY", Y)["status"] == "met"
    young = team_rule(after, "T-YOUNG-BACKBONE", "cycle")
    assert (young["required"], young["actual"], young["status"]) == (1, 1, "met")   # ⌈2/3⌉ = 1: T-004
    assert team_rule(after, "T-CULTIVATE", "cycle")["status"] == "met"


def test_below_a_threshold_of_100_percent_an_absence_leaves_attendance_pending(load, assess, change_settings):
    ledger = Ledger()
    studio_world(ledger)
    ledger.activity("A-01", STUDIO, "工作研讨", "2022-09-10")
    ledger.attendance("A-01", YOUNG, "缺席")
    load(ledger)
    assert member_rule(assess(STUDIO, Y, as_of="2022-09-11"), YOUNG, "I-ATTENDANCE", Y)["status"] == "not_met"
    change_settings(attendance_min_ratio=0.8)
    assert member_rule(assess(STUDIO, Y, as_of="2022-09-11"), YOUNG, "I-ATTENDANCE", Y)["status"] == "pending"
    assert member_rule(assess(STUDIO, Y, as_of="2023-08-31"), YOUNG, "I-ATTENDANCE", Y)["status"] == "not_met"

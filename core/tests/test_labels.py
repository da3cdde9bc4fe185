import re
from pathlib import Path

from django.utils import translation

from core.labels import action_label, state_label

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "members", "studios", "records", "activities", "assessments", "excel", "security")


def test_actions_and_states_read_in_chinese():
    with translation.override("zh-hans"):
        assert action_label("filing.approve") == "活动备案·批准"
        assert state_label("submitted") == "待审核"
        assert action_label("something.new") == "something.new"
        assert state_label("") == ""


def test_every_action_the_code_records_has_a_label():
    """A new audit action without a label would show its raw code on the trail and the audit log."""
    actions = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            actions.update(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert actions, "no audit actions found"
    unlabelled = sorted(action for action in actions if action_label(action) == action)
    assert unlabelled == []

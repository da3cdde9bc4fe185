"""The account policy's pure rules, without a database."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from security.policy import password_change_due, password_classes, password_problems
from security.validators import PasswordPolicyValidator

NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("password,classes", [
    ("abcdefgh", 1), ("abcd1234", 2), ("Abcd1234", 3), ("abcd-1234", 3), ("Ab1-", 4), ("密码密码密码12", 2), ("", 0),
])
def test_password_classes_count_capitals_small_letters_digits_and_signs(password, classes):
    assert password_classes(password) == classes


@pytest.mark.parametrize("password,username,problems", [
    ("Mingshi-2024", "t001", []),
    ("mingshi-2024", "t001", []),
    ("Ab1-xyz", "t001", ["password_too_short"]),
    ("abcdefghij", "t001", ["password_too_simple"]),
    ("12345678", "t001", ["password_too_simple"]),
    ("Zhang-San-2024", "zhangsan", []),
    ("ZhangSan-2024", "zhangsan", ["password_contains_username"]),
    ("xx-T001-2024", "t001", ["password_contains_username"]),
    ("ab", "", ["password_too_short", "password_too_simple"]),
])
def test_password_problems(password, username, problems):
    assert password_problems(password, username) == problems


def test_the_validator_explains_every_broken_requirement_in_chinese():
    class Person:
        def get_username(self):
            return "office"

    with pytest.raises(ValidationError) as caught:
        PasswordPolicyValidator().validate("office", Person())
    messages = caught.value.messages
    assert "密码至少需要 8 个字符。" in messages
    assert any("至少 3 类" in text for text in messages)
    assert "密码中不能包含用户名。" in messages


@pytest.mark.parametrize("must,changed_days_ago,max_age,due", [
    (True, 1, 0, True), (False, 1000, 0, False), (False, 89, 90, False), (False, 90, 90, True), (False, None, 90, True),
])
def test_password_change_due(must, changed_days_ago, max_age, due):
    changed = NOW - datetime.timedelta(days=changed_days_ago) if changed_days_ago is not None else None
    assert password_change_due(must_change=must, changed_at=changed, joined_at=NOW - datetime.timedelta(days=400),
                               now=NOW, max_age_days=max_age) is due

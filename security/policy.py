"""The account policy of 等保 2.0 level 3 (GB/T 22239-2019 8.1.4.1 身份鉴别) as small pure functions."""

from __future__ import annotations

import datetime


def password_change_due(*, must_change: bool, changed_at: datetime.datetime | None,
                        joined_at: datetime.datetime, now: datetime.datetime, max_age_days: int) -> bool:
    """身份鉴别 a): a password someone else chose (initial or reset) is changed at the next login, and, when the
    bureau sets a maximum age (PASSWORD_MAX_AGE_DAYS > 0), a password older than that is changed too."""
    if must_change:
        return True
    if max_age_days <= 0:
        return False
    return (changed_at or joined_at) <= now - datetime.timedelta(days=max_age_days)


PASSWORD_MIN_LENGTH = 8
PASSWORD_MIN_CLASSES = 3


def password_classes(password: str) -> int:
    """How many of the four classes — capitals, small letters, digits, other signs — the password uses.
    Latin letters and digits only are letters and digits here; anything else (a Chinese character too) is a sign."""
    return sum((
        any("A" <= ch <= "Z" for ch in password),
        any("a" <= ch <= "z" for ch in password),
        any("0" <= ch <= "9" for ch in password),
        any(not ("A" <= ch <= "Z" or "a" <= ch <= "z" or "0" <= ch <= "9") for ch in password),
    ))


def password_problems(password: str, username: str = "") -> list[str]:
    """身份鉴别 a) 口令具有复杂度要求: at least 8 characters, from at least 3 of the 4 classes, and not containing
    the login name (ignoring case). Returns the codes of the broken requirements, none for a good password."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("password_too_short")
    if password_classes(password) < PASSWORD_MIN_CLASSES:
        problems.append("password_too_simple")
    if username and len(username) >= 3 and username.casefold() in password.casefold():
        problems.append("password_contains_username")
    return problems


def lockout_score(*, pair: int, account: int, address: int, pair_limit: int, account_limit: int,
                  address_limit: int) -> int:
    """身份鉴别 b) 登录失败处理: failures are counted three ways over the cooling-off time — this username from this
    address, this username from any address, and any username from this address — each with its own limit.

    django-axes compares one number with one limit (AXES_FAILURE_LIMIT, the pair's): this is the pair's count, or
    the account's or the address's scaled so that reaching its own limit reaches the pair's limit."""
    return max(pair, account * pair_limit // account_limit, address * pair_limit // address_limit)


def session_end_reason(*, started: float, seen: float, now: float, idle_seconds: int,
                       lifetime_seconds: int) -> str | None:
    """身份鉴别 b) 登录连接超时自动退出: a session ends after idle_seconds without a request ("idle") and, however
    busy, lifetime_seconds after the login ("lifetime"). None while it may go on."""
    if lifetime_seconds > 0 and now - started >= lifetime_seconds:
        return "lifetime"
    if idle_seconds > 0 and now - seen >= idle_seconds:
        return "idle"
    return None

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

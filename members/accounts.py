"""One-time passwords for accounts the office gives out: bulk by school for imported teachers, and resets.

A one-time password is random, satisfies the password policy (length, three character classes, not the
username) and is only good for the first login: the user must choose a new one at once
(`User.must_change_password`, enforced by the security app's middleware). It is hashed with the project's
hasher but, when that is PBKDF2, with fewer iterations, so that a school of hundreds is done in a request; the
password chosen at the first login is hashed in full, and Django upgrades the hash on that login anyway.
"""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password

# No 0/O, 1/l/I: a slip is read off paper and typed on a phone.
LOWER = "abcdefghjkmnpqrstuvwxyz"
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "23456789"
LENGTH = 10
ONE_TIME_ITERATIONS = 20_000


def one_time_password(username: str = "") -> str:
    """A password of LENGTH characters with lower case, upper case and digits, never containing the username."""
    alphabet = LOWER + UPPER + DIGITS
    while True:
        chars = [secrets.choice(LOWER), secrets.choice(UPPER), secrets.choice(DIGITS)]
        chars += [secrets.choice(alphabet) for _ in range(LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if not username or username.lower() not in password.lower():
            return password


def one_time_hash(password: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=ONE_TIME_ITERATIONS)
    return make_password(password)


def checked_one_time_password(user) -> str:
    """A one-time password that the project's validators accept for this user."""
    while True:
        password = one_time_password(user.username)
        try:
            password_validation.validate_password(password, user)
        except password_validation.ValidationError:
            continue
        return password


def username_for(code: str, taken: set[str]) -> str:
    """t001 for teacher T-001 (as the demo and the ledger import name them), with -2, -3 … if taken."""
    base = "".join(ch for ch in code.lower() if ch in string.ascii_lowercase + string.digits) or "teacher"
    username, suffix = base, 2
    while username in taken:
        username, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(username)
    return username

"""Password rules and hashing.

Hashing is Werkzeug's scrypt; the common-password list is the 30,000 most common
passwords that ship with zxcvbn, so the list is maintained by someone else.
"""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MAX_LENGTH = 128
# Verified against when an email is unknown, so a failed login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing", method="scrypt")


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, min_length: int, email: str = "") -> list[str]:
    """Why this password may not be used; an empty list means it is acceptable."""
    if len(password) < min_length:
        return [f"Use at least {min_length} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        return ["This password is too common; choose one that is harder to guess."]
    if email and lowered == email.lower():
        return ["Do not use your email address as your password."]
    return []


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password in roughly constant time whether or not there is a hash."""
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)

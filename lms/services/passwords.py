"""Password rules: long enough, and not on the list of common passwords."""

from functools import cache
from pathlib import Path

from lms.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The refused passwords, lower case, read once."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return "This password is too common. Choose a less predictable one."
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return "Do not use your email address in your password."
    return None


def check_password_rules(password: str, email: str = "") -> None:
    """Raise InvalidInput when the password breaks a rule."""
    problem = password_problem(password, email)
    if problem:
        raise InvalidInput(problem, field="password")

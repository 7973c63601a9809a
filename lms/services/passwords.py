"""Password rules: long enough, and neither a common password nor one dressed up.

ASVS 5.0 6.2: at least 12 characters (more than the 8 it requires), at most 256, no
composition rules, and a check against a list of common passwords (about 40,000, see
common_passwords.txt for where they come from). Attackers try common passwords with
digits and symbols added at either end, or repeated, so those count as common too.
"""

import re
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from lms.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# Digits, punctuation and spaces at either end: "Dragon2024!!" is "dragon" dressed up.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED = re.compile(r"^(.+?)\1+$", re.DOTALL)


class PasswordList:
    """Passwords kept as one string, a line each: under 1 MB, where a set of the 40,000
    strings held 8 MB in every web worker that had checked a new password. A look-up
    scans the string (about 0.1 ms); checking a password makes at most a handful."""

    def __init__(self, passwords):
        self._lines = "\n" + "\n".join(passwords) + "\n"

    def __contains__(self, password: str) -> bool:
        return "\n" not in password and f"\n{password}\n" in self._lines

    def __iter__(self):
        return iter(self._lines.strip("\n").split("\n"))

    def __len__(self) -> int:
        return self._lines.count("\n") - 1


@cache
def common_passwords() -> PasswordList:
    """The refused passwords, lower case, read on first use (lines starting with # are comments)."""
    with _COMMON_FILE.open(encoding="utf-8") as lines:
        return PasswordList(
            line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
        )


def _core(lowered: str) -> str:
    """The password without the digits, symbols and spaces around it."""
    return _DECORATION.sub("", lowered)


def _repeated_unit(text: str) -> str | None:
    """The unit a text repeats ("abcabcabc" -> "abc"), or None."""
    match = _REPEATED.match(text)
    return match.group(1) if match else None


def is_common(password: str) -> bool:
    """Whether the password is common, a common one with decoration, or a short unit repeated."""
    lowered = " ".join(password.lower().split())
    common = common_passwords()
    if lowered in common or len(set(lowered)) < 4:
        return True
    for candidate in {lowered, _core(lowered), lowered.replace(" ", "")}:
        if not candidate or candidate in common:
            return True
        unit = _repeated_unit(candidate)
        if unit is not None and (len(unit) <= 4 or unit in common or _core(unit) in common):
            return True
    return False


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)s characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)s characters.", count=MAX_LENGTH)
    if is_common(password):
        return _("This password is too common. Choose a less predictable one.")
    lowered = password.lower()
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return _("Do not use your email address in your password.")
    return None


def check_password_rules(password: str, email: str = "") -> None:
    """Raise InvalidInput when the password breaks a rule."""
    problem = password_problem(password, email)
    if problem:
        raise InvalidInput(problem, field="password")

"""Reading numbers the way authors and learners write them, strictly."""

import re

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
NUMBER_RE = re.compile(rf"^{_NUMBER}$")
_TOLERANCE_RE = re.compile(
    rf"^(?P<value>{_NUMBER})\s*(?:\+-|±)\s*(?P<tol>{_NUMBER})\s*(?P<pct>%)?$"
)
_RANGE_RE = re.compile(rf"^(?P<low>{_NUMBER})\s*\.\.\s*(?P<high>{_NUMBER})$")


def parse_number(text: str) -> float | None:
    """A finite float from plain decimal text, else None (no `nan`, `inf` or `1_000`)."""
    text = text.strip().replace("\u2212", "-")  # a typographic minus is still a minus
    if not NUMBER_RE.match(text):
        return None
    return float(text)


def parse_number_spec(spec: str) -> tuple[float, float, float | None]:
    """(low, high, value) from `v`, `v +- t`, `v +- t%` or `a .. b`; ValueError if malformed."""
    spec = spec.strip()
    value = parse_number(spec)
    if value is not None:
        return value, value, value
    if match := _TOLERANCE_RE.match(spec):
        value, tolerance = float(match["value"]), float(match["tol"])
        if tolerance < 0:
            raise ValueError("the tolerance is negative")
        if match["pct"]:
            tolerance = abs(value) * tolerance / 100
        return value - tolerance, value + tolerance, value
    if match := _RANGE_RE.match(spec):
        low, high = float(match["low"]), float(match["high"])
        if low > high:
            raise ValueError("the range starts above its end")
        return low, high, None
    raise ValueError("not a number, `v +- t`, `v +- t%` or `a .. b`")

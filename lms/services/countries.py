"""Countries from ISO 3166-1, ASEAN member states first."""

from functools import cache

import pycountry

# The eleven ASEAN member states (Timor-Leste admitted 26 October 2025).
ASEAN = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN")

# Short names people in the region use, where ISO's are long or formal.
_SHORT_NAMES = {
    "BN": "Brunei Darussalam",
    "LA": "Lao PDR",
    "VN": "Viet Nam",
    "TL": "Timor-Leste",
}


def country_name(code: str | None) -> str:
    """The display name of an ISO alpha-2 code ('' for none)."""
    if not code:
        return ""
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


@cache
def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs: ASEAN members first, then every other country by name."""
    asean = [(code, country_name(code)) for code in ASEAN]
    others = sorted(
        (
            (c.alpha_2, country_name(c.alpha_2))
            for c in pycountry.countries
            if c.alpha_2 not in ASEAN
        ),
        key=lambda pair: pair[1],
    )
    return sorted(asean, key=lambda pair: pair[1]) + others


def normalise_country(value: str | None) -> str | None:
    """An ISO alpha-2 code from a code or a name; None if empty; ValueError if unknown."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()):
        return text.upper()
    for code, name in country_choices():
        if name.lower() == text.lower():
            return code
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError as exc:
        raise ValueError(f"unknown country: {value}") from exc

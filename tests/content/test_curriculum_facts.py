"""Key facts read the same everywhere in courses/, and known errors appear nowhere.

The reference is ../shared/apmbc-facts.md. Each check finds a statement by a
pattern, reads the date or number it states, and compares it with the fact.
Text is read sentence by sentence, with wrapped lines joined again.
"""

import re
from pathlib import Path

import pytest

COURSES = Path(__file__).resolve().parents[2] / "courses"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = rf"(\d{{1,2}})\s+({MONTHS})\s+(\d{{4}})"
YEAR = r"(1[89]\d\d|20\d\d)"
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "forty": 40,
}  # fmt: skip
# A line starting like this begins a new block; any other line continues the one before.
BLOCK_START = re.compile(r"\s*(?:$|#|\||[-*+]\s|\d+\.\s|\(|\[|```|[a-z_]+(?: \d+%)?:\s)")
EIF = r"\b(?:entry|entered|enters|enter|entering|came|come|comes)\s+into\s+force\b"
FOR_ONE_STATE = re.compile(r"[^,;:|]{0,35}?\b(?:for|in respect of|with respect to)\b")
ONE_WAY = r"(?:\s+(?:on|in|from|was|is|date|of|:|-|–|—|\|)|\s*\([^)]{0,30}\)|\s*[:|,*(])*\s*"
PAST = re.compile(
    r"\b(?:had|was|were|until|before|then|former|formerly|used to|earlier|written|says|said|"
    r"old|older|previous|previously|no longer)\b",
    re.I,
)


# A sentence that names an error to warn the reader is not itself the error.
WARNS = re.compile(r"\b(?:mistake|error|wrong|wrongly|incorrect|incorrectly)\b", re.I)


def md_files() -> list[Path]:
    return sorted(COURSES.rglob("*.md")) if COURSES.is_dir() else []


def sentences(text: str) -> list[str]:
    """Sentences of a Markdown file, with wrapped prose lines joined again."""
    units: list[str] = []
    quote = False
    for line in text.splitlines():
        is_quote = line.lstrip().startswith(">")
        body = re.sub(r"^\s*>\s?", "", line) if is_quote else line
        if (
            units
            and body.strip()
            and (
                (is_quote and quote) or (not is_quote and not quote and not BLOCK_START.match(body))
            )
        ):
            units[-1] += " " + body.strip()
        else:
            units.append(body.strip())
        quote = is_quote
    found = []
    for unit in units:
        unit = unit.replace("**", "")
        found += re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])", unit)
    return [s for s in found if s]


def number(word: str) -> int | None:
    word = word.lower().replace(",", "")
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def date_text(match: re.Match) -> str:
    return f"{int(match.group(1))} {match.group(2)} {match.group(3)}"


# ---------------------------------------------------------------- the checks
# Each takes one sentence and returns a list of problems found in it.


def check_entry_into_force(s: str) -> list[str]:
    """Entry into force (of the Convention, not for one State) is 1 March 1999."""
    problems = []
    for m in re.finditer(EIF, s, re.I):
        after = s[m.end() :]
        if FOR_ONE_STATE.match(after) or re.search(r"\bfor\b[^,;:|]{0,30}$", s[: m.start()]):
            continue
        date = re.match(ONE_WAY + DATE, after)
        if date and date_text(date) != "1 March 1999":
            problems.append(f"entry into force dated {date_text(date)}, not 1 March 1999")
        year = re.match(ONE_WAY + rf"(?:{MONTHS})?\s*{YEAR}\b", after)
        if not date and year and year.group(1) != "1999":
            problems.append(f"entry into force dated {year.group(1)}, not 1999")
        if re.match(r"[^.;]{0,40}\b2009\b", after) and not re.search(r"\bnot 2009\b", s):
            problems.append("entry into force near 2009 (the known error)")
    if re.search(rf"\b2009\b[^.;]{{0,25}}{EIF}(?![^,;:|]{{0,35}}\bfor\b)", s, re.I):
        problems.append("2009 given for entry into force (the known error)")
    return problems


def check_adoption(s: str) -> list[str]:
    """The text was adopted in Oslo on 18 September 1997 and signed in Ottawa."""
    problems = []
    if re.search(r"Action Plan|Declaration|decision|\bPlan\b", s):
        return problems
    if re.search(r"\b(?:Convention|treaty|text)\b", s, re.I):
        for m in re.finditer(r"\b(?:was\s+)?adopt(?:ed|ion)\b(?:\s+(?:in|at)\s+Oslo)?", s):
            after = s[m.end() :]
            date = re.match(ONE_WAY + DATE, after)
            if date and date_text(date) != "18 September 1997":
                problems.append(f"adoption dated {date_text(date)}, not 18 September 1997")
            year = re.match(ONE_WAY + rf"(?:{MONTHS})?\s*{YEAR}\b", after)
            if not date and year and year.group(1) != "1997":
                problems.append(f"adoption dated {year.group(1)}, not 1997")
    if re.search(r"\badopted\s+(?:\w+\s+){0,3}?(?:in|at)\s+Ottawa\b", s) and not WARNS.search(s):
        problems.append("adopted in Ottawa (it was adopted in Oslo)")
    if re.search(
        r"\b(?:opened for signature|signed)\s+(?:\w+\s+){0,3}?in\s+Oslo\b", s
    ) and not WARNS.search(s):
        problems.append("signed in Oslo (it was opened for signature in Ottawa)")
    return problems


def check_nobel(s: str) -> list[str]:
    """The Nobel Peace Prize went to the ICBL and Jody Williams in 1997."""
    problems = []
    for m in re.finditer(r"\bNobel\b", s):
        years = re.findall(YEAR, s[max(0, m.start() - 25) : m.end() + 40])
        if years and "1997" not in years:
            problems.append(f"Nobel Peace Prize dated {years}, not 1997")
    return problems


def check_icbl_founded(s: str) -> list[str]:
    """The ICBL was founded in (October) 1992."""
    founded = r"\b(?:founded|launched|formed|set up|created|established)\b"
    icbl = r"(?:ICBL|Campaign to Ban Landmines)"
    found = re.findall(rf"{icbl}\)?[^.;]{{0,60}}?{founded}[^.;]{{0,25}}?\b{YEAR}\b", s)
    found += re.findall(rf"\b{YEAR},?\s+[^.;]{{0,40}}?{founded}\s+(?:the\s+)?{icbl}", s)
    return [f"ICBL founded in {y}, not 1992" for y in found if y != "1992"]


def read_numbers(pattern: str, s: str, want: int, what: str) -> list[str]:
    """Every number the pattern captures in s must equal want."""
    problems = []
    for m in re.finditer(pattern, s, re.I):
        value = number(m.group(1))
        if value is not None and value != want:
            problems.append(f"{what}: {m.group(1)}, not {want}")
    return problems


# A run of text that names no other article and stays in one clause.
NO_OTHER_ARTICLE = r"(?:(?!Article\s+\d|Art\.\s*\d)[^.;|]){0,80}?"


def check_deadlines(s: str) -> list[str]:
    """Article 4: 4 years; Article 5: 10 years, extensions up to 10; Art. 7 and 8 numbers."""
    span = NO_OTHER_ARTICLE
    problems = read_numbers(
        rf"\bArticle\s+4\b(?![.,]?\d){span}\b(?:within|gives|allows|later\s+than)\s+(\w+)\s+years?",
        s,
        4,
        "Article 4 deadline",
    )
    problems += read_numbers(
        rf"\bArticle\s+5\b(?![.,]?\d){span}\b(?:within|gives|allows|later\s+than)\s+(\w+)\s+years?",
        s,
        10,
        "Article 5 deadline",
    )
    for article, want in (("4", 4), ("5", 10)):
        problems += read_numbers(
            rf"\b(\w+)[ -]years?\b(?:(?!years?\b|Article)[^.;|]){{0,50}}"
            rf"\(Article\s+{article}\b(?!\d)",
            s,
            want,
            f"Article {article} deadline",
        )
    if re.search(r"stockpil", s, re.I) and not re.search(r"mined areas?|clear", s, re.I):
        problems += read_numbers(
            r"\bwithin\s+(\w+)\s+years?\s+of\s+(?:the\s+)?entry", s, 4, "stockpile deadline"
        )
    if re.search(r"mined areas?|clear", s, re.I) and not re.search(r"stockpil", s, re.I):
        problems += read_numbers(
            r"\bwithin\s+(\w+)\s+years?\s+of\s+(?:the\s+)?entry", s, 10, "clearance deadline"
        )
    problems += read_numbers(
        r"\bextensions?\b(?:(?!Article\s+4)[^.;|]){0,60}?\bup\s+to\s+(\w+)\s+years?",
        s,
        10,
        "extension",
    )
    problems += read_numbers(
        r"\bfirst\s+(?:transparency\s+|Article\s+7\s+)?report\b[^.;|]{0,60}?\b(\w+)\s+days",
        s,
        180,
        "first Article 7 report",
    )
    problems += read_numbers(rf"\bArticle\s+7\b{span}\b(\d+)\s+days", s, 180, "Article 7 days")
    problems += read_numbers(rf"\bArticle\s+8\b{span}\b(\d+)\s+days", s, 28, "Article 8 days")
    problems += read_numbers(
        r"\b(\w+)\s+days\s+to\s+(?:answer|reply|respond|provide)", s, 28, "Article 8 days"
    )
    problems += read_numbers(r"\bup\s+to\s+(\w+)\s+experts", s, 9, "fact-finding mission")
    problems += read_numbers(
        r"fact-finding mission[^.;|]{0,40}?\b(\w+)\s+experts", s, 9, "fact-finding mission"
    )
    if re.search(r"\breport", s, re.I) and re.search(
        r"Article\s+7|transparency|every year|each year|annual", s, re.I
    ):
        for m in re.finditer(rf"\bby\s+(\d{{1,2}})\s+({MONTHS})\b(?!\s+\d{{4}})", s):
            if f"{m.group(1)} {m.group(2)}" != "30 April":
                problems.append(f"yearly report due {m.group(1)} {m.group(2)}, not 30 April")
    return problems


REVIEW_CONFERENCES = {
    "First": "2004",
    "Second": "2009",
    "Third": "2014",
    "Fourth": "2019",
    "Fifth": "2024",
}
ACTION_PLANS = {
    "Nairobi": ("2005", "2009"),
    "Cartagena": ("2010", "2014"),
    "Maputo": ("2014", "2019"),
    "Oslo": ("2020", "2024"),
    "Siem Reap-Angkor": ("2025", "2029"),
}


def check_meetings(s: str) -> list[str]:
    """Review Conference years, action plan periods, the ISU dates, Maputo's 31 actions."""
    problems = []
    for m in re.finditer(
        rf"\b(First|Second|Third|Fourth|Fifth) Review Conference\b"
        rf"(?:(?!Review Conference|Action Plan|Meeting|Declaration)[^.;|]){{0,60}}?\b{YEAR}\b",
        s,
    ):
        if m.group(2) != REVIEW_CONFERENCES[m.group(1)]:
            problems.append(f"{m.group(1)} Review Conference dated {m.group(2)}")
    for m in re.finditer(
        r"\b(Nairobi|Cartagena|Maputo|Oslo|Siem Reap-Angkor) Action Plan\b"
        r"[^.;|]{0,15}?\(?(\d{4})\s*[-–]\s*(\d{4})",
        s,
    ):
        if (m.group(2), m.group(3)) != ACTION_PLANS[m.group(1)]:
            problems.append(f"{m.group(1)} Action Plan dated {m.group(2)}-{m.group(3)}")
    problems += read_numbers(
        r"Maputo Action Plan[^.;|]{0,40}?\b(\d+)\s+actions", s, 31, "Maputo Action Plan"
    )
    if re.search(r"\bISU\b|Implementation Support Unit", s):
        problems += read_numbers(
            r"\bManagua\b[^.;|]{0,30}?\b(\d{4})\b", s, 2001, "ISU decision (Managua)"
        )
        problems += read_numbers(
            r"\bhost\w*[^.;|]{0,60}?\bsince\s+(\d{4})\b", s, 2002, "ISU hosted since"
        )
    problems += read_numbers(
        r"Burkina Faso[^.;|]{0,80}?\b(\d+)(?:st|nd|rd|th)\b", s, 40, "Burkina Faso's ratification"
    )
    return problems


ASEAN_STATE_PARTY_SINCE = {
    "Brunei": "1 October 2006",
    "Cambodia": "1 January 2000",
    "Indonesia": "1 August 2007",
    "Malaysia": "1 October 1999",
    "Philippines": "1 August 2000",
    "Thailand": "1 May 1999",
    "Timor-Leste": "1 November 2003",
}
ASEAN_RATIFIED = {
    "Malaysia": "22 April 1999",
    "Philippines": "15 February 2000",
    "Thailand": "27 November 1998",
}


def check_asean(s: str) -> list[str]:
    """ASEAN has eleven members (never 'ten' as a present fact); ASEAN States Parties' dates."""
    problems = []
    ten = (
        r"\b(?:ten|10)\s+(?:ASEAN\s+)?(?:members?|member\s+states|countries|nations)\b"
        r"|\b(?:ten|10)\s+ASEAN\b|\bASEAN-10\b"
    )
    if re.search(ten, s, re.I) and "ASEAN" in s and not PAST.search(s):
        problems.append("ASEAN given ten members as a present fact (eleven since 26 October 2025)")
    names = [n for n in ASEAN_STATE_PARTY_SINCE if n in s]
    if len(names) == 1:
        name = names[0]
        for m in re.finditer(rf"State Party\s+(?:since|from|on)\s+{DATE}", s):
            if date_text(m) != ASEAN_STATE_PARTY_SINCE[name]:
                problems.append(f"{name} State Party since {date_text(m)}")
        if name in ASEAN_RATIFIED:
            for m in re.finditer(rf"\bratified\b[^.;|]{{0,20}}?{DATE}", s):
                if date_text(m) != ASEAN_RATIFIED[name]:
                    problems.append(f"{name} ratified {date_text(m)}")
    return problems


def check_dated_counts(s: str) -> list[str]:
    """A count of States Parties that changes over time carries its date."""
    if re.search(r"(?<!more than )(?<!over )\b1[5-7]\d\s+(?:States|countries)\b", s, re.I):
        if not re.search(rf"{YEAR}|\bas of\b", s):
            return ["count of States Parties without its date"]
    return []


CHECKS = [
    check_entry_into_force,
    check_adoption,
    check_nobel,
    check_icbl_founded,
    check_deadlines,
    check_meetings,
    check_asean,
    check_dated_counts,
]


def problems_in(text: str) -> list[str]:
    return [f"{p}: {s!r}" for s in sentences(text) for check in CHECKS for p in check(s)]


@pytest.mark.parametrize("path", md_files(), ids=lambda p: str(p.relative_to(COURSES)))
def test_facts_consistent(path):
    assert problems_in(path.read_text(encoding="utf-8")) == []


def test_there_is_text_to_check():
    assert len(md_files()) > 5


# ------------------------------------------------- the checks themselves catch errors

BAD = [
    "The Convention entered into force on 1 March 2009.",
    "The Convention entered into force in 2009, after the 40th ratification.",
    "Entry into force: 1 May 1999.",
    "The text was adopted in Ottawa on 3 December 1997.",
    "The Convention was adopted on 18 September 1998 in Oslo.",
    "The ICBL was founded in 1991 by six NGOs.",
    "The International Campaign to Ban Landmines (ICBL), founded in 1993, grew fast.",
    "In 1998 the Nobel Peace Prize went to the ICBL.",
    "Article 4 requires destruction of stockpiles within 5 years.",
    "Stockpiles must be destroyed within ten years of entry into force for that State.",
    "Article 5 gives each State Party within 8 years to clear its mined areas.",
    "An extension can last up to 5 years.",
    "The first transparency report is due within 90 days.",
    "After that, a transparency report is due every year by 31 March.",
    "Article 8 gives the State 14 days to answer.",
    "A fact-finding mission has up to 12 experts.",
    "ASEAN has ten members.",
    "All ten ASEAN member States took part.",
    "The Fourth Review Conference was held in Oslo in 2018.",
    "The Oslo Action Plan covers 2019-2023.",
    "The Maputo Action Plan has 30 actions.",
    "The ISU was created by the Managua meeting in 2002.",
    "Thailand has been a State Party since 1 March 1999.",
    "Malaysia ratified on 22 April 1998.",
    "There are 164 States Parties.",
    "The Convention was opened for signature in Oslo.",
]

GOOD = [
    "The Convention entered into force on 1 March 1999.",
    "Under Article 17 the Convention\nentered into force on\n**1 March 1999**.",
    "| entry into force (Article 17) | 1 March 1999 |",
    "The Convention entered into force for Cambodia on 1 January 2000.",
    "Article 12: Review Conferences, the first five years after entry into force.\n"
    "- Five so far: Nairobi 2004, Cartagena 2009.",
    "Some documents wrongly give the year as 2009.",
    "The text was adopted in Oslo on 18 September 1997.",
    "The Oslo Action Plan was adopted at the Fourth Review Conference in 2019.",
    "The ICBL was founded in October 1992 by six NGOs.",
    "The 1997 Nobel Peace Prize went to the ICBL and Jody Williams.",
    "Article 4: destroy stockpiles within 4 years of entry into force for that State.",
    "Article 5 gives 10 years; an extension can last up to 10 years.",
    "the four-year deadline (Article 4) and the ten-year deadline (Article 5)",
    "The first report is due within 180 days; then every year by 30 April.",
    "Article 8: 28 days to answer; a mission of up to 9 experts.",
    "As of 2026, seven of the eleven ASEAN members are States Parties.",
    "Teaching material written before then says ten members.",
    "ASEAN had ten members until Timor-Leste joined on 26 October 2025.",
    "| Third | Maputo, 23-27 June 2014 | Maputo Action Plan 2014-2019 |",
    "The Maputo Action Plan has 31 actions.",
    "The ISU was set up by the Third Meeting (Managua, September 2001) and hosted since 2002.",
    "Thailand ratified on 27 November 1998 and has been a State Party since 1 May 1999.",
    "From 2017 until early 2025, there were 164 States Parties.",
    "More than 160 States have joined.",
    "The Convention was opened for signature in Ottawa on 3-4 December 1997.",
    "Country A's Article 5 deadline is in 6 years.",
    "It entered into force in 1999, but for this State it entered into force in 2007.",
    "The Convention entered into force on 1 March 1999 (not 2009).",
    "A common mistake is to say that the Convention was adopted in Ottawa.",
]


@pytest.mark.parametrize("text", BAD)
def test_checks_catch_known_errors(text):
    assert problems_in(text), "this error went unnoticed"


@pytest.mark.parametrize("text", GOOD)
def test_checks_accept_correct_statements(text):
    assert problems_in(text) == []

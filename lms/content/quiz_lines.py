"""Classify quiz syntax lines: how a line starts says what it is."""

import re
from dataclasses import dataclass

_WEIGHT = r"\d+(?:\.\d+)?\s*%"

# Answer line patterns and the question kind each one makes.
ANSWER_PATTERNS = (
    ("single", re.compile(rf"^\((?P<mark>[xX ]?|{_WEIGHT})\)\s*(?P<value>.*)$")),
    ("multiple", re.compile(r"^\[(?P<mark>[xX ]?)\]\s*(?P<value>.*)$")),
    (
        "shorttext",
        re.compile(rf"^(?P<key>answer|wrong)(?:\s+(?P<mark>{_WEIGHT}))?\s*:\s*(?P<value>.*)$"),
    ),
    ("numeric", re.compile(rf"^number(?:\s+(?P<mark>{_WEIGHT}))?\s*:\s*(?P<value>.*)$")),
    ("matching", re.compile(r"^match\s*:\s*(?P<value>.*)$")),
    ("ordering", re.compile(r"^order\s*:\s*(?P<value>.*)$")),
)
ANSWER_MARKERS = {
    "single": "( )",
    "multiple": "[ ]",
    "shorttext": "answer:",
    "numeric": "number:",
    "matching": "match:",
    "ordering": "order:",
}
KEYWORDS = ("id", "explain", "hint", "scoring", "case")
_KEYWORD_RE = re.compile(rf"^(?P<key>{'|'.join(KEYWORDS)})\s*:\s*(?P<value>.*)$")
_POOL_RE = re.compile(r"^#\s*pool\s*:\s*(?P<name>.*?)\s*(?:\(\s*draw\s*(?P<draw>[^)]*)\))?\s*$")
_QUESTION_RE = re.compile(r"^##(?!#)\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Line:
    """One classified line of quiz text."""

    kind: str  # blank, pool, question, heading, answer, feedback, keyword, text
    number: int
    value: str = ""
    answer_kind: str = ""  # for answers: single, multiple, shorttext, ...
    mark: str = ""  # single/multiple: "x", "" or "50%"; short text: "answer" or "wrong"
    weight: str = ""  # short text and numeric `answer 50%:`
    key: str = ""  # keyword name, or the pool's draw text


def classify(raw: str, number: int) -> Line:
    """Say what a raw line is; text lines keep their raw form (minus an escaping `\\`)."""
    stripped = raw.strip()
    if not stripped:
        return Line("blank", number)
    if stripped.startswith("\\"):
        return Line("text", number, raw.rstrip().replace("\\", "", 1))
    if match := _POOL_RE.match(stripped):
        return Line("pool", number, match["name"], key=(match["draw"] or "").strip())
    if match := _QUESTION_RE.match(stripped):
        return Line("question", number, match["value"].strip())
    if stripped.startswith("#"):
        return Line("heading", number, stripped)
    if stripped.startswith(">"):
        return Line("feedback", number, stripped[1:].strip())
    if match := _KEYWORD_RE.match(stripped):
        return Line("keyword", number, match["value"].strip(), key=match["key"])
    for kind, pattern in ANSWER_PATTERNS:
        if match := pattern.match(stripped):
            groups = match.groupdict()
            return Line(
                "answer",
                number,
                match["value"].strip(),
                answer_kind=kind,
                mark=groups.get("key") or (groups.get("mark") or "").strip().lower(),
                weight=(groups.get("mark") or "") if kind in ("shorttext", "numeric") else "",
            )
    return Line("text", number, raw.rstrip())


def needs_escape(text_line: str) -> bool:
    """True when a line of prose would be read as syntax, so it must start with `\\`."""
    return classify(text_line, 0).kind not in ("text", "blank") or text_line.lstrip().startswith(
        "\\"
    )


def parse_weight(mark: str) -> float:
    """`50%` -> 0.5; ValueError above 100%."""
    value = float(mark.replace("%", "").strip()) / 100
    if value > 1:
        raise ValueError(mark)
    return value

"""Graders: one pure function per question type, registered by type name.

Answers are in source order (indices into the question dict's lists), as
`lms.quiz.attempt.read_response` produces them; None always means "no answer".
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from lms.quiz.model import NumberAnswer

EPSILON = 1e-9


@dataclass(frozen=True)
class Grade:
    """The outcome of one question: score in [0, 1], full marks or not, feedback shown."""

    score: float
    correct: bool
    feedback: list[str] = field(default_factory=list)


def _grade(score: float, feedback: list[str] | None = None) -> Grade:
    score = min(1.0, max(0.0, score))
    return Grade(score, score >= 1 - EPSILON, [f for f in feedback or [] if f])


NO_ANSWER = Grade(0.0, False, [])


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """NFKC, trimmed, inner whitespace collapsed, case-folded unless case sensitive."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    return text if case_sensitive else text.casefold()


def grade_choice(question: dict, answer) -> Grade:
    """Single choice and true/false: the chosen option's weight."""
    options = question["options"]
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(options):
        return NO_ANSWER
    option = options[answer]
    return _grade(option["weight"], [option["feedback"]])


def grade_multiple(question: dict, answer) -> Grade:
    """Multiple choice: all-or-nothing, or Moodle-style partial credit floored at 0."""
    options = question["options"]
    if not isinstance(answer, list):
        return NO_ANSWER
    chosen = {i for i in answer if isinstance(i, int) and 0 <= i < len(options)}
    correct = {i for i, option in enumerate(options) if option["weight"] > 0}
    feedback = [options[i]["feedback"] for i in sorted(chosen)]
    if question.get("scoring") == "partial":
        right, wrong = len(chosen & correct), len(chosen - correct)
        return _grade((right - wrong) / len(correct), feedback)
    return _grade(1.0 if chosen == correct else 0.0, feedback)


def grade_shorttext(question: dict, answer) -> Grade:
    """Short text: the best-weighted matching answer (a `wrong:` match scores 0)."""
    if not isinstance(answer, str) or not answer.strip():
        return NO_ANSWER
    sensitive = question.get("case_sensitive", False)
    given = normalise_text(answer, sensitive)
    matches = [o for o in question["options"] if normalise_text(o["text"], sensitive) == given]
    if not matches:
        return _grade(0.0)
    best = max(matches, key=lambda option: option["weight"])
    return _grade(best["weight"], [best["feedback"]])


def grade_numeric(question: dict, answer) -> Grade:
    """Numeric: the best-weighted accepted number, interval or tolerance containing the answer."""
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return NO_ANSWER
    matches = [n for n in question["numbers"] if NumberAnswer(**n).accepts(answer)]
    if not matches:
        return _grade(0.0)
    best = max(matches, key=lambda number: number["weight"])
    return _grade(best["weight"], [best["feedback"]])


def grade_matching(question: dict, answer) -> Grade:
    """Matching: the share of left items given their right-hand text."""
    lefts = [p for p in question["pairs"] if p["left"]]
    if not isinstance(answer, list) or not lefts:
        return NO_ANSWER
    right = sum(1 for pair, given in zip(lefts, answer, strict=False) if given == pair["right"])
    return _grade(right / len(lefts))


def grade_ordering(question: dict, answer) -> Grade:
    """Ordering: all-or-nothing, or partial = share of items given their right position."""
    items = question["items"]
    if not isinstance(answer, list) or not items:
        return NO_ANSWER
    right = sum(1 for i, given in enumerate(answer[: len(items)]) if given == i + 1)
    if question.get("scoring") == "partial":
        return _grade(right / len(items))
    return _grade(1.0 if right == len(items) else 0.0)


GRADERS: dict[str, Callable[[dict, object], Grade]] = {
    "single": grade_choice,
    "truefalse": grade_choice,
    "multiple": grade_multiple,
    "shorttext": grade_shorttext,
    "numeric": grade_numeric,
    "matching": grade_matching,
    "ordering": grade_ordering,
}


def grade_question(question_dict: dict, response) -> Grade:
    """Grade a response (a read_response dict, or the bare answer) against a question dict."""
    answer = response.get("answer") if isinstance(response, dict) else response
    if answer is None:
        return NO_ANSWER
    return GRADERS[question_dict["type"]](question_dict, answer)

"""An attempt from the server's side: draw, read the submitted form, grade, review.

A response is a JSON-serialisable dict `{"answer": ...}` where the answer is in
source order (see lms.quiz.grading) or None for "no answer"; a refused input adds
`"invalid": "too_long" | "not_a_number"` (and `"raw"`, the first 100 characters,
for a number that did not parse).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from lms.quiz.grading import grade_question
from lms.quiz.numbers import parse_number
from lms.quiz.review import review_question
from lms.quiz.snapshot import draw_questions, public_question

__all__ = [
    "AttemptGrade",
    "QuestionResult",
    "draw_questions",
    "grade_attempt",
    "public_question",
    "read_response",
    "review_question",
]

MAX_TEXT = 500  # longer answers are refused: no accepted answer is that long


@dataclass(frozen=True)
class QuestionResult:
    """One graded question of an attempt."""

    question_id: str
    score: float
    correct: bool
    feedback: list[str] = field(default_factory=list)
    response: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AttemptGrade:
    """A graded attempt: the percent score and each question's result."""

    score: float
    results: list[QuestionResult]


def _values(form: Mapping, name: str) -> list[str]:
    value = form.get(name)
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    return [v for v in values if isinstance(v, str)]


def _first(form: Mapping, name: str) -> str:
    return next((v.strip() for v in _values(form, name) if v.strip()), "")


def _read_choice(q: dict, form: Mapping) -> dict:
    ids = {o["id"]: o["index"] for o in q["presentation"]["options"]}
    chosen = [ids[v] for v in _values(form, f"q-{q['id']}") if v in ids]
    return {"answer": chosen[0] if chosen else None}


def _read_multiple(q: dict, form: Mapping) -> dict:
    ids = {o["id"]: o["index"] for o in q["presentation"]["options"]}
    chosen = sorted({ids[v] for v in _values(form, f"q-{q['id']}") if v in ids})
    return {"answer": chosen or None}


def _read_text(q: dict, form: Mapping) -> dict:
    text = _first(form, f"q-{q['id']}")
    if len(text) > MAX_TEXT:
        return {"answer": None, "invalid": "too_long"}
    return {"answer": text or None}


def _read_number(q: dict, form: Mapping) -> dict:
    text = _first(form, f"q-{q['id']}")
    if len(text) > MAX_TEXT:
        return {"answer": None, "invalid": "too_long"}
    if not text:
        return {"answer": None}
    number = parse_number(text)
    if number is None:
        return {"answer": None, "invalid": "not_a_number", "raw": text[:100]}
    return {"answer": number}


def _read_matching(q: dict, form: Mapping) -> dict:
    choices = {c["id"]: c["text"] for c in q["presentation"]["choices"]}
    answer: list[str | None] = [None] * len(q["presentation"]["left"])
    for n, left in enumerate(q["presentation"]["left"], start=1):
        given = _first(form, f"q-{q['id']}-{n}")
        answer[left["index"]] = choices.get(given)
    return {"answer": answer if any(a is not None for a in answer) else None}


def _read_ordering(q: dict, form: Mapping) -> dict:
    count = len(q["presentation"]["items"])
    answer: list[int | None] = [None] * count
    for n, item in enumerate(q["presentation"]["items"], start=1):
        given = _first(form, f"q-{q['id']}-{n}")
        if given.isdigit() and 1 <= int(given) <= count:
            answer[item["index"]] = int(given)
    return {"answer": answer if any(a is not None for a in answer) else None}


READERS = {
    "single": _read_choice,
    "truefalse": _read_choice,
    "multiple": _read_multiple,
    "shorttext": _read_text,
    "numeric": _read_number,
    "matching": _read_matching,
    "ordering": _read_ordering,
}


def read_response(snapshot_q: dict, form: Mapping[str, list[str]]) -> dict:
    """The learner's answer to one snapshot question from the submitted form; never raises."""
    return READERS[snapshot_q["type"]](snapshot_q, form)


def grade_attempt(snapshot: list[dict], form: Mapping[str, list[str]]) -> AttemptGrade:
    """Grade every snapshot question from the form; fields for other questions are ignored."""
    results = []
    for question in snapshot:
        response = read_response(question, form)
        grade = grade_question(question, response)
        results.append(
            QuestionResult(question["id"], grade.score, grade.correct, grade.feedback, response)
        )
    total = sum(r.score for r in results)
    return AttemptGrade(100 * total / len(results) if results else 0.0, results)

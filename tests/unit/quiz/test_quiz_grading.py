"""Graders, one table per question type; answers are in source order."""

import pytest
from quiz_samples import parse_ok

from lms.quiz.grading import GRADERS, grade_question, normalise_text
from lms.quiz.model import question_to_dict


def question(body: str) -> dict:
    return question_to_dict(parse_ok(f"## Q\nid: q\n{body}").questions[0])


SINGLE = question("( ) A\n(x) B\n  > Yes B\n(50%) C\n  > Half\n")
MULTIPLE = "[x] A\n  > A fb\n[x] B\n[x] C\n[ ] D\n  > Not D\n[ ] E\n"
ALL_OR_NOTHING = question(MULTIPLE)
PARTIAL = question(MULTIPLE + "scoring: partial\n")
SHORT = question("answer: Oslo\n  > Right\nanswer 50%: Norway\nwrong: Ottawa\n  > Signing\n")
CASED = question("answer: NaCl\ncase: sensitive\n")
NUMERIC = question(
    "number: 4\n  > Exact\nnumber 50%: 4 +- 1\n  > Close\nnumber: 100 +- 5%\nnumber: -2 .. -1\n"
)
MATCHING = question("match: A -> 1\nmatch: B -> 2\nmatch: C -> 2\nmatch: D -> 4\nmatch: -> 9\n")
ORDER_ALL = question("order: a\norder: b\norder: c\norder: d\n")
ORDER_PARTIAL = question("order: a\norder: b\norder: c\norder: d\nscoring: partial\n")

# (question dict, answer, expected score, expected feedback)
CASES = [
    (SINGLE, 1, 1.0, ["Yes B"]),
    (SINGLE, 0, 0.0, []),
    (SINGLE, 2, 0.5, ["Half"]),
    (SINGLE, 7, 0.0, []),
    (SINGLE, "1", 0.0, []),
    (SINGLE, None, 0.0, []),
    (ALL_OR_NOTHING, [0, 1, 2], 1.0, ["A fb"]),
    (ALL_OR_NOTHING, [0, 1], 0.0, ["A fb"]),
    (ALL_OR_NOTHING, [0, 1, 2, 3], 0.0, ["A fb", "Not D"]),
    (PARTIAL, [0, 1, 2], 1.0, ["A fb"]),
    (PARTIAL, [0, 1], pytest.approx(2 / 3), ["A fb"]),
    (PARTIAL, [0, 1, 2, 3], pytest.approx(2 / 3), ["A fb", "Not D"]),
    (PARTIAL, [0, 3, 4], 0.0, ["A fb", "Not D"]),
    (PARTIAL, [3, 4], 0.0, ["Not D"]),
    (PARTIAL, [], 0.0, []),
    (SHORT, "Oslo", 1.0, ["Right"]),
    (SHORT, "  oSLO ", 1.0, ["Right"]),
    (SHORT, "ｏｓｌｏ", 1.0, ["Right"]),  # full-width letters, NFKC
    (SHORT, "norway", 0.5, []),
    (SHORT, "Ottawa", 0.0, ["Signing"]),
    (SHORT, "Geneva", 0.0, []),
    (SHORT, "   ", 0.0, []),
    (CASED, "NaCl", 1.0, []),
    (CASED, "nacl", 0.0, []),
    (NUMERIC, 4, 1.0, ["Exact"]),
    (NUMERIC, 4.9, 0.5, ["Close"]),
    (NUMERIC, 5.0, 0.5, ["Close"]),
    (NUMERIC, 5.01, 0.0, []),
    (NUMERIC, 95.0, 1.0, []),
    (NUMERIC, 105.0, 1.0, []),
    (NUMERIC, 105.5, 0.0, []),
    (NUMERIC, -1.5, 1.0, []),
    (NUMERIC, 0.1 + 0.2 - 0.3 + 4, 1.0, ["Exact"]),  # float noise still exact
    (NUMERIC, True, 0.0, []),
    (MATCHING, ["1", "2", "2", "4"], 1.0, []),
    (MATCHING, ["1", "2", "9", "4"], 0.75, []),
    (MATCHING, ["2", None, None, None], 0.0, []),
    (MATCHING, ["1", None], 0.25, []),
    (ORDER_ALL, [1, 2, 3, 4], 1.0, []),
    (ORDER_ALL, [1, 2, 4, 3], 0.0, []),
    (ORDER_PARTIAL, [1, 2, 4, 3], 0.5, []),
    (ORDER_PARTIAL, [1, 1, 1, 1], 0.25, []),
    (ORDER_PARTIAL, [None, 2, None, None], 0.25, []),
]


@pytest.mark.parametrize(("q", "answer", "score", "feedback"), CASES)
def test_grade_table(q, answer, score, feedback):
    grade = grade_question(q, answer)
    assert grade.score == score
    assert grade.correct is (grade.score == 1.0)
    assert grade.feedback == feedback


def test_response_dict_is_accepted_like_the_bare_answer():
    assert grade_question(SHORT, {"answer": "oslo"}).score == 1.0
    assert grade_question(SHORT, {"answer": None, "invalid": "too_long"}).score == 0.0


def test_truefalse_uses_the_choice_grader():
    q = question("(x) True\n( ) False\n")
    assert q["type"] == "truefalse"
    assert grade_question(q, 0).correct and not grade_question(q, 1).correct


def test_registry_covers_every_type():
    assert set(GRADERS) == {
        "single",
        "truefalse",
        "multiple",
        "shorttext",
        "numeric",
        "matching",
        "ordering",
    }


@pytest.mark.parametrize(
    ("text", "sensitive", "expected"),
    [
        ("  Mine   Ban\tTreaty ", False, "mine ban treaty"),
        ("Mine Ban", True, "Mine Ban"),
        ("ﬁeld", False, "field"),  # ligature, NFKC
        ("STRASSE", False, "strasse"),
    ],
)
def test_normalise_text(text, sensitive, expected):
    assert normalise_text(text, sensitive) == expected

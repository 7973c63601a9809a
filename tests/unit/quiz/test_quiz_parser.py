"""The quiz syntax parser: valid quizzes, and every error with its path and line."""

import pytest
from quiz_samples import SAMPLE, parse_ok

from lms.content.quiz_parser import parse_quiz
from lms.quiz.model import QuizSettings


def errors_of(text: str, **kwargs) -> list[str]:
    quiz, errors = parse_quiz(text, "m/quiz.md", **kwargs)
    assert quiz is None
    return [str(error) for error in errors]


def test_sample_parses_into_pools_and_types():
    quiz = parse_ok(SAMPLE)
    assert quiz.settings == QuizSettings(80, 3, "options", None, "after_pass", None)
    assert [(p.name, p.draw, len(p.questions)) for p in quiz.pools] == [
        ("history", 2, 3),
        ("treaty", None, 4),
    ]
    types = [(q.id, q.type) for q in quiz.questions]
    assert types == [
        ("entry-into-force", "single"),
        ("core-obligations", "multiple"),
        ("art4-deadline", "numeric"),
        ("adoption-city", "shorttext"),
        ("articles", "matching"),
        ("timeline", "ordering"),
        ("self-defence", "truefalse"),
    ]


def test_sample_question_details():
    questions = {q.id: q for q in parse_ok(SAMPLE).questions}
    first = questions["entry-into-force"]
    assert first.line == 10
    assert [o.weight for o in first.options] == [0.0, 1.0, 0.0]
    assert first.options[1].feedback == "Right: six months after the 40th ratification."
    assert first.explain == "Article 17 sets entry into force."
    assert first.hint == "Think of the 40th ratification."
    assert questions["core-obligations"].scoring == "partial"
    city = questions["adoption-city"]
    assert [(o.text, o.weight) for o in city.options] == [
        ("Oslo", 1.0),
        ("Norway", 0.5),
        ("Ottawa", 0.0),
    ]
    assert city.options[2].feedback == "Ottawa hosted the signing."
    assert questions["articles"].pairs[3].left == ""
    assert questions["articles"].left_pairs[2].right == "Transparency reports"
    assert questions["timeline"].items == (
        "ICBL founded",
        "Text adopted in Oslo",
        "Entry into force",
    )


def test_defaults_and_default_pool():
    quiz = parse_ok("## Q?\nid: q\nanswer: yes\n", default_pass_mark=60)
    assert quiz.settings == QuizSettings(pass_mark=60)
    assert quiz.settings.attempts == 0 and quiz.settings.shuffle == "none"
    assert quiz.settings.show_answers == "after_submit"
    assert [(p.name, p.draw) for p in quiz.pools] == [("", None)]


def test_text_continues_until_first_answer_and_escape_is_literal():
    text = (
        "## Read this:\n"
        "\n"
        "Note: the *Convention* text.\n"
        "\\## not a heading\n"
        "\\answer: not an answer\n"
        "id: q\n"
        "(x) 50% (x) sure\n"
        "( ) no\n"
        "explain: First line.\n"
        "Second line.\n"
    )
    question = parse_ok(text).questions[0]
    expected = "Read this:\n\nNote: the *Convention* text.\n## not a heading\nanswer: not an answer"
    assert question.text == expected
    assert question.options[0].text == "50% (x) sure"
    assert question.explain == "First line.\nSecond line."


def test_numeric_forms():
    text = "## N\nid: n\nnumber: 4\nnumber 50%: 10 +- 0.5\nnumber: 200 +- 5%\nnumber: -3 .. 1e1\n"
    numbers = parse_ok(text).questions[0].numbers
    assert [(n.low, n.high, n.value, n.weight) for n in numbers] == [
        (4.0, 4.0, 4.0, 1.0),
        (9.5, 10.5, 10.0, 0.5),
        (190.0, 210.0, 200.0, 1.0),
        (-3.0, 10.0, None, 1.0),
    ]


def test_self_check_block_lines_are_offset_and_settings_refused():
    block = "## Q\nid: q\n(x) A\n(x) B\n"
    assert errors_of(block, first_line=20, allow_front_matter=False) == [
        "m/quiz.md:23: two options are marked correct "
        "(hint: single choice has one `(x)`; use `[x]` lines for several correct options)"
    ]
    errors = errors_of("---\ndraw: 1\n---\n## Q\nid: q\nanswer: a\n", allow_front_matter=False)
    assert errors[0].startswith("m/quiz.md:1: settings are not allowed here")


# (quiz text, expected "path:line: message" prefix of the one error)
ERROR_CASES = [
    ("## Q\nid: q\n(x) A\n(x) B\n", "m/quiz.md:4: two options are marked correct"),
    ("## Q\nid: q\n( ) A\n( ) B\n", "m/quiz.md:1: no option is marked correct"),
    ("## Q\nid: q\n[ ] A\n[ ] B\n", "m/quiz.md:1: no option is marked correct"),
    ("## Q\nid: q\n(x) A\n", "m/quiz.md:1: question has fewer than two options"),
    ("## Q\nid: q\nmatch: a -> b\n", "m/quiz.md:1: question has fewer than two pairs"),
    ("## Q\nid: q\norder: a\n", "m/quiz.md:1: question has fewer than two items"),
    ("## Q\n> well done\nid: q\nanswer: a\n", "m/quiz.md:2: feedback with no answer line"),
    ("## Q\nid: q\nanswer: a\nhint: h\n> late\n", "m/quiz.md:5: feedback with no answer line"),
    ("## A\nid: q\nanswer: a\n\n## B\nid: q\nanswer: b\n", "m/quiz.md:6: duplicate id 'q'"),
    ("## Q\nanswer: a\n", "m/quiz.md:1: question has no id"),
    ("## Q\nid: q\n(x) A\n( ) B\nanswer: C\n", "m/quiz.md:5: `answer:` mixed with `( )`"),
    ("# pool: p (draw 3)\n## Q\nid: q\nanswer: a\n", "m/quiz.md:1: pool 'p' draws 3"),
    ("# pool: p (draw two)\n## Q\nid: q\nanswer: a\n", "m/quiz.md:1: malformed draw 'two'"),
    ("---\ndraw: 2\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: draw 2 is larger"),
    ("## Q\nid: q\nnumber: four\n", "m/quiz.md:3: malformed number 'four'"),
    ("## Q\nid: q\nnumber: 5 .. 1\n", "m/quiz.md:3: malformed number '5 .. 1'"),
    ("## Q\nid: q\nnumber: 5 +- -1\n", "m/quiz.md:3: malformed number '5 +- -1'"),
    ("---\ncolour: red\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: unknown setting 'colour'"),
    ("---\npass_mark: 101\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: bad value 101"),
    ("---\nattempts: -1\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: bad value -1"),
    ("---\nshuffle: yes\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: bad value True"),
    ("---\nshow_answers: now\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: bad value 'now'"),
    ("---\ntime_limit: 0\n---\n## Q\nid: q\nanswer: a\n", "m/quiz.md:2: bad value 0"),
    ("## Q\nid: q\n", "m/quiz.md:1: question has no answer lines"),
    ("## Q\nid: Bad Id\nanswer: a\n", "m/quiz.md:2: id 'Bad Id' is not a valid slug"),
    ("## Q\nid: q\nanswer: a\nscoring: partial\n", "m/quiz.md:4: scoring has no effect"),
    ("## Q\nid: q\n(x) A\n( ) B\ncase: sensitive\n", "m/quiz.md:5: case applies only"),
    ("## Q\nid: q\nanswer: a\nOops\n", "m/quiz.md:4: text after the answer lines"),
    ("Preface\n## Q\nid: q\nanswer: a\n", "m/quiz.md:1: text outside a question"),
    ("---\npass_mark: 50\n---\n\n", "m/quiz.md:4: quiz has no questions"),
    ("# History\n## Q\nid: q\nanswer: a\n", "m/quiz.md:1: unknown heading '# History'"),
    ("## Q\nid: q\n(150%) A\n(x) B\n", "m/quiz.md:3: weight 150% is above 100%"),
    ("## Q\nid: q\nanswer 50%: a\n", "m/quiz.md:1: no answer is accepted as fully correct"),
    ("## Q\nid: q\nmatch: a = b\nmatch: c -> d\nmatch: e -> f\n", "m/quiz.md:3: malformed match"),
    ("## Q\nid: q\nmatch: a -> b\n> fb\nmatch: c -> d\n", "m/quiz.md:4: feedback is not"),
    (
        "## M\nid: m\nmatch: a -> b\nmatch: c -> d\n\n## Q\nid: m-2\nanswer: a\n",
        "m/quiz.md:6: id 'm-2' clashes with question 'm'",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_each_error_is_reported_with_path_and_line(text, expected):
    errors = errors_of(text)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)
    assert "(hint: " in errors[0]


TEN_ERRORS = """\
---
pass_mark: 120
shuffle: sometimes
---
## Two right answers
id: two-right
(x) A
(x) B

## No id here
answer: x

## Bad id
id: Not A Slug
answer: y

## Mixed
id: mixed
answer: z
[x] W

## Orphan feedback
> nobody owns me
id: orphan
answer: o

## Broken number
id: broken-number
number: 3 .. x

## Nothing to answer
id: empty

## Duplicate
id: two-right
answer: d
"""


def test_ten_errors_are_all_reported_with_their_lines():
    quiz, errors = parse_quiz(TEN_ERRORS, "c/01-m/quiz.md")
    assert quiz is None
    assert [e.line for e in errors] == [2, 3, 8, 10, 14, 20, 23, 29, 31, 35]
    messages = [e.message for e in errors]
    assert messages[0] == "bad value 120 for pass_mark"
    assert messages[1] == "bad value 'sometimes' for shuffle"
    assert messages[2] == "two options are marked correct"
    assert messages[3] == "question has no id"
    assert messages[4] == "id 'Not A Slug' is not a valid slug"
    assert messages[5] == "`[ ]` mixed with `answer:` answers"
    assert messages[6] == "feedback with no answer line above it"
    assert messages[7].startswith("malformed number '3 .. x'")
    assert messages[8] == "question has no answer lines"
    assert messages[9] == "duplicate id 'two-right'"
    assert all(e.path == "c/01-m/quiz.md" and e.hint for e in errors)

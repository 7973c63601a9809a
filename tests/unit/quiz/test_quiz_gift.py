"""GIFT import and export, from fixtures written after Moodle's GIFT documentation."""

from pathlib import Path

from quiz_samples import SAMPLE, parse_ok

from lms.quiz.gift import gift_to_quiz_text, quiz_to_gift

GIFT_DIR = Path(__file__).parents[2] / "data" / "gift"


def imported():
    text, warnings = gift_to_quiz_text((GIFT_DIR / "all_types.gift").read_text(encoding="utf-8"))
    return parse_ok(text), warnings


def test_every_gift_type_imports_to_a_valid_quiz():
    quiz, _ = imported()
    assert [(p.name, len(p.questions)) for p in quiz.pools] == [("History", 15), ("Clearance", 1)]
    types = {q.id: q.type for q in quiz.questions}
    assert types == {
        "entry-into-force": "single",
        "weighted-choice": "single",
        "several-right": "multiple",
        "signed-in-ottawa": "truefalse",
        "use-allowed": "truefalse",
        "adoption-city": "shorttext",
        "articles": "matching",
        "missing-word": "single",
        "deadline": "numeric",
        "tolerance": "numeric",
        "range": "numeric",
        "several-numbers": "numeric",
        "markdown-title": "truefalse",
        "html-text": "truefalse",
        "escapes": "single",
        "clearance-deadline-in-years": "numeric",
    }


def test_gift_answers_weights_and_feedback_carry():
    q = {question.id: question for question in imported()[0].questions}
    first = q["entry-into-force"]
    assert [(o.text, o.weight, o.feedback) for o in first.options] == [
        ("3 December 1997", 0.0, "That is when it opened for signature."),
        ("1 March 1999", 1.0, "Right: six months after the 40th ratification."),
        ("18 September 1997", 0.0, ""),
    ]
    assert first.explain == "Article 17 sets entry into force."
    assert [o.weight for o in q["weighted-choice"].options] == [1.0, 0.5, 0.0]
    several = q["several-right"]
    assert [o.weight for o in several.options] == [1.0, 1.0, 0.0] and several.scoring == "partial"
    # GIFT true/false feedback: first for a wrong answer, second for a right one
    assert [(o.text, o.weight, o.feedback) for o in q["use-allowed"].options] == [
        ("True", 0.0, "No: the ban is total."),
        ("False", 1.0, "Right, use is never allowed."),
    ]
    city = q["adoption-city"].options
    assert [(o.text, o.weight) for o in city] == [("Oslo", 1.0), ("Norway", 0.5), ("Ottawa", 0.0)]
    assert city[2].feedback == "Ottawa hosted the signing, not the adoption."
    assert q["articles"].pairs[2].right == "Transparency reports"
    assert "\\_\\_\\_\\_\\_ in December 1997" in q["missing-word"].text
    assert [(n.low, n.high) for n in q["tolerance"].numbers] == [(120.0, 124.0)]
    assert [(n.low, n.high, n.value) for n in q["range"].numbers] == [(1997.0, 1997.0, None)]
    assert [(n.low, n.high, n.weight, n.feedback) for n in q["several-numbers"].numbers] == [
        (1997.0, 1997.0, 1.0, "Right."),
        (1996.0, 1998.0, 0.5, "Close."),
    ]
    assert q["html-text"].text == "Is <b>Article 7</b> about transparency?"
    escapes = q["escapes"]
    assert escapes.text == "Which sign is written ~ and = and # and { and } and : in GIFT?"
    assert escapes.options[0].text == "a backslash : escape"
    assert escapes.options[0].feedback == "It protects {braces}."


def test_gift_import_warns_about_what_cannot_carry():
    _, warnings = imported()
    assert warnings == [
        "category '$course$/Mine Ban Convention/History' is flattened to pool 'History'",
        "missing word question 'Missing word': the gap is shown as _____",
        "essay 'Reflection' cannot be graded automatically; skipped",
        "description 'Introduction' is not a question; skipped",
        "[html] text format marker dropped; the text is kept as Markdown",
    ]


def test_gift_multiple_answer_with_uneven_weights_warns():
    text, warnings = gift_to_quiz_text("::W::Pick{~%70%A ~%30%B ~%-100%C}")
    assert "[x] A\n[x] B\n[ ] C\nscoring: partial" in text
    assert warnings == ["question 'W': uneven weights become even partial credit"]


def test_export_writes_gift_with_escapes_and_warnings():
    quiz = parse_ok(SAMPLE + "\n## Cost {in} #1: a=b?\nid: cost\nanswer: x~y\nhint: h\n")
    gift, warnings = quiz_to_gift(quiz)
    assert "$CATEGORY: history" in gift and "$CATEGORY: treaty" in gift
    assert "::entry-into-force::[markdown]When did the Convention enter into force? {" in gift
    assert "\t=1 March 1999#Right\\: six months after the 40th ratification." in gift
    assert "####Article 17 sets entry into force." in gift
    assert "\t~%50%Destroy stockpiled anti-personnel mines" in gift
    assert (
        "\t~%-50%Pay for clearance in every other State Party#No\\: assistance is voluntary."
        in gift
    )
    assert "\t=%50%Norway" in gift and "\t=%0%Ottawa#Ottawa hosted the signing." in gift
    assert "\t#\n\t=4#Article 4 gives four years." in gift
    assert "\t= -> Withdrawal" in gift
    assert "\tFALSE" in gift
    assert "Cost \\{in\\} \\#1\\: a\\=b?" in gift and "\t=x\\~y" in gift
    assert warnings == [
        "quiz settings (attempts, shuffle, draw, ...) are not part of GIFT",
        "pool 'history': drawing 2 questions is not in GIFT",
        "entry-into-force: hints are not part of GIFT; dropped",
        "timeline: GIFT has no ordering question; skipped",
        "cost: hints are not part of GIFT; dropped",
    ]


def test_round_trip_keeps_questions_and_answers():
    extra = (
        "\n## Read this:\n\nNote: the *Convention* {text}.\n\\## not a heading\n"
        "id: long-text\n(x) A = B\n  > Yes #1\n( ) C ~ D\nexplain: one\n\ntwo\n"
    )
    quiz = parse_ok(SAMPLE.replace("number: 4\n", "number: 4 +- 5%\nnumber 50%: 1 .. 9\n") + extra)
    assert (
        quiz.questions[-1].text == "Read this:\n\nNote: the *Convention* {text}.\n## not a heading"
    )
    gift, _ = quiz_to_gift(quiz)
    text, warnings = gift_to_quiz_text(gift)
    assert warnings == []
    again = parse_ok(text)
    before = [q for q in quiz.questions if q.type != "ordering"]
    assert [q.id for q in again.questions] == [q.id for q in before]
    for old, new in zip(before, again.questions, strict=True):
        assert (new.type, new.text, new.options, new.pairs, new.explain, new.scoring) == (
            old.type,
            old.text,
            old.options,
            old.pairs,
            old.explain,
            old.scoring,
        )
        assert [(n.low, n.high, n.value, n.weight, n.feedback) for n in new.numbers] == [
            (n.low, n.high, n.value, n.weight, n.feedback) for n in old.numbers
        ]
    assert [p.name for p in again.pools] == ["history", "treaty"]


def test_round_trip_of_the_fixture_is_stable():
    quiz, _ = imported()
    gift, _ = quiz_to_gift(quiz)
    text, _ = gift_to_quiz_text(gift)
    assert [(q.id, q.type, q.options, q.pairs) for q in parse_ok(text).questions] == [
        (q.id, q.type, q.options, q.pairs) for q in quiz.questions
    ]

"""Attempts: drawing, the public view, reading the form, grading and review."""

import json

import pytest
from quiz_samples import SAMPLE, correct_form, parse_ok

from lms.quiz.attempt import (
    draw_questions,
    grade_attempt,
    public_question,
    read_response,
    review_question,
)
from lms.quiz.model import question_from_dict

QUIZ = parse_ok(SAMPLE)


def by_id(snapshot: list[dict]) -> dict[str, dict]:
    return {q["id"]: q for q in snapshot}


def test_draw_is_deterministic_and_respects_pool_draws():
    first = draw_questions(QUIZ, 7)
    assert first == draw_questions(QUIZ, 7)
    history = {"entry-into-force", "core-obligations", "art4-deadline"}
    for seed in range(30):
        ids = [q["id"] for q in draw_questions(QUIZ, seed)]
        assert len(ids) == 6 and len(set(ids) & history) == 2
        # `shuffle: options` keeps questions in authored order
        order = [q.id for q in QUIZ.questions]
        assert ids == sorted(ids, key=order.index)
    drawn = {frozenset(q["id"] for q in draw_questions(QUIZ, s)) for s in range(30)}
    assert len(drawn) == 3  # every pair of the history pool turns up


def test_quiz_level_draw_and_question_shuffle():
    text = SAMPLE.replace("shuffle: options", "shuffle: both\ndraw: 4")
    quiz = parse_ok(text)
    orders = set()
    for seed in range(20):
        snapshot = draw_questions(quiz, seed)
        assert len(snapshot) == 4
        orders.add(tuple(q["id"] for q in snapshot))
    assert len(orders) > 5


def test_options_shuffle_only_when_asked_but_items_and_choices_always():
    plain = parse_ok(SAMPLE.replace("shuffle: options", "shuffle: none"))
    options_orders, item_orders = set(), set()
    for seed in range(20):
        snap = by_id(draw_questions(plain, seed))
        if "entry-into-force" in snap:
            options_orders.add(
                tuple(o["index"] for o in snap["entry-into-force"]["presentation"]["options"])
            )
        items = [i["index"] for i in snap["timeline"]["presentation"]["items"]]
        assert items != [0, 1, 2]  # never shown in the right order
        item_orders.add(tuple(items))
    assert options_orders == {(0, 1, 2)}
    assert len(item_orders) > 1
    shuffled = {
        tuple(
            o["index"]
            for o in by_id(draw_questions(QUIZ, s))["self-defence"]["presentation"]["options"]
        )
        for s in range(10)
    }
    assert shuffled == {(0, 1)}  # True/False keeps its order


def test_opaque_ids_depend_on_seed_and_hide_source_order():
    a = by_id(draw_questions(QUIZ, 1))["articles"]["presentation"]
    b = by_id(draw_questions(QUIZ, 2))["articles"]["presentation"]
    ids_a = {c["id"] for c in a["choices"]}
    assert ids_a.isdisjoint({c["id"] for c in b["choices"]})
    assert all(len(i) == 12 and i.startswith("o") for i in ids_a)


def test_snapshot_round_trips_to_the_question():
    for snap in draw_questions(QUIZ, 3):
        assert question_from_dict(snap) in QUIZ.questions
        assert json.loads(json.dumps(snap)) == snap


SECRETS = [
    "Right: six months",
    "Article 17 sets",
    "weight",
    "feedback",
    "explain",
    "Norway",
    "Ottawa",
    "Oslo",  # appears only as an accepted answer or an ordering item text
    "Article 4 gives",
    "No: assistance",
    "pairs",
    "index",
    "numbers",
]


def test_public_question_leaks_nothing():
    for seed in range(10):
        for snap in draw_questions(QUIZ, seed):
            public = public_question(snap)
            dumped = json.dumps(public)
            for secret in SECRETS:
                if secret == "Oslo" and snap["id"] == "timeline":
                    continue  # "Text adopted in Oslo" is an item to order
                assert secret not in dumped, (snap["id"], secret)
            assert set(public) == {
                "id",
                "type",
                "text",
                "hint",
                "field",
                "options",
                "left",
                "choices",
                "items",
                "count",
            }


def test_public_question_shapes():
    snap = by_id(draw_questions(QUIZ, 5))
    articles = public_question(snap["articles"])
    assert articles["count"] == 3
    assert [left["field"] for left in articles["left"]] == [
        "q-articles-1",
        "q-articles-2",
        "q-articles-3",
    ]
    assert sorted(c["text"] for c in articles["choices"]) == [
        "Clearance of mined areas",
        "Stockpile destruction",
        "Transparency reports",
        "Withdrawal",
    ]
    timeline = public_question(snap["timeline"])
    assert timeline["count"] == 3 and [i["field"] for i in timeline["items"]][0] == "q-timeline-1"
    truefalse = public_question(snap["self-defence"])
    assert [o["text"] for o in truefalse["options"]] == ["True", "False"]


def test_correct_form_scores_100_and_empty_form_scores_0():
    snapshot = draw_questions(QUIZ, 11)
    graded = grade_attempt(snapshot, correct_form(snapshot))
    assert graded.score == 100.0
    assert all(r.correct for r in graded.results)
    empty = grade_attempt(snapshot, {})
    assert empty.score == 0.0
    assert all(r.response == {"answer": None} for r in empty.results)
    assert json.loads(json.dumps([r.response for r in graded.results])) is not None


@pytest.mark.parametrize(
    ("qid", "form", "expected"),
    [
        (
            "adoption-city",
            {"q-adoption-city": ["x" * 501]},
            {"answer": None, "invalid": "too_long"},
        ),
        ("adoption-city", {"q-adoption-city": "  Oslo "}, {"answer": "Oslo"}),
        ("adoption-city", {"q-adoption-city": [""]}, {"answer": None}),
        (
            "art4-deadline",
            {"q-art4-deadline": ["four"]},
            {"answer": None, "invalid": "not_a_number", "raw": "four"},
        ),
        (
            "art4-deadline",
            {"q-art4-deadline": ["nan"]},
            {"answer": None, "invalid": "not_a_number", "raw": "nan"},
        ),
        ("art4-deadline", {"q-art4-deadline": [" -4.5e0 "]}, {"answer": -4.5}),
        ("entry-into-force", {"q-entry-into-force": ["forged", "0"]}, {"answer": None}),
        ("timeline", {"q-timeline-1": ["9"], "q-timeline-2": ["x"]}, {"answer": None}),
        ("articles", {"q-articles-1": ["not-an-id"]}, {"answer": None}),
    ],
)
def test_read_response_is_robust(qid, form, expected):
    snapshot = by_id(draw_questions(QUIZ, 0) + draw_questions(QUIZ, 1))
    assert read_response(snapshot[qid], form) == expected


def test_read_response_maps_presented_ids_to_source_order():
    snap = by_id(draw_questions(QUIZ, 4))
    ordering = snap["timeline"]
    presented = [i["index"] for i in ordering["presentation"]["items"]]
    form = {f"q-timeline-{n}": [str(index + 1)] for n, index in enumerate(presented, start=1)}
    assert read_response(ordering, form) == {"answer": [1, 2, 3]}
    articles = snap["articles"]
    withdrawal = next(
        c["id"] for c in articles["presentation"]["choices"] if c["text"] == "Withdrawal"
    )
    first_left = articles["presentation"]["left"][0]["index"]
    answer = read_response(articles, {"q-articles-1": [withdrawal]})["answer"]
    assert answer[first_left] == "Withdrawal" and answer.count(None) == 2


def test_unknown_questions_in_the_form_are_ignored():
    snapshot = draw_questions(QUIZ, 2)
    form = correct_form(snapshot) | {"q-not-there": ["1"], "q-timeline-9": ["1"]}
    assert grade_attempt(snapshot, form).score == 100.0


def test_partial_attempt_score_is_the_mean():
    snapshot = draw_questions(QUIZ, 2)
    form = correct_form(snapshot)
    del form["q-adoption-city"]
    assert grade_attempt(snapshot, form).score == pytest.approx(500 / 6)


def test_review_reveals_only_when_allowed():
    snapshot = draw_questions(QUIZ, 9)
    graded = grade_attempt(snapshot, correct_form(snapshot) | {"q-adoption-city": ["norway"]})
    results = {r.question_id: r for r in graded.results}
    city = by_id(snapshot)["adoption-city"]
    hidden = review_question(city, results["adoption-city"], reveal=False)
    assert hidden["given"] == "norway" and hidden["score"] == 0.5
    assert hidden["accepted"] == [] and hidden["explain"] == "" and hidden["feedback"] == []
    assert "Oslo" not in json.dumps(hidden)
    shown = review_question(city, results["adoption-city"], reveal=True)
    assert shown["accepted"] == ["Oslo", "Norway (50%)"]


def test_review_of_a_stored_choice_result():
    seed = next(s for s in range(50) if "entry-into-force" in by_id(draw_questions(QUIZ, s)))
    snapshot = draw_questions(QUIZ, seed)
    result = grade_attempt(snapshot, correct_form(snapshot)).results[0]
    assert result.question_id == "entry-into-force"
    stored = json.loads(json.dumps(result.__dict__))  # as the database gives it back
    first = snapshot[0]
    review = review_question(first, stored, reveal=True)
    assert [o["chosen"] for o in review["options"]] == [o["correct"] for o in review["options"]]
    assert sum(o["chosen"] for o in review["options"]) == 1
    assert review["explain"] == "Article 17 sets entry into force."
    assert review["feedback"] == ["Right: six months after the 40th ratification."]
    hidden = review_question(first, stored, reveal=False)
    assert "correct" not in hidden["options"][0] and hidden["feedback"] == []


def test_review_of_ordering_and_matching():
    snapshot = by_id(draw_questions(QUIZ, 3))
    form = correct_form(list(snapshot.values()))
    graded = {r.question_id: r for r in grade_attempt(list(snapshot.values()), form).results}
    timeline = review_question(snapshot["timeline"], graded["timeline"], reveal=True)
    assert [i["position"] for i in timeline["items"]] == [
        i["correct_position"] for i in timeline["items"]
    ]
    articles = review_question(snapshot["articles"], graded["articles"], reveal=False)
    assert all(left["chosen"] for left in articles["left"]) and "right" not in articles["left"][0]

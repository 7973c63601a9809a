"""Property tests: scores stay in [0, 1], right answers score 1, shuffling changes no score."""

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_samples import SAMPLE, correct_form, parse_ok

from lms.quiz.attempt import draw_questions, grade_attempt, public_question, read_response
from lms.quiz.grading import grade_question
from lms.quiz.model import Quiz, QuizSettings, question_from_dict, question_to_dict

QUIZ = parse_ok(SAMPLE.replace("shuffle: options", "shuffle: both"))
WORDS = (
    st.text(alphabet=string.ascii_letters.replace("z", "") + " ", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
SECRET = "zq"  # generated texts have no "z", so they never contain this marker
FEEDBACK_OK = ("(", "[", "answer", "wrong", "number")


@st.composite
def questions(draw):
    """A random valid question of any type, as quiz syntax."""
    kind = draw(st.sampled_from(["single", "multiple", "short", "number", "match", "order"]))
    texts = draw(st.lists(WORDS, min_size=2, max_size=6, unique_by=str.casefold))
    lines = []
    if kind == "single":
        right = draw(st.integers(0, len(texts) - 1))
        lines = [f"({'x' if i == right else ' '}) {t}" for i, t in enumerate(texts)]
    elif kind == "multiple":
        rights = draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
        rights[0] = True
        lines = [f"[{'x' if r else ' '}] {t}" for r, t in zip(rights, texts, strict=True)]
        lines.append(draw(st.sampled_from(["", "scoring: partial"])))
    elif kind == "short":
        lines = [f"answer: {SECRET}{texts[0]}", *[f"wrong: {t}" for t in texts[1:]]]
    elif kind == "number":
        value = draw(st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3)))
        tolerance = draw(st.sampled_from(["", " +- 0.5", " +- 5%"]))
        lines = [f"number: {value}{tolerance}"]
    elif kind == "match":
        lines = [f"match: {t} -> R{i}" for i, t in enumerate(texts)] + ["match: -> Distractor"]
    else:
        lines = [f"order: {t}" for t in texts] + [draw(st.sampled_from(["", "scoring: partial"]))]
    lines = [
        f"{line}\n  > {SECRET} feedback" if line.startswith(FEEDBACK_OK) else line for line in lines
    ]
    text = "## Question?\nid: q\n" + "\n".join(lines) + f"\nexplain: {SECRET} explained\n"
    return parse_ok(text)


@settings(max_examples=150, deadline=None)
@given(quiz=questions(), seed=st.integers(0, 2**32), data=st.data())
def test_any_response_scores_in_unit_interval(quiz, seed, data):
    snap = draw_questions(quiz, seed)[0]
    ids = [o["id"] for o in snap["presentation"]["options"]]
    ids += [c["id"] for c in snap["presentation"]["choices"]]
    value = st.one_of(
        st.sampled_from(ids or ["x"]), st.text(max_size=8), st.integers(-3, 9).map(str)
    )
    names = [f"q-{snap['id']}"] + [f"q-{snap['id']}-{n}" for n in range(1, 8)]
    form = data.draw(st.dictionaries(st.sampled_from(names), st.lists(value, max_size=4)))
    grade = grade_question(snap, read_response(snap, form))
    assert 0.0 <= grade.score <= 1.0
    assert grade.correct == (grade.score == 1.0)


@settings(max_examples=150, deadline=None)
@given(quiz=questions(), seed=st.integers(0, 2**32))
def test_the_correct_response_scores_one(quiz, seed):
    snapshot = draw_questions(quiz, seed)
    assert grade_attempt(snapshot, correct_form(snapshot)).score == 100.0


def _form_for(snap: dict, chosen: set[int], positions: list[int], matches: list[str]) -> dict:
    """A form giving the same source-order answer whatever the presented order."""
    name, shown = f"q-{snap['id']}", snap["presentation"]
    options = [o["id"] for o in shown["options"] if o["index"] in chosen]
    if snap["type"] in ("single", "truefalse"):
        options = [o["id"] for o in shown["options"] if o["index"] == min(chosen)]
    form = {name: options}
    for n, item in enumerate(shown["items"], start=1):
        form[f"{name}-{n}"] = [str(positions[item["index"]])]
    choice_ids = {c["text"]: c["id"] for c in shown["choices"]}
    for n, left in enumerate(shown["left"], start=1):
        form[f"{name}-{n}"] = [choice_ids[matches[left["index"] % len(matches)]]]
    return form


@settings(max_examples=150, deadline=None)
@given(
    quiz=questions(), seeds=st.tuples(st.integers(0, 2**32), st.integers(0, 2**32)), data=st.data()
)
def test_same_answers_score_the_same_under_any_shuffle(quiz, seeds, data):
    """The same source-order answer under two seeds (two presented orders) scores the same."""
    quiz = Quiz(QuizSettings(shuffle="both"), quiz.pools)
    a, b = (draw_questions(quiz, seed)[0] for seed in seeds)
    size = max(len(a["options"]), len(a["items"]), 1)
    chosen = data.draw(st.sets(st.integers(0, size - 1), min_size=1))
    positions = data.draw(st.permutations(range(1, len(a["items"]) + 1)))
    rights = [c["text"] for c in a["presentation"]["choices"]] or ["-"]
    matches = data.draw(st.lists(st.sampled_from(sorted(rights)), min_size=1, max_size=7))
    grades = [
        grade_question(s, read_response(s, _form_for(s, chosen, positions, matches)))
        for s in (a, b)
    ]
    assert grades[0] == grades[1]


def keys_of(value) -> set[str]:
    """Every dict key anywhere in a JSON-like value."""
    if isinstance(value, dict):
        return set(value).union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value))
    return set()


@settings(max_examples=100, deadline=None)
@given(quiz=questions(), seed=st.integers(0, 2**32))
def test_public_view_leaks_nothing(quiz, seed):
    snap = draw_questions(quiz, seed)[0]
    dumped = json.dumps(public_question(snap))
    assert SECRET not in dumped
    secret_keys = {"weight", "feedback", "explain", "index", "low", "high", "source", "pairs"}
    assert not secret_keys & keys_of(public_question(snap))
    if snap["type"] in ("shorttext", "numeric"):
        # nothing but the question itself: accepted answers have nowhere to hide
        assert public_question(snap) == {
            "id": "q",
            "type": snap["type"],
            "text": "Question?",
            "hint": "",
            "field": "q-q",
            "options": [],
            "left": [],
            "choices": [],
            "items": [],
            "count": 0,
        }


@given(quiz=questions())
def test_question_dict_round_trips(quiz):
    question = quiz.questions[0]
    data = json.loads(json.dumps(question_to_dict(question)))
    assert question_from_dict(data) == question


def test_sample_quiz_scores_100_for_every_seed():
    for seed in range(25):
        snapshot = draw_questions(QUIZ, seed)
        assert grade_attempt(snapshot, correct_form(snapshot)).score == 100.0

"""Draw an attempt's questions and decide what the quiz page may show of them."""

import hashlib
import random

from lms.quiz.model import Question, Quiz, question_to_dict

# Types whose options follow the quiz's `shuffle: options` setting.
CHOICE_TYPES = ("single", "truefalse", "multiple")


def opaque_id(seed: int, question_id: str, kind: str, index: int) -> str:
    """A short id that says nothing about correctness or source order without the seed."""
    digest = hashlib.sha256(f"{seed}|{question_id}|{kind}|{index}".encode())
    return "o" + digest.hexdigest()[:11]


def draw_questions(quiz: Quiz, seed: int) -> list[dict]:
    """The attempt snapshot: drawn questions with their presented order, deterministic by seed."""
    rng = random.Random(seed)
    shuffle = quiz.settings.shuffle
    drawn: list[Question] = []
    for pool in quiz.pools:
        drawn += _sample_in_order(rng, pool.questions, pool.draw)
    if quiz.settings.draw is not None:
        drawn = _sample_in_order(rng, drawn, quiz.settings.draw)
    if shuffle in ("questions", "both"):
        rng.shuffle(drawn)
    shuffle_options = shuffle in ("options", "both")
    return [_snapshot_question(q, seed, rng, shuffle_options) for q in drawn]


def _sample_in_order(rng: random.Random, questions: list, count: int | None) -> list:
    # Drawn questions keep their authored order; only `shuffle` reorders them.
    if count is None or count >= len(questions):
        return list(questions)
    chosen = set(rng.sample(range(len(questions)), count))
    return [q for i, q in enumerate(questions) if i in chosen]


def _shuffled(rng: random.Random, count: int, shuffle: bool, avoid_identity: bool = False):
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
        # Items shown in the right order would give the answer away.
        while avoid_identity and count > 1 and order == sorted(order):
            rng.shuffle(order)
    return order


def _snapshot_question(q: Question, seed: int, rng: random.Random, shuffle: bool) -> dict:
    def ids(kind: str, order: list[int]) -> list[dict]:
        return [{"id": opaque_id(seed, q.id, kind, i), "index": i} for i in order]

    # True/False keeps its authored order: a shuffled "False, True" only confuses.
    shuffle_options = shuffle and q.type in ("single", "multiple")
    rights = list(dict.fromkeys(pair.right for pair in q.pairs))
    presentation = {
        "options": ids("option", _shuffled(rng, len(q.options), shuffle_options))
        if q.type in CHOICE_TYPES
        else [],
        "left": ids("left", _shuffled(rng, len(q.left_pairs), shuffle)),
        "choices": [
            {"id": opaque_id(seed, q.id, "choice", i), "text": rights[i]}
            for i in _shuffled(rng, len(rights), True)
        ],
        "items": ids("item", _shuffled(rng, len(q.items), True, avoid_identity=True)),
    }
    return {**question_to_dict(q), "presentation": presentation}


def public_question(snapshot_q: dict) -> dict:
    """What the quiz page may show before submission: no answers, weights or feedback."""
    qid, presentation = snapshot_q["id"], snapshot_q["presentation"]
    lefts = [p for p in snapshot_q["pairs"] if p["left"]]
    public = {
        "id": qid,
        "type": snapshot_q["type"],
        "text": snapshot_q["text"],
        "hint": snapshot_q["hint"],
        "field": f"q-{qid}",
        "options": [
            {"id": o["id"], "text": snapshot_q["options"][o["index"]]["text"]}
            for o in presentation["options"]
        ],
        "left": [
            {"field": f"q-{qid}-{n}", "text": lefts[left["index"]]["left"]}
            for n, left in enumerate(presentation["left"], start=1)
        ],
        "choices": [{"id": c["id"], "text": c["text"]} for c in presentation["choices"]],
        "items": [
            {"field": f"q-{qid}-{n}", "text": snapshot_q["items"][item["index"]]}
            for n, item in enumerate(presentation["items"], start=1)
        ],
    }
    public["count"] = len(public["left"]) or len(public["items"])
    return public

"""Self-checks for offline practice: the questions, and the key the browser marks them by.

Self-checks are ungraded practice, so an offline package may carry their answers: the
key sits in each question's `data-key` attribute and offline.js marks the answers with
it. Graded module quizzes never go into a package (they stay online only).
"""

import hashlib
import json
from dataclasses import dataclass

from lms.quiz.model import Pool, Quiz, QuizSettings, question_from_dict
from lms.quiz.snapshot import draw_questions, public_question


@dataclass(frozen=True)
class PracticeQuestion:
    """A question as the form shows it (`public`), with its hidden review material."""

    public: dict
    key: str  # JSON for offline.js: how to mark the answer
    option_notes: dict  # option id -> {"correct": bool, "feedback": Markdown text}
    answer_feedback: list[str]  # feedback of each short-text answer or number, in order
    accepted: list[str]  # accepted short-text answers or numbers, as written
    rights: list[str]  # matching: the right match of each left item, as shown
    positions: list[int]  # ordering: the right place of each item, as shown
    explain: str


def practice_checks(records: list[dict], seed_text: str) -> list[list[PracticeQuestion]]:
    """Every self-check of a lesson, each with all its questions (no draw offline)."""
    checks = []
    for index, record in enumerate(records):
        # Offline there is no draw: practise every question of every pool.
        pools = [
            Pool(p["name"], None, [question_from_dict(q) for q in p["questions"]])
            for p in record["pools"]
        ]
        quiz = Quiz(QuizSettings(), pools)
        digest = hashlib.sha256(f"{seed_text}|{index}".encode()).hexdigest()
        snapshot = draw_questions(quiz, seed=int(digest[:12], 16))
        checks.append([practice_question(q) for q in snapshot])
    return checks


def practice_question(snapshot_q: dict) -> PracticeQuestion:
    """One drawn question with what offline.js needs to mark it and show the review."""
    question = question_from_dict(snapshot_q)
    presentation = snapshot_q["presentation"]
    public = public_question(snapshot_q)
    options = [(o["id"], snapshot_q["options"][o["index"]]) for o in presentation["options"]]
    key: dict = {"type": question.type, "scoring": question.scoring, "field": public["field"]}
    if question.type in ("single", "truefalse", "multiple"):
        key["options"] = {oid: option["weight"] for oid, option in options}
    elif question.type == "shorttext":
        key["answers"] = [[o.text, o.weight] for o in question.options]
        key["case_sensitive"] = question.case_sensitive
    elif question.type == "numeric":
        key["numbers"] = [[n.low, n.high, n.weight] for n in question.numbers]
    choice_ids = {c["text"]: c["id"] for c in presentation["choices"]}
    lefts = question.left_pairs
    rights = [lefts[left["index"]].right for left in presentation["left"]]
    positions = [item["index"] + 1 for item in presentation["items"]]
    if question.type == "matching":
        key["pairs"] = [choice_ids[right] for right in rights]
    elif question.type == "ordering":
        key["positions"] = positions
    numbered = question.numbers if question.type == "numeric" else question.options
    accepted = [
        (a.source if question.type == "numeric" else a.text)
        + ("" if a.weight == 1 else f" ({a.weight * 100:g}%)")
        for a in numbered
        if a.weight > 0
    ]
    return PracticeQuestion(
        public=public,
        key=json.dumps(key, ensure_ascii=False, sort_keys=True),
        option_notes={
            oid: {"correct": option["weight"] > 0, "feedback": option["feedback"]}
            for oid, option in options
        },
        answer_feedback=[a.feedback for a in numbered] if question.type in TEXT_TYPES else [],
        accepted=accepted if question.type in TEXT_TYPES else [],
        rights=rights,
        positions=positions,
        explain=question.explain,
    )


TEXT_TYPES = ("shorttext", "numeric")

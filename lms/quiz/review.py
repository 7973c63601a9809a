"""What the result page shows of a graded question, revealing answers only when allowed."""

from collections.abc import Mapping

from lms.quiz.snapshot import public_question


def _get(result, name: str):
    # Results come as QuestionResult right after grading, or as dicts once stored.
    return result.get(name) if isinstance(result, Mapping) else getattr(result, name)


def _percent(weight: float) -> str:
    return f"{weight * 100:g}%"


def review_question(snapshot_q: dict, result, reveal: bool) -> dict:
    """The question as shown, the learner's answer and score; answers and feedback if reveal."""
    response = _get(result, "response") or {}
    answer = response.get("answer")
    review = public_question(snapshot_q)
    review.update(
        score=_get(result, "score"),
        correct=_get(result, "correct"),
        answer=answer,
        invalid=response.get("invalid", ""),
        given=_given_text(snapshot_q, response),
        revealed=reveal,
        feedback=list(_get(result, "feedback") or []) if reveal else [],
        explain=snapshot_q["explain"] if reveal else "",
        accepted=_accepted(snapshot_q) if reveal else [],
    )
    _mark_options(review, snapshot_q, answer, reveal)
    _mark_left(review, snapshot_q, answer, reveal)
    _mark_items(review, snapshot_q, answer, reveal)
    return review


def _given_text(q: dict, response: dict) -> str:
    answer = response.get("answer")
    if q["type"] == "numeric":
        return response.get("raw", "") if answer is None else f"{answer:g}"
    return answer if q["type"] == "shorttext" and answer else ""


def _accepted(q: dict) -> list[str]:
    """Accepted short-text answers and numbers, as an author wrote them."""
    if q["type"] == "shorttext":
        accepted = [o for o in q["options"] if o["weight"] > 0]
        return [
            o["text"] if o["weight"] == 1 else f"{o['text']} ({_percent(o['weight'])})"
            for o in accepted
        ]
    if q["type"] == "numeric":
        return [
            n["source"] if n["weight"] == 1 else f"{n['source']} ({_percent(n['weight'])})"
            for n in q["numbers"]
        ]
    return []


def _mark_options(review: dict, q: dict, answer, reveal: bool) -> None:
    chosen = set(answer) if isinstance(answer, list) else {answer}
    for shown, presented in zip(review["options"], q["presentation"]["options"], strict=True):
        option = q["options"][presented["index"]]
        shown["chosen"] = presented["index"] in chosen
        if reveal:
            shown.update(correct=option["weight"] > 0, weight=option["weight"])
            shown["feedback"] = option["feedback"]


def _mark_left(review: dict, q: dict, answer, reveal: bool) -> None:
    lefts = [p for p in q["pairs"] if p["left"]]
    for shown, presented in zip(review["left"], q["presentation"]["left"], strict=True):
        index = presented["index"]
        shown["chosen"] = answer[index] if isinstance(answer, list) else None
        if reveal:
            shown["right"] = lefts[index]["right"]


def _mark_items(review: dict, q: dict, answer, reveal: bool) -> None:
    for shown, presented in zip(review["items"], q["presentation"]["items"], strict=True):
        index = presented["index"]
        shown["position"] = answer[index] if isinstance(answer, list) else None
        if reveal:
            shown["correct_position"] = index + 1

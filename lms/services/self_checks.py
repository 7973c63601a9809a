"""Ungraded self-check questions inside lessons: shown without answers, marked on submit."""

from lms.errors import NotFound
from lms.models import Lesson
from lms.quiz.attempt import grade_attempt, public_question, review_question
from lms.quiz.snapshot import draw_questions
from lms.services.quiz_store import quiz_from_record


def _snapshot(lesson: Lesson, index: int) -> list[dict]:
    """The check's questions, drawn the same way every time for this lesson revision."""
    if not 0 <= index < len(lesson.self_checks):
        raise NotFound("No such self-check.")
    quiz = quiz_from_record({}, lesson.self_checks[index]["pools"])
    return draw_questions(quiz, seed=lesson.id * 10_000 + lesson.revision * 100 + index)


def check_questions(lesson: Lesson) -> list[list[dict]]:
    """Every self-check of the lesson as public questions (no answers), in order."""
    return [
        [public_question(q) for q in _snapshot(lesson, index)]
        for index in range(len(lesson.self_checks))
    ]


def mark_check(lesson: Lesson, index: int, form) -> list[dict]:
    """Mark one self-check and return each question's review with answers and feedback."""
    snapshot = _snapshot(lesson, index)
    graded = grade_attempt(snapshot, form)
    return [
        review_question(question, result, reveal=True)
        for question, result in zip(snapshot, graded.results, strict=True)
    ]

"""How quizzes count towards completion: a module's quiz must be passed."""

from sqlalchemy import exists, select

from lms.extensions import db
from lms.models import Quiz, QuizAttempt


def quiz_requirement_met(user_id: int, module_id: int) -> bool:
    """True if the module has no live quiz, or the user has a passed attempt at it."""
    quiz_id = db.session.scalar(
        select(Quiz.id).where(Quiz.module_id == module_id, Quiz.archived.is_(False))
    )
    if quiz_id is None:
        return True
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    QuizAttempt.user_id == user_id,
                    QuizAttempt.quiz_id == quiz_id,
                    QuizAttempt.passed.is_(True),
                )
            )
        )
    )

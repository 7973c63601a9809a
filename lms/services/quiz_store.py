"""Quizzes to and from the JSON kept in the database."""

from dataclasses import asdict

from lms.quiz.model import Pool, Quiz, QuizSettings, question_from_dict, question_to_dict


def settings_to_dict(quiz: Quiz) -> dict:
    """The quiz settings as plain JSON values."""
    return asdict(quiz.settings)


def pools_to_list(quiz: Quiz) -> list[dict]:
    """The quiz pools and their questions as plain JSON values."""
    return [
        {
            "name": pool.name,
            "draw": pool.draw,
            "questions": [question_to_dict(q) for q in pool.questions],
        }
        for pool in quiz.pools
    ]


def quiz_from_record(settings: dict, pools: list[dict]) -> Quiz:
    """Rebuild the quiz from its stored settings and pools."""
    return Quiz(
        settings=QuizSettings(**settings),
        pools=[
            Pool(
                name=p["name"],
                draw=p["draw"],
                questions=[question_from_dict(q) for q in p["questions"]],
            )
            for p in pools
        ],
    )

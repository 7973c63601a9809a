"""A course as its authors see it: every module and lesson, archived ones too, with
which revision is published and whether a newer draft waits."""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from lms.extensions import db
from lms.models import Course, Lesson, LessonRevision, Module, Quiz, QuizRevision


@dataclass
class LessonRow:
    """A lesson on the course page: what learners see and whether a draft waits."""

    lesson: Lesson
    latest: int  # newest revision number

    @property
    def pending(self) -> bool:
        """A saved revision newer than the published one."""
        return self.latest > self.lesson.revision

    @property
    def never_published(self) -> bool:
        """Written in the browser and not yet shown to learners."""
        return self.lesson.revision == 0


@dataclass
class ModuleRow:
    """A module on the course page with its lessons and its quiz's state."""

    module: Module
    lessons: list[LessonRow]
    quiz: object = None  # Quiz or None
    quiz_latest: int = 0
    quiz_published: int = 0

    @property
    def quiz_pending(self) -> bool:
        """A saved quiz revision newer than the published one."""
        return self.quiz is not None and self.quiz_latest > self.quiz_published


def course_overview(course: Course) -> list[ModuleRow]:
    """Every module and lesson of the course, archived ones too, in four queries."""

    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id).order_by(Module.position, Module.id)
    ).all()
    ids = [m.id for m in modules]
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.module_id.in_(ids)).order_by(Lesson.position, Lesson.id)
    ).all()
    latest = dict(
        db.session.execute(
            select(LessonRevision.lesson_id, func.max(LessonRevision.revision))
            .where(LessonRevision.lesson_id.in_([lesson.id for lesson in lessons]))
            .group_by(LessonRevision.lesson_id)
        ).all()
    )
    quizzes = {
        q.module_id: q for q in db.session.scalars(select(Quiz).where(Quiz.module_id.in_(ids)))
    }
    quiz_rows = db.session.execute(
        select(
            QuizRevision.quiz_id,
            func.max(QuizRevision.revision),
            func.max(
                case((QuizRevision.published_at.is_not(None), QuizRevision.revision), else_=0)
            ),
        )
        .where(QuizRevision.quiz_id.in_([q.id for q in quizzes.values()]))
        .group_by(QuizRevision.quiz_id)
    ).all()
    quiz_numbers = {qid: (newest, live) for qid, newest, live in quiz_rows}
    rows = []
    for module in modules:
        row = ModuleRow(
            module,
            [
                LessonRow(lesson, latest.get(lesson.id, lesson.revision))
                for lesson in lessons
                if lesson.module_id == module.id
            ],
        )
        quiz = quizzes.get(module.id)
        if quiz is not None:
            newest, live = quiz_numbers.get(quiz.id, (0, 0))
            row.quiz, row.quiz_latest = quiz, newest
            row.quiz_published = 0 if (quiz.archived and not quiz.content_hash) else live
        rows.append(row)
    return rows

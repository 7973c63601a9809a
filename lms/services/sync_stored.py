"""What the database holds for one course, loaded in a fixed number of queries.

A sync compares every file with this before it changes anything: the same few queries
whether the course has ten lessons or a thousand, and none per row.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from lms.extensions import db
from lms.models import Course, CourseFile, Lesson, LessonRevision, Module, Quiz, QuizRevision
from lms.services.revisions import text_hash, web_changed_lesson_ids, web_changed_quiz_ids


@dataclass
class StoredCourse:
    """A course's rows by the keys a sync matches files on; empty for a new course."""

    course: Course | None = None
    modules: dict[str, Module] = field(default_factory=dict)  # by slug
    lessons: dict[int, dict[str, Lesson]] = field(default_factory=dict)  # module id -> slug
    quizzes: dict[int, Quiz] = field(default_factory=dict)  # by module id
    files: dict[str, CourseFile] = field(default_factory=dict)  # by path, bytes not loaded
    # Revised in the browser since their last sync (only looked up when a sync must care).
    web_lessons: set[int] = field(default_factory=set)
    web_quizzes: set[int] = field(default_factory=set)

    def rendered(self) -> dict[tuple[str, str], str]:
        """The HTML each stored text was rendered to, by (kind, hash of the text).

        Every row's HTML was rendered from its own text, by a sync or by publishing in
        the browser, so a file with the same hash needs no rendering again.
        """
        known: dict[tuple[str, str], str] = {}
        course = self.course
        if course is not None and course.source:
            known["course.md", text_hash(course.source)] = course.description_html
        if course is not None and course.glossary_source and course.glossary_html is not None:
            known["glossary.md", text_hash(course.glossary_source)] = course.glossary_html
        for lessons in self.lessons.values():
            for lesson in lessons.values():
                if lesson.content_hash:  # "" for a lesson never published
                    known["lesson", lesson.content_hash] = lesson.html
        return known


def load_stored(slug: str, *, guarded: bool) -> StoredCourse:
    """The course `slug` and everything a sync compares, in at most seven queries.

    `guarded`: also find what was revised in the browser, which a folder sync keeps.
    """
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return StoredCourse()
    stored = StoredCourse(course=course)
    for module in db.session.scalars(select(Module).where(Module.course_id == course.id)):
        stored.modules[module.slug] = module
        stored.lessons[module.id] = {}
    in_course = select(Module.id).where(Module.course_id == course.id).scalar_subquery()
    for lesson in db.session.scalars(select(Lesson).where(Lesson.module_id.in_(in_course))):
        stored.lessons[lesson.module_id][lesson.slug] = lesson
    for quiz in db.session.scalars(select(Quiz).where(Quiz.module_id.in_(in_course))):
        stored.quizzes[quiz.module_id] = quiz
    files = select(CourseFile).where(CourseFile.course_id == course.id)
    for stored_file in db.session.scalars(files.options(defer(CourseFile.content))):
        stored.files[stored_file.path] = stored_file
    if guarded:
        lesson_ids = [lesson.id for rows in stored.lessons.values() for lesson in rows.values()]
        stored.web_lessons = web_changed_lesson_ids(lesson_ids)
        stored.web_quizzes = web_changed_quiz_ids([quiz.id for quiz in stored.quizzes.values()])
    return stored


def next_revision_numbers(kind: str, ids: list[int]) -> dict[int, int]:
    """The number the next revision of each lesson (or quiz) gets, in one query."""
    if not ids:
        return {}
    model, link = (
        (LessonRevision, LessonRevision.lesson_id)
        if kind == "lesson"
        else (QuizRevision, QuizRevision.quiz_id)
    )
    with db.session.no_autoflush:  # pending changes touch no revision
        latest = dict(
            db.session.execute(
                select(link, func.max(model.revision)).where(link.in_(ids)).group_by(link)
            ).all()
        )
    return {owner: (latest.get(owner) or 0) + 1 for owner in ids}


def assign(row, values: dict) -> bool:
    """Set the attributes that differ; True if any changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed

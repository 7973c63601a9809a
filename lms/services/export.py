"""Write a course from the database back to the course folder format."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from lms.content.spec import CourseSpec, LessonSpec, ModuleSpec, PageSpec, QuizSpec
from lms.content.writer import write_course
from lms.errors import NotFound
from lms.extensions import db
from lms.models import Course, CourseFile, Lesson, Module, Quiz


@dataclass
class LiveCourse:
    """A stored course's live parts, loaded in five queries: what exports are made from."""

    course: Course
    modules: list[Module]
    lessons: list[Lesson]
    quizzes: dict[int, Quiz]  # by module id
    files: list[CourseFile]

    def lessons_of(self, module: Module) -> list[Lesson]:
        """The module's live lessons, in order."""
        return [lesson for lesson in self.lessons if lesson.module_id == module.id]


def load_live_course(slug: str) -> LiveCourse:
    """The course's modules, lessons, quizzes and files that are not archived; NotFound if none."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(f"No course {slug!r}.")
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id == course.id, Module.archived.is_(False))
        .order_by(Module.position)
    ).all()
    module_ids = [m.id for m in modules]
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.module_id.in_(module_ids), Lesson.archived.is_(False))
        .order_by(Lesson.position)
    ).all()
    quizzes = {
        q.module_id: q
        for q in db.session.scalars(
            select(Quiz).where(Quiz.module_id.in_(module_ids), Quiz.archived.is_(False))
        )
    }
    files = db.session.scalars(select(CourseFile).where(CourseFile.course_id == course.id)).all()
    return LiveCourse(course, list(modules), list(lessons), quizzes, list(files))


def course_spec_from_db(slug: str) -> CourseSpec:
    """The live parts of a stored course as a CourseSpec holding their sources."""
    live = load_live_course(slug)
    course, modules, quizzes, files = live.course, live.modules, live.quizzes, live.files
    module_specs = []
    for index, module in enumerate(modules, start=1):
        own = live.lessons_of(module)
        quiz = quizzes.get(module.id)
        module_specs.append(
            ModuleSpec(
                slug=module.slug,
                position=index,
                dirname=f"{index:02d}-{module.slug}",
                title=module.title,
                source=module.source,
                lessons=[
                    LessonSpec(
                        slug=lesson.slug,
                        position=n,
                        filename=f"{n:02d}-{lesson.slug}.md",
                        title=lesson.title,
                        source=lesson.source,
                        html=lesson.html,
                        content_hash=lesson.content_hash,
                    )
                    for n, lesson in enumerate(own, start=1)
                ],
                quiz=QuizSpec(quiz.source, None, quiz.content_hash) if quiz else None,
            )
        )
    glossary = (
        PageSpec(course.glossary_source, course.glossary_html or "")
        if course.glossary_source
        else None
    )
    return CourseSpec(
        slug=course.slug,
        title=course.title,
        source=course.source,
        modules=module_specs,
        glossary=glossary,
        files={f.path: f.content for f in files},
    )


def export_course(slug: str, dest: Path) -> Path:
    """Write the course into `dest/<slug>` and return that folder."""
    return write_course(course_spec_from_db(slug), Path(dest))

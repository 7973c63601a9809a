"""Lesson and quiz text from the browser -> what learners get, checked like a folder import.

The same renderer, sanitiser and quiz parser as the loader, with the same paths, so a
lesson published in the browser and the same file synced from a folder are identical.
"""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from lms.content import checks
from lms.content.checks import IMAGE_MAGIC, MAX_LESSON_BYTES, Context
from lms.content.errors import ContentError
from lms.content.frontmatter import split_front_matter
from lms.content.loader import RESERVED_LESSON_SLUGS
from lms.content.quiz_parser import parse_quiz
from lms.content.render import drop_heading, first_heading, leaves_folder, render_markdown
from lms.extensions import db
from lms.models import Course, CourseFile, Lesson, Module
from lms.services.quiz_store import pools_to_list, settings_to_dict
from lms.services.revisions import text_hash

ROOT = Path("/course-folder")  # paths in messages start here; nothing is read from disk


@dataclass
class CompiledLesson:
    """A lesson text checked and rendered: empty `errors` means it can be saved."""

    source: str
    title: str = ""
    html: str = ""
    self_checks: list[dict] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """The hash the loader would give the file."""
        return text_hash(self.source)


@dataclass
class CompiledQuiz:
    """A quiz text checked and parsed: empty `errors` means it can be saved."""

    source: str
    quiz: object = None
    errors: list[ContentError] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """The hash the loader would give quiz.md."""
        return text_hash(self.source)

    @property
    def settings(self) -> dict:
        """The settings as stored on the quiz row."""
        return settings_to_dict(self.quiz)

    @property
    def pools(self) -> list[dict]:
        """The pools as stored on the quiz row."""
        return pools_to_list(self.quiz)


def module_dirname(module: Module) -> str:
    """The module's folder name as an export writes it: its rank among live modules."""
    positions = db.session.scalars(
        select(Module.id)
        .where(
            Module.course_id == module.course_id,
            (Module.archived.is_(False)) | (Module.id == module.id),
        )
        .order_by(Module.position, Module.id)
    ).all()
    rank = positions.index(module.id) + 1
    return f"{rank:02d}-{module.slug}"


def lesson_filename(lesson: Lesson) -> str:
    """The lesson's file name; only its folder matters to the renderer."""
    return f"{lesson.position:02d}-{lesson.slug}.md"


def course_file_paths(course_id: int) -> set[str]:
    """Paths of the images stored with the course."""
    return set(db.session.scalars(select(CourseFile.path).where(CourseFile.course_id == course_id)))


def compile_lesson(
    source: str, *, course: Course, module: Module, lesson: Lesson, dirname: str | None = None
) -> CompiledLesson:
    """Check and render a lesson text as the loader would; collect every error."""
    source = source.replace("\r\n", "\n")
    result = CompiledLesson(source=source)
    ctx = Context(base=ROOT, course_dir=ROOT / course.slug, pass_mark=course.pass_mark)
    ctx.asset_prefix = f"/courses/{course.slug}/files/"
    path = ctx.course_dir / (dirname or module_dirname(module)) / lesson_filename(lesson)
    if len(source.encode("utf-8")) > MAX_LESSON_BYTES:
        ctx.error(path, 1, f"the lesson is too long: at most {MAX_LESSON_BYTES} bytes", "split it")
        result.errors = ctx.errors
        return result
    doc, errors = split_front_matter(source, ctx.rel(path))
    ctx.errors.extend(errors)
    title = checks.title_value(ctx, path, source, doc.meta, required=False)
    title = title or first_heading(doc.body)
    if not title:
        ctx.error(path, 1, "lesson has no title", "add `title:` front matter or a `# Heading`")
    slug = checks.pick_slug(ctx, path, source, doc.meta, lesson.slug)
    if slug != lesson.slug and not ctx.errors:
        hint = f"remove the `id:` line or set it back to `{lesson.slug}`"
        ctx.error(path, 1, "the slug of a lesson cannot change here", hint)
    checks.check_reserved(ctx, path, source, slug, RESERVED_LESSON_SLUGS, "lesson")
    body = drop_heading(doc.body, title) if title else doc.body
    rendered = render_markdown(
        body, path=ctx.course_rel(path), first_line=doc.body_line, asset_prefix=ctx.asset_prefix
    )
    _check_images(ctx, path, source, rendered.images, course_file_paths(course.id))
    for line, block in rendered.self_checks:
        quiz, found = parse_quiz(
            block,
            ctx.rel(path),
            default_pass_mark=course.pass_mark,
            first_line=line,
            allow_front_matter=False,
        )
        ctx.errors.extend(found)
        if quiz is not None:
            result.self_checks.append({"pools": pools_to_list(quiz)})
    result.title, result.html, result.errors = title, rendered.html, sorted(ctx.errors)
    return result


def _check_images(ctx: Context, path: Path, source: str, images: list[str], stored: set[str]):
    """Every image the lesson shows must be one stored with the course."""
    for image in images:
        name = PurePosixPath(image).name
        line = next((n for n, text in enumerate(source.splitlines(), 1) if name in text), 1)
        if leaves_folder(image):
            ctx.error(path, line, f"image {image!r} is outside the course folder", "")
        elif PurePosixPath(image).suffix.lower() not in IMAGE_MAGIC:
            hint = "use png, jpg, gif or webp (SVG is refused: it can carry script)"
            ctx.error(path, line, f"image {image!r} has a type that is not allowed", hint)
        elif image not in stored:
            hint = "upload it with the image form beside the editor, then use the line it gives"
            ctx.error(path, line, f"image {image!r} does not exist", hint)


def compile_quiz(source: str, *, course: Course, module: Module) -> CompiledQuiz:
    """Parse a quiz text with the quiz parser; collect every error with its line."""
    source = source.replace("\r\n", "\n")
    where = f"{course.slug}/{module_dirname(module)}/quiz.md"
    quiz, errors = parse_quiz(source, where, default_pass_mark=course.pass_mark)
    return CompiledQuiz(source=source, quiz=quiz, errors=errors)

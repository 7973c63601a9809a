"""Course folder -> CourseSpec, with every problem found reported as a ContentError."""

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from lms.content import checks
from lms.content.checks import Context, order_key, pick_slug, read_text, split_prefix
from lms.content.errors import ContentError
from lms.content.frontmatter import split_front_matter
from lms.content.quiz_parser import parse_quiz
from lms.content.render import (
    Rendered,
    drop_heading,
    first_heading,
    render_markdown,
    reuse_rendered,
)
from lms.content.spec import CourseSpec, LessonSpec, ModuleSpec, PageSpec, QuizSpec

RESERVED_MODULE_SLUGS = {"quiz", "glossary", "files", "enrol"}
RESERVED_LESSON_SLUGS = {"quiz", "complete"}
SPECIAL_FILES = {"module.md", "quiz.md"}

# Given a course slug: the HTML an earlier import rendered, by (kind, hash of the source).
Earlier = Callable[[str], Mapping[tuple[str, str], str]]


def load_courses(
    root: Path, *, earlier: Earlier | None = None
) -> tuple[list[CourseSpec], list[ContentError]]:
    """Load every course folder under `root` (or `root` itself when it holds course.md).

    With `earlier`, a file whose HTML is known from an earlier import is not rendered again.
    """
    root = Path(root)
    if (root / "course.md").exists():
        course, errors = load_course(root, earlier=earlier)
        return ([course] if course else []), errors
    if not root.is_dir():
        return [], [ContentError(root.as_posix(), 1, "course folder not found", "")]
    courses: list[CourseSpec] = []
    errors: list[ContentError] = []
    seen: dict[str, str] = {}
    for child in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        course, found = load_course(child, base=root, earlier=earlier)
        errors.extend(found)
        if course is None:
            continue
        if course.slug in seen:
            message = f"course slug {course.slug!r} is also used by {seen[course.slug]}"
            errors.append(ContentError(f"{child.name}/course.md", 1, message, "pin another `id:`"))
            continue
        seen[course.slug] = child.name
        courses.append(course)
    return courses, sorted(errors)


def load_course(
    course_dir: Path, *, base: Path | None = None, earlier: Earlier | None = None
) -> tuple[CourseSpec | None, list[ContentError]]:
    """Load one course folder; the spec is None when any error was found.

    Error paths are relative to `base` (default: the folder holding the course).
    """
    course_dir = Path(course_dir)
    ctx = Context(base=Path(base) if base else course_dir.parent, course_dir=course_dir)
    path = course_dir / "course.md"
    if not path.is_file():
        ctx.error(path, 1, "course.md is missing", "every course folder starts with course.md")
        return None, ctx.errors
    read = read_text(ctx, path)
    if read is None:
        return None, ctx.errors
    text = read[0]
    doc, errors = split_front_matter(text, ctx.rel(path))
    ctx.errors.extend(errors)
    values = course_values(ctx, path, text, doc.meta)
    slug = pick_slug(ctx, path, text, doc.meta, course_dir.name)
    checks.translation_of_value(ctx, path, text, doc.meta, slug)  # kept in meta when valid
    ctx.pass_mark = values["pass_mark"]
    ctx.asset_prefix = f"/courses/{slug}/files/"
    if earlier is not None and not ctx.errors:
        ctx.rendered = earlier(slug)
    rendered = render_page(ctx, path, doc.body, doc.body_line, text)
    modules = load_modules(ctx)
    course = CourseSpec(
        slug=slug,
        **values,
        description=doc.body,
        description_html=rendered,
        modules=modules,
        glossary=load_glossary(ctx),
        files=ctx.files,
        meta=doc.meta,
        source=text,
    )
    if ctx.errors:
        return None, sorted(ctx.errors)
    return course, []


def course_values(ctx: Context, path: Path, text: str, meta: dict) -> dict:
    """The checked course.md settings, defaults filled in."""
    args = (ctx, path, text, meta)
    return {
        "title": checks.title_value(*args),
        "summary": checks.text_value(*args, "summary"),
        "language": checks.language_value(*args),
        "version": checks.text_value(*args, "version", "1"),
        "pass_mark": checks.int_value(*args, "pass_mark", 75, 0, 100),
        "certificate": checks.bool_value(*args, "certificate", True),
        "audience": checks.text_value(*args, "audience"),
        "estimated_minutes": checks.int_value(*args, "estimated_minutes", None, 1),
    }


def render_page(ctx: Context, path: Path, body: str, body_line: int, text: str) -> str:
    """Render a course-level page (no self-checks allowed) and check its images."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rendered = render_body(ctx, (path.name, digest), path, body, body_line)
    for line, _ in rendered.self_checks:
        ctx.error(path, line - 1, "self-check questions belong in lessons", "move the block")
    for image in rendered.images:
        checks.load_image(ctx, image, path, text)
    return rendered.html


def load_glossary(ctx: Context) -> PageSpec | None:
    """The optional course-level glossary.md."""
    path = ctx.course_dir / "glossary.md"
    if not path.exists():
        return None
    read = read_text(ctx, path)
    if read is None:
        return None
    text = read[0]
    doc, errors = split_front_matter(text, ctx.rel(path))
    ctx.errors.extend(errors)
    title = checks.title_value(ctx, path, text, doc.meta, required=False)
    title = title or first_heading(doc.body)
    if not title:
        ctx.error(path, 1, "glossary has no title", "add `title:` front matter or a `# Heading`")
    html = render_page(ctx, path, doc.body, doc.body_line, text)
    return PageSpec(source=text, html=html, title=title)


def load_modules(ctx: Context) -> list[ModuleSpec]:
    """Every module folder of the course, in number order, slugs unique."""
    dirs = [
        child
        for child in ctx.course_dir.iterdir()
        if child.is_dir()
        and not child.name.startswith(".")
        and (split_prefix(child.name)[0] is not None or (child / "module.md").exists())
    ]
    modules: list[ModuleSpec] = []
    seen: dict[str, str] = {}
    for position, module_dir in enumerate(sorted(dirs, key=order_key), start=1):
        if not ctx.inside(module_dir):
            ctx.error(module_dir, 1, "folder is a link pointing outside the course folder", "")
            continue
        module = load_module(ctx, module_dir, position)
        if module.slug in seen:
            message = f"duplicate module slug {module.slug!r} (also {seen[module.slug]})"
            ctx.error(module_dir / "module.md", 1, message, "rename one or pin another `id:`")
        seen.setdefault(module.slug, module_dir.name)
        modules.append(module)
    return modules


def load_module(ctx: Context, module_dir: Path, position: int) -> ModuleSpec:
    """One module folder: module.md, its lessons and its optional quiz."""
    path = module_dir / "module.md"
    text, meta, present = "", {}, path.is_file()
    if not present:
        ctx.error(path, 1, "module.md is missing", "add module.md with `title:` front matter")
    elif (read := read_text(ctx, path)) is not None:
        text = read[0]
        doc, errors = split_front_matter(text, ctx.rel(path))
        ctx.errors.extend(errors)
        meta = doc.meta
    args = (ctx, path, text, meta)
    slug = pick_slug(ctx, path, text, meta, split_prefix(module_dir.name)[1])
    checks.check_reserved(ctx, path, text, slug, RESERVED_MODULE_SLUGS, "module")
    lessons = load_lessons(ctx, module_dir)
    if not lessons:
        ctx.error(path, 1, "module has no lessons", "add a lesson file such as 01-intro.md")
    return ModuleSpec(
        slug=slug,
        position=position,
        dirname=module_dir.name,
        title=checks.title_value(*args) if present else "",
        objectives=checks.list_value(*args, "objectives"),
        estimated_minutes=checks.int_value(*args, "estimated_minutes", None, 1),
        lessons=lessons,
        quiz=load_quiz(ctx, module_dir / "quiz.md"),
        meta=meta,
        source=text,
    )


def load_lessons(ctx: Context, module_dir: Path) -> list[LessonSpec]:
    """The lesson files of a module, in number order, slugs unique."""
    files = [
        child
        for child in module_dir.iterdir()
        if child.suffix == ".md" and child.name not in SPECIAL_FILES
        if not child.name.startswith(".") and not child.is_dir()
    ]
    lessons: list[LessonSpec] = []
    seen: dict[str, str] = {}
    for position, path in enumerate(sorted(files, key=order_key), start=1):
        lesson = load_lesson(ctx, path, position)
        if lesson is None:
            continue
        if lesson.slug in seen:
            message = f"duplicate lesson slug {lesson.slug!r} (also {seen[lesson.slug]})"
            ctx.error(path, 1, message, "rename one or pin another `id:`")
        seen.setdefault(lesson.slug, path.name)
        lessons.append(lesson)
    return lessons


def load_lesson(ctx: Context, path: Path, position: int) -> LessonSpec | None:
    """One lesson file: front matter, title, safe HTML, self-checks and images."""
    read = read_text(ctx, path, checks.MAX_LESSON_BYTES)
    if read is None:
        return None
    text, data = read
    doc, errors = split_front_matter(text, ctx.rel(path))
    ctx.errors.extend(errors)
    title = checks.title_value(ctx, path, text, doc.meta, required=False)
    title = title or first_heading(doc.body)
    if not title:
        ctx.error(path, 1, "lesson has no title", "add `title:` front matter or a `# Heading`")
    slug = pick_slug(ctx, path, text, doc.meta, split_prefix(path.stem)[1])
    checks.check_reserved(ctx, path, text, slug, RESERVED_LESSON_SLUGS, "lesson")
    # The page prints the title as its h1; a `# Title` line in the body would repeat it.
    body = drop_heading(doc.body, title) if title else doc.body
    digest = hashlib.sha256(data).hexdigest()
    rendered = render_body(ctx, ("lesson", digest), path, body, doc.body_line)
    for image in rendered.images:
        checks.load_image(ctx, image, path, text)
    self_checks = []
    for line, block in rendered.self_checks:
        quiz, found = parse_quiz(
            block,
            ctx.rel(path),
            default_pass_mark=ctx.pass_mark,
            first_line=line,
            allow_front_matter=False,
        )
        ctx.errors.extend(found)
        self_checks.append(quiz)
    return LessonSpec(
        slug=slug,
        position=position,
        filename=path.name,
        title=title,
        source=text,
        html=rendered.html,
        content_hash=digest,
        self_checks=self_checks,
        images=rendered.images,
        meta=doc.meta,
    )


def render_body(
    ctx: Context, key: tuple[str, str], path: Path, body: str, first_line: int
) -> Rendered:
    """Markdown to safe HTML, or the HTML an earlier import made of the same source."""
    where = {"path": ctx.course_rel(path), "first_line": first_line}
    known = ctx.rendered.get(key)
    if known is not None:
        reused = reuse_rendered(known, body, **where, asset_prefix=ctx.asset_prefix)
        if reused is not None:
            return reused
    return render_markdown(body, **where, asset_prefix=ctx.asset_prefix)


def load_quiz(ctx: Context, path: Path) -> QuizSpec | None:
    """The module's quiz.md, parsed with the quiz parser; None when absent or broken."""
    if not path.exists():
        return None
    read = read_text(ctx, path)
    if read is None:
        return None
    text, data = read
    quiz, errors = parse_quiz(text, ctx.rel(path), default_pass_mark=ctx.pass_mark)
    ctx.errors.extend(errors)
    if quiz is None:
        return None
    return QuizSpec(source=text, quiz=quiz, content_hash=hashlib.sha256(data).hexdigest())

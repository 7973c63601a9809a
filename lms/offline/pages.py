"""Render a course as the files of an offline package: pages, images, style and script."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lms.content.render import render_markdown, sanitise_html, split_self_checks
from lms.offline.checks import practice_checks
from lms.offline.links import LinkMap

ASSETS = ("offline.css", "offline.js")


@dataclass(frozen=True)
class OfflineLesson:
    """A lesson as stored: sanitised HTML with self-check slots, and the checks' records."""

    module_slug: str
    slug: str
    title: str
    html: str
    self_checks: list[dict] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The lesson page's path in the package."""
        return f"{self.module_slug}/{self.slug}.html"


@dataclass(frozen=True)
class OfflineModule:
    """A module: its lessons, and whether a graded quiz waits online."""

    slug: str
    title: str
    objectives: list[str]
    has_quiz: bool
    lessons: list[OfflineLesson]


@dataclass(frozen=True)
class OfflineCourse:
    """Everything a package holds, as plain data loaded from the database."""

    slug: str
    title: str
    summary: str
    language: str
    version: str
    description_html: str
    glossary_html: str | None
    modules: list[OfflineModule]
    files: dict[str, bytes]  # course-relative path -> image bytes

    @property
    def lessons(self) -> list[OfflineLesson]:
        """Every lesson in reading order."""
        return [lesson for module in self.modules for lesson in module.lessons]


@lru_cache(maxsize=1024)
def quiz_markdown(text: str) -> Markup:
    """Question and feedback text as HTML, sanitised like the site does it."""
    return Markup(render_markdown(text or "").html)


def quiz_inline(text: str) -> Markup:
    """Question text for a legend: one paragraph loses its <p> wrapper."""
    html = str(quiz_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def resanitised(html: str) -> Markup:
    """Stored HTML after link rewriting, sanitised once more: the rewrite edits markup."""
    return Markup(sanitise_html(html))  # nosec B704 (nh3 output)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Jinja for the package pages: autoescaped; only stored, sanitised HTML is marked safe."""
    env = Environment(
        loader=PackageLoader("lms.offline", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["quiz_markdown"] = quiz_markdown
    env.filters["quiz_inline"] = quiz_inline
    return env


def render_package(
    course: OfflineCourse,
    base_url: str | None = None,
    progress: Callable[[OfflineLesson], None] | None = None,
) -> dict[str, bytes]:
    """Every file of the package by its path: pages, the images they show, style, script."""
    lessons = course.lessons
    links = LinkMap(
        course.slug,
        {(lesson.module_slug, lesson.slug): lesson.path for lesson in lessons},
        glossary=bool(course.glossary_html),
    )
    env = environment()
    common = {
        "course": course,
        "base_url": base_url.rstrip("/") if base_url else None,
        "has_glossary": bool(course.glossary_html),
    }

    def page(template: str, path: str, **values) -> bytes:
        root = "../" * path.count("/")
        html = env.get_template(template).render(**common, root=root, **values)
        return html.encode("utf-8")

    files = {
        "index.html": page(
            "index.html",
            "index.html",
            description=resanitised(links.rewrite(course.description_html, "index.html")),
            first=lessons[0] if lessons else None,
        )
    }
    if course.glossary_html:
        glossary = resanitised(links.rewrite(course.glossary_html, "glossary.html"))
        files["glossary.html"] = page("glossary.html", "glossary.html", glossary=glossary)
    for index, lesson in enumerate(lessons):
        module = next(m for m in course.modules if m.slug == lesson.module_slug)
        html = links.rewrite(lesson.html, lesson.path)
        files[lesson.path] = page(
            "lesson.html",
            lesson.path,
            lesson=lesson,
            module=module,
            position=index + 1,
            count=len(lessons),
            segments=[
                resanitised(part) if isinstance(part, str) else part
                for part in split_self_checks(html)
            ],
            checks=practice_checks(lesson.self_checks, f"{course.slug}/{lesson.path}"),
            previous=lessons[index - 1] if index > 0 else None,
            next=lessons[index + 1] if index + 1 < len(lessons) else None,
        )
        if progress is not None:
            progress(lesson)
    for path in sorted(links.files):
        if path in course.files:
            files[f"files/{path}"] = course.files[path]
    for name in ASSETS:
        files[name] = resources.files("lms.offline").joinpath(name).read_bytes()
    return files

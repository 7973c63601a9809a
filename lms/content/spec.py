"""Plain data for a course loaded from its folder: no Flask, no database."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageSpec:
    """A course-level Markdown page (the glossary): its source and safe HTML."""

    source: str
    html: str
    title: str = ""


@dataclass(frozen=True)
class QuizSpec:
    """A module quiz: the quiz.md text, the parsed quiz and a hash of the file."""

    source: str
    quiz: Any
    content_hash: str


@dataclass(frozen=True)
class LessonSpec:
    """One lesson file: its source, rendered HTML, self-checks and images."""

    slug: str
    position: int
    filename: str
    title: str
    source: str
    html: str
    content_hash: str
    self_checks: list = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleSpec:
    """One module folder: module.md settings, lessons in order, optional quiz."""

    slug: str
    position: int
    dirname: str
    title: str
    objectives: list[str] = field(default_factory=list)
    estimated_minutes: int | None = None
    lessons: list[LessonSpec] = field(default_factory=list)
    quiz: QuizSpec | None = None
    meta: dict = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class CourseSpec:
    """A whole course folder as plain data, ready to import or write back."""

    slug: str
    title: str
    summary: str = ""
    language: str = "en"
    version: str = "1"
    pass_mark: int = 75
    certificate: bool = True
    audience: str = ""
    estimated_minutes: int | None = None
    description: str = ""
    description_html: str = ""
    modules: list[ModuleSpec] = field(default_factory=list)
    glossary: PageSpec | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    source: str = ""

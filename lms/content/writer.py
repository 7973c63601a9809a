"""CourseSpec -> course folder, from the stored sources, so a load gives the course back."""

from pathlib import Path, PurePosixPath

from lms.content.checks import SLUG_RE
from lms.content.spec import CourseSpec


def write_course(course: CourseSpec, dest: Path) -> Path:
    """Write `course` as the folder `dest/<slug>` and return that folder's path."""
    if not SLUG_RE.match(course.slug):
        raise ValueError(f"invalid course slug {course.slug!r}")
    dest = Path(dest)
    folder = dest / course.slug
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already exists and is not empty")
    files: dict[str, bytes] = {"course.md": course.source.encode("utf-8")}
    if course.glossary is not None:
        files["glossary.md"] = course.glossary.source.encode("utf-8")
    for module in course.modules:
        dirname = module.dirname or f"{module.position:02d}-{module.slug}"
        files[f"{dirname}/module.md"] = module.source.encode("utf-8")
        for lesson in module.lessons:
            filename = lesson.filename or f"{lesson.position:02d}-{lesson.slug}.md"
            files[f"{dirname}/{filename}"] = lesson.source.encode("utf-8")
        if module.quiz is not None:
            files[f"{dirname}/quiz.md"] = module.quiz.source.encode("utf-8")
    files.update(course.files)
    targets = {safe_target(folder, name): data for name, data in files.items()}
    for target, data in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


def safe_target(folder: Path, name: str) -> Path:
    """`folder / name` after checking that the relative path stays inside `folder`."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(p in ("..", ".", "") for p in parts):
        raise ValueError(f"refusing to write {name!r} outside the course folder")
    if any("\\" in p or p.startswith(".") for p in parts):
        raise ValueError(f"refusing to write {name!r}: unsafe file name")
    target = folder.joinpath(*parts)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise ValueError(f"refusing to write {name!r} outside the course folder")
    return target

"""Offline packages: a course as a zip of static pages that opens from a USB stick."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from lms.offline.pages import OfflineCourse, OfflineLesson, OfflineModule, render_package
from lms.services.export import load_live_course

# Fixed entry times and modes, so two exports of the same course are byte-identical.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o100644 << 16  # a regular file, rw-r--r--
ZIP_UNIX = 3


@dataclass(frozen=True)
class OfflinePackage:
    """A built package: the zip's bytes and how many files it holds."""

    filename: str
    data: bytes
    files: int

    @property
    def size(self) -> int:
        """The zip's size in bytes."""
        return len(self.data)


def load_offline_course(slug: str) -> OfflineCourse:
    """The live parts of a stored course, as the plain data a package is rendered from."""
    live = load_live_course(slug)
    course = live.course
    return OfflineCourse(
        slug=course.slug,
        title=course.title,
        summary=course.summary or "",
        language=course.language or "en",
        version=course.version or "",
        description_html=course.description_html or "",
        glossary_html=course.glossary_html or None,
        modules=[
            OfflineModule(
                slug=module.slug,
                title=module.title,
                objectives=[str(o) for o in module.objectives or []],
                has_quiz=module.id in live.quizzes,
                lessons=[
                    OfflineLesson(
                        module_slug=module.slug,
                        slug=lesson.slug,
                        title=lesson.title,
                        html=lesson.html,
                        self_checks=list(lesson.self_checks or []),
                    )
                    for lesson in live.lessons_of(module)
                ],
            )
            for module in live.modules
        ],
        files={f.path: bytes(f.content) for f in live.files},
    )


def build_offline_package(
    course: OfflineCourse,
    base_url: str | None = None,
    progress: Callable[[OfflineLesson], None] | None = None,
) -> OfflinePackage:
    """Render the course and zip it under one `<slug>/` folder, deterministically."""
    files = render_package(course, base_url=base_url, progress=progress)
    return OfflinePackage(
        filename=f"{course.slug}-offline.zip",
        data=deterministic_zip({f"{course.slug}/{path}": data for path, data in files.items()}),
        files=len(files),
    )


def export_offline(slug: str, base_url: str | None = None) -> OfflinePackage:
    """The offline package of a stored course; NotFound for an unknown slug."""
    return build_offline_package(load_offline_course(slug), base_url=base_url)


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A zip of the files in name order, with fixed times and modes: same input, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_MODE
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()

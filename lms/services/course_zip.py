"""A course as a zip in the folder format: download, and upload to create or update.

An upload is checked before anything is unpacked (paths, links, size, count,
compression ratio, file names), then validated by the loader, then imported in one
transaction: a bad zip changes nothing and says why.
"""

import io
import stat
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from flask_babel import gettext
from sqlalchemy import select

from lms.content.errors import ContentError
from lms.content.loader import load_course
from lms.content.writer import write_course
from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Course, CourseAuthor, User
from lms.services.export import course_spec_from_db
from lms.services.sync import SyncOptions, SyncReport, sync_course

MAX_FILES = 500
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 64 * 1024  # smaller entries cannot hold a bomb; their ratio is noise
UTF8_FLAG = 0x800
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # same bytes for the same course
SKIPPED_PREFIXES = ("__MACOSX/",)


class ZipRefused(InvalidInput):
    """The zip is unsafe or malformed; the message says why."""

    def __init__(self, message: str):
        super().__init__(message, "archive")


class ZipInvalid(InvalidInput):
    """The zip is safe but the course in it has errors."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(
            gettext("%(num)s error(s) in the course; nothing was changed.", num=len(errors)),
            "archive",
        )
        self.errors = errors


def export_zip(slug: str) -> bytes:
    """The published course as a zip holding the folder `<slug>/`."""
    spec = course_spec_from_db(slug)
    # A module with no published lesson is not a valid folder yet; leave it out.
    spec = replace(spec, modules=[m for m in spec.modules if m.lessons])
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_course(spec, Path(tmp))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(path.relative_to(tmp).as_posix(), FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, refusing names that are not UTF-8."""
    name = info.filename
    if info.flag_bits & UTF8_FLAG or name.isascii():
        return name
    try:  # many tools write UTF-8 without setting the flag; zipfile read it as cp437
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise ZipRefused(gettext("The file name %(name)s is not UTF-8.", name=repr(name))) from None


def _check_entry(info: zipfile.ZipInfo, name: str) -> None:
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ZipRefused(
            gettext("%(name)s is a symbolic link; links are not accepted.", name=repr(name))
        )
    path = PurePosixPath(name)
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ZipRefused(
            gettext(
                "%(name)s is an absolute path; paths must stay inside the folder.", name=repr(name)
            )
        )
    if any(part == ".." for part in path.parts):
        raise ZipRefused(gettext("%(name)s leaves the course folder.", name=repr(name)))
    if "\x00" in name:
        raise ZipRefused(gettext("%(name)s is not a valid file name.", name=repr(name)))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
        raise ZipRefused(
            gettext(
                "%(name)s expands %(ratio)s times (more than %(limit)s): "
                "this looks like a zip bomb.",
                name=repr(name),
                ratio=f"{ratio:.0f}",
                limit=MAX_RATIO,
            )
        )


def check_zip(data: bytes) -> list[tuple[zipfile.ZipInfo, str]]:
    """The zip's files with their names, after every safety check; raises ZipRefused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except UnicodeDecodeError:
        raise ZipRefused(gettext("A file name in the zip is not UTF-8.")) from None
    except (zipfile.BadZipFile, OSError):
        raise ZipRefused(gettext("This is not a zip file.")) from None
    entries = []
    total = 0
    for info in archive.infolist():
        name = _entry_name(info)
        _check_entry(info, name)
        if info.is_dir() or name.startswith(SKIPPED_PREFIXES):
            continue
        entries.append((info, name))
        total += info.file_size
    if len(entries) > MAX_FILES:
        raise ZipRefused(
            gettext(
                "The zip holds %(num)s files; at most %(limit)s are accepted.",
                num=len(entries),
                limit=MAX_FILES,
            )
        )
    if total > MAX_TOTAL_BYTES:
        raise ZipRefused(
            gettext(
                "The zip unpacks to %(num)s bytes; at most %(limit)s (50 MB) are accepted.",
                num=total,
                limit=MAX_TOTAL_BYTES,
            )
        )
    compressed = sum(info.compress_size for info, _ in entries)
    if total > RATIO_FLOOR and total / max(compressed, 1) > MAX_RATIO:
        raise ZipRefused(
            gettext("The zip expands more than 100 times: this looks like a zip bomb.")
        )
    return entries


def unpack(data: bytes, dest: Path) -> Path:
    """Unpack a checked zip into `dest`; return the course folder (the one with course.md)."""
    entries = check_zip(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for info, name in entries:
        target = dest.joinpath(*PurePosixPath(name).parts)
        if not target.resolve().is_relative_to(dest.resolve()):
            raise ZipRefused(gettext("%(name)s leaves the course folder.", name=repr(name)))
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, open(target, "wb") as out:
            # The header's size is not trusted: stop at the declared size plus one byte.
            chunk = source.read(info.file_size + 1)
            if len(chunk) > info.file_size:
                raise ZipRefused(gettext("%(name)s is larger than the zip says.", name=repr(name)))
            out.write(chunk)
    if (dest / "course.md").is_file():
        return dest
    folders = [p for p in dest.iterdir() if p.is_dir() and (p / "course.md").is_file()]
    if len(folders) != 1:
        raise ZipRefused(gettext("The zip must hold one course folder with course.md at its top."))
    return folders[0]


@dataclass
class ZipImport:
    """What an upload did."""

    course: Course
    created: bool
    report: SyncReport


def import_zip(
    data: bytes, user: User, *, into: Course | None = None, filename: str = "course.zip"
) -> ZipImport:
    """Create a course, or update `into`, from an uploaded zip; the caller commits."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = unpack(data, Path(tmp) / "upload")
        spec, errors = load_course(folder, base=folder.parent)
    if errors:
        raise ZipInvalid(errors)
    existing = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    if into is not None and spec.slug != into.slug:
        raise ZipRefused(
            gettext(
                "The zip holds the course %(found)s, not %(expected)s. "
                "Upload it from the trainer area's home page to create a new course.",
                found=repr(spec.slug),
                expected=repr(into.slug),
            )
        )
    if into is None and existing is not None:
        raise ZipRefused(
            gettext(
                "A course %(slug)s already exists. To update it, upload the zip on its page.",
                slug=repr(spec.slug),
            )
        )
    report = SyncReport()
    options = SyncOptions(origin="web", author_id=user.id, message=f"uploaded in {filename}")
    course = sync_course(spec, report, options)
    if into is None:
        db.session.add(CourseAuthor(course_id=course.id, user_id=user.id, role="owner"))
    return ZipImport(course, into is None, report)

"""Validation helpers for the course loader: slugs, front matter values, files, images."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lms.content.errors import ContentError
from lms.content.frontmatter import key_line
from lms.content.render import leaves_folder

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PREFIX_RE = re.compile(r"^(\d+)-(.+)$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
MAX_LESSON_BYTES = 1_000_000
MAX_TEXT_BYTES = 1_000_000
MAX_IMAGE_BYTES = 2_000_000
IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
SLUG_HINT = "use lower-case letters, digits and single hyphens, e.g. `first-steps`"


@dataclass
class Context:
    """What loading one course needs: where paths start, collected errors and files."""

    base: Path
    course_dir: Path
    errors: list[ContentError] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    pass_mark: int = 75
    asset_prefix: str = ""
    # HTML an earlier import rendered, by (kind, hash of the source): reused, not redone.
    rendered: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        """Path for messages: relative to the base folder, POSIX style."""
        return path.relative_to(self.base).as_posix()

    def course_rel(self, path: Path) -> str:
        """Path relative to the course folder, POSIX style."""
        return path.relative_to(self.course_dir).as_posix()

    def error(self, path: Path | str, line: int, message: str, hint: str = "") -> None:
        """Record one problem."""
        where = self.rel(path) if isinstance(path, Path) else path
        self.errors.append(ContentError(where, line, message, hint))

    def inside(self, path: Path) -> bool:
        """True when `path`, symlinks followed, stays in the course folder."""
        return path.resolve().is_relative_to(self.resolved_course_dir)

    @cached_property
    def resolved_course_dir(self) -> Path:
        """The course folder, symlinks followed (resolved once, not for every file)."""
        return self.course_dir.resolve()


def read_text(ctx: Context, path: Path, limit: int = MAX_TEXT_BYTES) -> tuple[str, bytes] | None:
    """Read a UTF-8 text file of the course, or record why it cannot be used."""
    if not path.is_file():
        ctx.error(path, 1, "file cannot be read", "is it a broken link?")
        return None
    if not ctx.inside(path):
        ctx.error(path, 1, "file is a link pointing outside the course folder", "copy it in")
        return None
    size = path.stat().st_size
    if size > limit:
        ctx.error(path, 1, f"file is too large: {size} bytes, at most {limit}", "split it")
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        ctx.error(path, line, "file is not valid UTF-8", "save it with UTF-8 encoding")
        return None
    return text.removeprefix("\ufeff"), data


def split_prefix(name: str) -> tuple[int | None, str]:
    """`01-first-steps` -> (1, "first-steps"); a name without a number prefix -> (None, name)."""
    match = PREFIX_RE.match(name)
    return (int(match.group(1)), match.group(2)) if match else (None, name)


def order_key(path: Path) -> tuple[int, str]:
    """Sort key: the number prefix first (unnumbered last), then the name."""
    number, _ = split_prefix(path.stem if path.is_file() else path.name)
    return (number if number is not None else 10**9, path.name)


def pick_slug(ctx: Context, path: Path, text: str, meta: dict, fallback: str) -> str:
    """The `id:` in front matter, else the name without its number prefix; checked."""
    pinned = meta.get("id")
    slug = pinned if pinned is not None else fallback
    line = key_line(text, "id") if pinned is not None else 1
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        shown = slug if isinstance(slug, str) else repr(slug)
        if isinstance(slug, str) and ("/" in slug or ".." in slug or "\\" in slug):
            ctx.error(path, line, f"slug {shown!r} tries to leave the course folder", SLUG_HINT)
        else:
            ctx.error(path, line, f"invalid slug {shown!r}", SLUG_HINT + "; or pin one with `id:`")
        return str(slug)
    return slug


def check_reserved(ctx: Context, path: Path, text: str, slug: str, reserved: set, kind: str):
    """Refuse a slug that would clash with the site's own URLs."""
    if slug in reserved:
        line = key_line(text, "id")
        ctx.error(path, line, f"{kind} slug {slug!r} is reserved", "rename it or pin another `id:`")


def title_value(ctx: Context, path: Path, text: str, meta: dict, required: bool = True):
    """The front matter title as a stripped string; records an error when missing or bad."""
    title = meta.get("title")
    if isinstance(title, str | int | float) and not isinstance(title, bool) and str(title).strip():
        return str(title).strip()
    if title is not None:
        ctx.error(path, key_line(text, "title"), "title must be a non-empty text", "")
    elif required:
        ctx.error(path, 1, "title is missing", "add `title: ...` to the front matter")
    return ""


def int_value(ctx, path, text, meta, key, default, low, high=None):
    """An integer front matter value within [low, high]; records an error otherwise."""
    value = meta.get(key, default)
    if value is None:
        return default
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not ok or (high is not None and value > high):
        limits = f"from {low} to {high}" if high is not None else f"at least {low}"
        ctx.error(path, key_line(text, key), f"{key} must be a whole number {limits}", "")
        return default
    return value


def bool_value(ctx, path, text, meta, key, default):
    """A true/false front matter value; records an error otherwise."""
    value = meta.get(key, default)
    if not isinstance(value, bool):
        ctx.error(path, key_line(text, key), f"{key} must be true or false", "")
        return default
    return value


def text_value(ctx, path, text, meta, key, default=""):
    """A short text front matter value (numbers are accepted and turned into text)."""
    value = meta.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        ctx.error(path, key_line(text, key), f"{key} must be text", "")
        return default
    return str(value).strip()


def language_value(ctx, path, text, meta):
    """A language code such as `en`, `km` or `pt-BR`."""
    value = meta.get("language", "en")
    if not isinstance(value, str) or not LANGUAGE_RE.match(value):
        hint = "use a short language code such as `en`, `th` or `km`"
        ctx.error(path, key_line(text, "language"), f"invalid language {value!r}", hint)
        return "en"
    return value


def translation_of_value(ctx, path, text, meta, slug):
    """`translation_of:` names the original course of a translation: a slug, not its own."""
    value = meta.get("translation_of")
    if value is None:
        return None
    line = key_line(text, "translation_of")
    if not isinstance(value, str) or not SLUG_RE.match(value):
        ctx.error(path, line, f"invalid translation_of {value!r}", SLUG_HINT + " (the original's)")
        return None
    if value == slug:
        ctx.error(path, line, "a course cannot be a translation of itself", "name the original")
        return None
    return value


def list_value(ctx, path, text, meta, key):
    """A list of non-empty texts."""
    value = meta.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, str) and i.strip() for i in value):
        hint = f"write one `- item` line per entry under `{key}:`"
        ctx.error(path, key_line(text, key), f"{key} must be a list of texts", hint)
        return []
    return [item.strip() for item in value]


def load_image(ctx: Context, rel: str, ref: Path, text: str) -> None:
    """Check one referenced image (course-relative path) and keep its bytes in ctx.files."""
    line = next((n for n, s in enumerate(text.splitlines(), 1) if rel.split("/")[-1] in s), 1)
    suffix = Path(rel).suffix.lower()
    full = ctx.course_dir / rel
    if leaves_folder(rel):
        ctx.error(ref, line, f"image {rel!r} is outside the course folder", "keep images inside it")
    elif suffix not in IMAGE_MAGIC:
        hint = "use png, jpg, gif or webp (SVG is refused: it can carry script)"
        ctx.error(ref, line, f"image {rel!r} has a type that is not allowed", hint)
    elif not full.is_file():
        ctx.error(ref, line, f"image {rel!r} does not exist", "check the path and its case")
    elif not ctx.inside(full):
        ctx.error(ref, line, f"image {rel!r} is a link pointing outside the course folder", "")
    elif full.stat().st_size > MAX_IMAGE_BYTES:
        ctx.error(ref, line, f"image {rel!r} is larger than 2 MB", "make it smaller")
    elif rel not in ctx.files:
        data = full.read_bytes()
        webp_ok = suffix != ".webp" or data[8:12] == b"WEBP"
        if not data.startswith(IMAGE_MAGIC[suffix]) or not webp_ok:
            ctx.error(ref, line, f"image {rel!r} is not a real {suffix[1:]} file", "")
            return
        ctx.files[rel] = data

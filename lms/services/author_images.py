"""Images trainers upload beside their lessons: type by magic bytes, size checked, stored
with the course under a generated name so every server can serve them."""

import secrets
from hashlib import sha256

from lms.content.checks import MAX_IMAGE_BYTES
from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Course, CourseFile

# Magic bytes decide the type, never the file name or the browser's word.
IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
)


def image_type(data: bytes) -> tuple[str, str] | None:
    """(extension, MIME type) from the file's first bytes, or None if not an allowed image."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    return next(((ext, mime) for magic, ext, mime in IMAGE_TYPES if data.startswith(magic)), None)


def upload_image(course: Course, data: bytes) -> CourseFile:
    """Store an image with the course under a generated name; its type from magic bytes."""
    if not data:
        raise InvalidInput("Choose an image file.", "image")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput("The image is larger than 2 MB; make it smaller.", "image")
    kind = image_type(data)
    if kind is None:
        raise InvalidInput("Only PNG, JPEG, GIF and WebP images are accepted.", "image")
    ext, mime = kind
    stored = CourseFile(
        course_id=course.id,
        path=f"images/{secrets.token_hex(8)}.{ext}",
        content=data,
        mime_type=mime,
        content_hash=sha256(data).hexdigest(),
    )
    db.session.add(stored)
    return stored


def image_markdown(stored: CourseFile, alt: str) -> str:
    """The Markdown line that shows an uploaded image in a lesson (lessons sit one folder
    below the course folder, where images/ is)."""
    alt = " ".join(alt.replace("[", "(").replace("]", ")").split()) or "Image"
    return f"![{alt}](../{stored.path})"

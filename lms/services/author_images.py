"""Images trainers upload beside their lessons: type by magic bytes, size checked, made
light for slow connections (turned upright, at most 1600 px on the longest side, metadata
such as EXIF and GPS removed, re-encoded), stored with the course under a generated name so
every server can serve them."""

import secrets
import warnings
from hashlib import sha256
from io import BytesIO
from typing import TYPE_CHECKING

from lms.content.checks import MAX_IMAGE_BYTES
from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Course, CourseFile

if TYPE_CHECKING:
    from PIL import Image

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


# Longest side learners get; larger uploads are scaled down, aspect ratio kept.
MAX_SIDE = 1600
# More pixels than this is refused before decoding: a small compressed file can hold an
# image that takes gigabytes to decode (a decompression bomb). 40 MP is a large camera photo.
MAX_PIXELS = 40_000_000
# Metadata that may say who, where or with what a picture was taken.
PRIVATE_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc")
# JPEG segments that are only about decoding: JFIF, ICC colour profile, Adobe colour transform.
HARMLESS_JPEG_MARKERS = ("APP0", "APP2", "APP14")
ENCODE_OPTIONS = {
    "jpg": {"format": "JPEG", "quality": 82, "progressive": True, "optimize": True},
    "png": {"format": "PNG", "optimize": True},
    "webp": {"format": "WEBP", "quality": 80, "method": 6},
    "gif": {"format": "GIF", "optimize": True},
}


def _private_metadata(image: "Image.Image") -> bool:
    """Whether the image carries metadata learners should not get (EXIF, GPS, XMP, text)."""
    if any(key in image.info for key in PRIVATE_INFO):
        return True
    if getattr(image, "text", None):  # PNG text chunks (author, software, comments)
        return True
    applist = getattr(image, "applist", [])
    return any(marker not in HARMLESS_JPEG_MARKERS for marker, _ in applist)


def _too_large() -> InvalidInput:
    return InvalidInput("The image is larger than 2 MB; make it smaller.", "image")


def _not_an_image() -> InvalidInput:
    return InvalidInput("Only PNG, JPEG, GIF and WebP images are accepted.", "image")


def lighten(data: bytes, ext: str) -> bytes:
    """The image turned upright, scaled to MAX_SIDE, without metadata and re-encoded; the
    original when it cannot be made lighter and carries nothing to remove. Animated images
    are kept as they are; too many pixels raise InvalidInput."""
    # Pillow only where an image is re-encoded: the web workers need it rarely.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return data  # magic bytes matched but Pillow cannot read it: stored as before
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_large()
        if getattr(image, "n_frames", 1) > 1:
            return data  # animated GIF or WebP: re-encoding would lose the animation
        longest = max(width, height)
        if longest > MAX_SIDE and image.format == "JPEG":
            # Let the JPEG decoder scale down by a power of two while decoding (less memory,
            # faster); twice the target keeps the final resampling sharp.
            scale = 2 * MAX_SIDE / longest
            image.draft(image.mode, (round(width * scale), round(height * scale)))
        try:
            image.load()
            private = _private_metadata(image)
            orientation = image.getexif().get(0x0112, 1)
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            return data  # truncated or corrupt beyond the header: stored as before
    changed = private or orientation != 1 or max(width, height) > MAX_SIDE
    if max(upright.size) > MAX_SIDE:
        if upright.mode in ("P", "1"):
            upright = upright.convert("RGBA")
        upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if ext == "jpg" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    if ext == "webp" and upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    options = dict(ENCODE_OPTIONS[ext])
    # Keep what decoding needs (colour profile, GIF/PNG transparency), nothing else: some
    # encoders copy the image's own info (EXIF, comments) when not told otherwise.
    if icc := upright.info.get("icc_profile"):
        options["icc_profile"] = icc
    if upright.mode in ("P", "L", "RGB") and "transparency" in upright.info:
        options["transparency"] = upright.info["transparency"]
    upright.info = {}
    out = BytesIO()
    try:
        upright.save(out, **options)
    except (OSError, ValueError):
        if changed:
            raise _not_an_image() from None
        return data
    encoded = out.getvalue()
    if len(encoded) >= len(data) and not changed:
        return data
    if len(encoded) > MAX_IMAGE_BYTES:
        raise _too_large()
    return encoded


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
    data = lighten(data, ext)
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

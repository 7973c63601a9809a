"""Uploaded images are made light for slow connections: upright, at most 1600 px on the
longest side, without EXIF/GPS, re-encoded; decompression bombs are refused."""

from io import BytesIO

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Course, CourseFile
from lms.services import author_images
from tests.integration.test_author_services import authored_course


@pytest.fixture
def course_id(app, make_user, make_course):
    authored_course(app, make_user, make_course)
    with app.app_context():
        return db.session.scalar(select(Course.id).where(Course.slug == "test-course"))


def upload(app, course_id, data: bytes) -> CourseFile:
    with app.app_context():
        stored = author_images.upload_image(db.session.get(Course, course_id), data)
        db.session.commit()
        db.session.refresh(stored)
        db.session.expunge(stored)
        return stored


def photo(size, **save) -> bytes:
    """A JPEG with detail in it (gradients and shapes), like a photo compresses."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 97):
        draw.ellipse((i, (i * 7) % height, i + 150, (i * 7) % height + 90), fill=(i % 255, 90, 40))
    out = BytesIO()
    image.save(out, format="JPEG", **save)
    return out.getvalue()


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera app"  # Software
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS IFD
    return exif


def opened(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data))


def test_large_photo_is_scaled_down_and_lighter(app, course_id):
    original = photo((4000, 3000), quality=95)
    assert len(original) < 2_000_000
    stored = upload(app, course_id, original)
    image = opened(stored.content)
    assert image.format == "JPEG" and stored.path.endswith(".jpg")
    assert image.size == (1600, 1200)
    assert len(stored.content) < len(original)
    assert image.info.get("progressive") or image.info.get("progression")


def test_exif_and_gps_are_removed_and_the_photo_turned_upright(app, course_id):
    # Orientation 6: the camera was turned; the stored image must be upright (portrait).
    original = photo((800, 600), quality=90, exif=exif_with_gps(orientation=6))
    assert opened(original).getexif().get_ifd(0x8825)
    stored = upload(app, course_id, original)
    image = opened(stored.content)
    assert image.size == (600, 800)
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored.content and b"Exif" not in stored.content


def test_png_text_metadata_is_removed(app, course_id):
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    meta.add_text("Author", "Jane Trainer, 12 Home Street")
    out = BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(out, format="PNG", pnginfo=meta)
    stored = upload(app, course_id, out.getvalue())
    assert b"Home Street" not in stored.content
    assert opened(stored.content).size == (64, 64)


def test_small_image_keeps_its_size(app, course_id):
    original = photo((640, 480), quality=75)
    stored = upload(app, course_id, original)
    assert opened(stored.content).size == (640, 480)
    assert len(stored.content) <= len(original)


def test_original_kept_when_re_encoding_would_be_larger(app, course_id):
    # Already compressed harder than quality 82, no metadata: re-encoding would only add bytes.
    original = photo((640, 480), quality=50, optimize=True)
    stored = upload(app, course_id, original)
    assert stored.content == original


def test_decompression_bomb_is_refused_and_nothing_stored(app, course_id):
    out = BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG", optimize=True)
    bomb = out.getvalue()
    assert len(bomb) < 2_000_000  # within the byte limit: only the pixels give it away
    with app.app_context():
        before = db.session.query(CourseFile).count()
        course = db.session.get(Course, course_id)
        with pytest.raises(InvalidInput, match="larger than 2 MB"):
            author_images.upload_image(course, bomb)
        db.session.rollback()
        assert db.session.query(CourseFile).count() == before


def test_decompression_bomb_is_refused_through_the_editor(app, client, course_id, auth):
    auth.login("trainer@example.org")
    out = BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG", optimize=True)
    with app.app_context():
        before = db.session.query(CourseFile).count()
    response = client.post(
        "/author/c/test-course/m/first-steps/l/welcome/edit",
        data={
            "source": "# Welcome\n",
            "base_revision": "1",
            "upload": "Upload image",
            "image": (BytesIO(out.getvalue()), "bomb.png"),
        },
        content_type="multipart/form-data",
    )
    assert "larger than 2 MB" in response.text
    with app.app_context():
        assert db.session.query(CourseFile).count() == before


def test_png_with_transparency_stays_png_with_alpha(app, course_id):
    image = Image.new("RGBA", (3200, 1600), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((400, 200, 2800, 1400), fill=(200, 30, 30, 255))
    out = BytesIO()
    image.save(out, format="PNG")
    stored = upload(app, course_id, out.getvalue())
    result = opened(stored.content)
    assert result.format == "PNG" and stored.path.endswith(".png")
    assert stored.mime_type == "image/png"
    assert result.size == (1600, 800)
    assert result.mode == "RGBA"
    assert result.getpixel((0, 0))[3] == 0 and result.getpixel((800, 400))[3] == 255


def test_animated_gif_is_kept_as_it_is(app, course_id):
    frames = [Image.new("RGB", (2000, 40), color) for color in ("red", "green", "blue")]
    out = BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    assert opened(out.getvalue()).n_frames == 3
    stored = upload(app, course_id, out.getvalue())
    assert stored.content == out.getvalue()


def test_webp_is_scaled_down_and_stays_webp(app, course_id):
    out = BytesIO()
    Image.linear_gradient("L").resize((2400, 1200)).convert("RGB").save(
        out, format="WEBP", quality=100
    )
    stored = upload(app, course_id, out.getvalue())
    result = opened(stored.content)
    assert result.format == "WEBP" and result.size == (1600, 800)

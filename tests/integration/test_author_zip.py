"""Courses as zips through the trainer area: download, upload to create or update."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Course, CourseAuthor, Lesson, LessonRevision, Module, QuizRevision
from tests.integration.test_author_services import authored_course
from tests.unit.test_course_zip import make_zip

C = "/author/c/test-course"


@pytest.fixture
def trainer(app, make_user, make_course, auth):
    authored_course(app, make_user, make_course)
    auth.login("trainer@example.org")


def upload(client, url, data: bytes, name="course.zip"):
    return client.post(
        url, data={"archive": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def snapshot(app) -> dict:
    """Everything an import could change, to compare before and after."""
    with app.app_context():
        return {
            "lessons": sorted(
                db.session.execute(
                    select(
                        Lesson.slug,
                        Lesson.revision,
                        Lesson.content_hash,
                        Lesson.html,
                        Lesson.position,
                        Lesson.title,
                        Lesson.archived,
                    )
                ).all()
            ),
            "modules": sorted(
                db.session.execute(select(Module.slug, Module.source, Module.position)).all()
            ),
            "revisions": db.session.scalar(select(func.count()).select_from(LessonRevision)),
            "quiz_revisions": db.session.scalar(select(func.count()).select_from(QuizRevision)),
            "courses": sorted(
                db.session.execute(select(Course.slug, Course.source, Course.archived)).all()
            ),
        }


def exported(client) -> bytes:
    response = client.get(f"{C}/export.zip")
    assert response.headers["Content-Disposition"] == 'attachment; filename="test-course.zip"'
    return response.data


def test_export_holds_the_folder(client, trainer):
    names = zipfile.ZipFile(io.BytesIO(exported(client))).namelist()
    assert "test-course/course.md" in names
    assert "test-course/01-first-steps/01-welcome.md" in names
    assert "test-course/01-first-steps/quiz.md" in names
    assert "test-course/01-first-steps/images/map.png" in names


def test_export_then_import_changes_nothing(app, client, trainer):
    before = snapshot(app)
    data = exported(client)
    response = upload(client, f"{C}/import", data)
    assert response.status_code == 302
    assert "No changes." in client.get(response.headers["Location"]).text
    assert snapshot(app) == before
    assert exported(client) == data  # and the zip is byte for byte the same


def test_update_from_a_zip_publishes_changed_lessons_as_web_revisions(app, client, trainer):
    source = zipfile.ZipFile(io.BytesIO(exported(client)))
    files = {name: source.read(name) for name in source.namelist()}
    files["test-course/01-first-steps/01-welcome.md"] += b"\nAdded offline.\n"
    response = upload(client, f"{C}/import", make_zip(files))
    assert "lesson revised: 1" in client.get(response.headers["Location"]).text
    with app.app_context():
        welcome = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        assert welcome.revision == 2 and "Added offline." in welcome.html
        revision = db.session.scalar(select(LessonRevision).where(LessonRevision.revision == 2))
        assert revision.origin == "web" and revision.author_id is not None
        assert revision.published_at is not None and "uploaded in course.zip" in revision.message
        assert welcome.synced_hash != welcome.content_hash  # the folder did not bring it


def test_upload_creates_a_course_owned_by_the_uploader(app, client, trainer):
    source = zipfile.ZipFile(io.BytesIO(exported(client)))
    files = {
        name.replace("test-course/", "copy-course/", 1): source.read(name)
        for name in source.namelist()
    }
    response = upload(client, "/author/import", make_zip(files))
    assert response.headers["Location"].endswith("/author/c/copy-course")
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "copy-course"))
        assert (
            db.session.scalar(select(CourseAuthor.role).where(CourseAuthor.course_id == course.id))
            == "owner"
        )
    again = upload(client, "/author/import", make_zip(files))
    assert "already exists" in again.text


def bad_cases():
    good = {"test-course/course.md": b"---\ntitle: T\n---\n"}
    link = io.BytesIO()
    with zipfile.ZipFile(link, "w") as archive:
        archive.writestr("test-course/course.md", b"---\ntitle: T\n---\n")
        info = zipfile.ZipInfo("test-course/01-a/01-b.md")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    return [
        (make_zip({**good, "../evil.md": b"x"}), "leaves the course folder"),
        (make_zip({**good, "/abs.md": b"x"}), "absolute path"),
        (link.getvalue(), "symbolic link"),
        (make_zip({**good, "test-course/big.md": bytes(5_000_000)}), "zip bomb"),
        (make_zip({f"test-course/{n}.md": b"x" for n in range(501)}), "501 files"),
        (b"not a zip at all", "not a zip file"),
        (make_zip({"readme.txt": b"x"}), "course.md"),
        (make_zip({"test-course/course.md": b"---\ntitle: [bad\n---\n"}), "error(s) in the course"),
        (make_zip({"other/course.md": b"---\ntitle: Other\n---\n"}), "holds the course"),
    ]


@pytest.mark.parametrize("data, reason", bad_cases(), ids=[r for _, r in bad_cases()])
def test_bad_zips_change_nothing_and_say_why(app, client, trainer, data, reason):
    before = snapshot(app)
    response = upload(client, f"{C}/import", data)
    assert response.status_code == 200
    assert reason in response.text
    assert snapshot(app) == before


def test_course_errors_are_listed_by_file_and_line(client, trainer):
    data = make_zip(
        {
            "test-course/course.md": b"---\ntitle: T\n---\n",
            "test-course/01-a/module.md": b"---\ntitle: A\n---\n",
            "test-course/01-a/01-b.md": b"---\ntitle: B\n---\n\n```quiz\n## Q?\n(x) a\n```\n",
        }
    )
    page = upload(client, f"{C}/import", data).text
    assert "test-course/01-a/01-b.md</code> line 6" in page

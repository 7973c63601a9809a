"""Importing course folders: all or nothing, idempotent, revisions, archiving."""

import shutil

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, CourseFile, Lesson, LessonProgress, LessonRevision, Module, Quiz
from lms.services.sync import sync_folder
from tests.conftest import DATA, TEST_COURSES


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the test course folder."""
    root = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, root)
    return root


def sync(app, root):
    with app.app_context():
        report = sync_folder(root)
        db.session.commit()
        return report


def test_first_sync_imports_everything(app, course_copy):
    report = sync(app, course_copy)
    assert report.changes["course created"] == 1
    assert report.changes["module created"] == 2
    assert report.changes["lesson created"] == 4
    with app.app_context():
        modules = db.session.scalars(select(Module).order_by(Module.position)).all()
        assert [m.slug for m in modules] == ["first-steps", "second-steps"]
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        assert lesson.revision == 1 and "<p>Welcome to the course." in lesson.html
        assert db.session.query(Quiz).count() == 1
        assert db.session.query(CourseFile).count() == 1


def test_second_sync_changes_nothing(app, course_copy):
    sync(app, course_copy)
    report = sync(app, course_copy)
    assert not report.changed
    assert report.summary() == "No changes."


def test_changed_lesson_gets_a_revision_and_keeps_progress(app, course_copy, make_user):
    sync(app, course_copy)
    user_id = make_user()
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id, revision=1))
        db.session.commit()
    path = next(course_copy.glob("test-course/01-*/01-welcome.md"))
    path.write_text(path.read_text() + "\nA new paragraph.\n")
    report = sync(app, course_copy)
    assert report.changes == {"lesson revised": 1}
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        assert lesson.revision == 2 and "A new paragraph." in lesson.html
        revisions = db.session.scalars(
            select(LessonRevision.revision).where(LessonRevision.lesson_id == lesson.id)
        ).all()
        assert sorted(revisions) == [1, 2]
        assert db.session.query(LessonProgress).count() == 1


def test_removed_lesson_is_archived_with_its_progress(app, course_copy, make_user):
    sync(app, course_copy)
    user_id = make_user()
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "reports"))
        db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id, revision=1))
        db.session.commit()
    next(course_copy.glob("test-course/02-*/01-reports.md")).unlink()
    report = sync(app, course_copy)
    assert report.changes["lesson archived"] == 1
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "reports"))
        assert lesson.archived
        assert db.session.query(LessonProgress).count() == 1


def test_a_folder_with_errors_imports_nothing(app, course_copy):
    bad = next(course_copy.glob("test-course/02-*/02-cooperation.md"))
    bad.write_text("---\ntitle: [unclosed\n---\nBody\n")
    report = sync(app, course_copy)
    assert report.errors
    assert any("02-cooperation.md:2" in str(error) for error in report.errors)
    with app.app_context():
        assert db.session.query(Course).count() == 0
        assert db.session.query(Lesson).count() == 0


def test_update_with_an_error_keeps_the_old_version(app, course_copy):
    sync(app, course_copy)
    path = next(course_copy.glob("test-course/01-*/01-welcome.md"))
    path.write_text(path.read_text() + "\nChanged.\n")
    (path.parent / "03-broken.md").write_bytes(b"---\ntitle: Bad\n---\n\xff\xfe not utf-8")
    report = sync(app, course_copy)
    assert report.errors
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        assert lesson.revision == 1 and "Changed." not in lesson.html


def test_bad_courses_fixture_reports_every_error(app):
    with app.app_context():
        report = sync_folder(DATA / "bad_courses")
    assert len(report.errors) >= 5

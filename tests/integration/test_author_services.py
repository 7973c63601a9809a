"""Authoring services: revisions, publishing, edit conflicts, quiz versions, sync conflicts."""

import shutil

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import (
    Course,
    CourseAuthor,
    Lesson,
    LessonProgress,
    LessonRevision,
    Module,
    Quiz,
    QuizAttempt,
    QuizRevision,
)
from lms.services import authoring
from lms.services.attempts import start_attempt
from lms.services.publishing import (
    ContentInvalid,
    EditConflict,
    lesson_draft,
    module_quiz,
    publish_course,
    publish_lesson,
    publish_quiz,
    quiz_draft,
    restore_lesson,
    save_lesson,
    save_quiz,
)
from lms.services.revisions import diff_lines, lesson_history
from lms.services.sync import sync_folder
from tests.conftest import TEST_COURSES

NEW_TEXT = "---\ntitle: Welcome\n---\n\nWelcome, edited in the browser.\n"


def authored_course(app, make_user, make_course, name="trainer", role="trainer") -> int:
    """Import the test course and make a new trainer its owner; return the trainer's id."""
    make_course()
    user_id = make_user(name, role=role)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        db.session.add(CourseAuthor(course_id=course.id, user_id=user_id, role="owner"))
        db.session.commit()
    return user_id


def lesson(slug="welcome") -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


def module(slug="first-steps") -> Module:
    return db.session.scalar(select(Module).where(Module.slug == slug))


@pytest.fixture
def trainer_id(app, make_user, make_course):
    return authored_course(app, make_user, make_course)


def test_save_is_a_draft_until_published(app, trainer_id):
    with app.app_context():
        welcome = lesson()
        published_html = welcome.html
        revision = save_lesson(
            welcome, NEW_TEXT, base_revision=1, author_id=trainer_id, message="new welcome"
        )
        db.session.commit()
        assert (revision.revision, revision.origin, revision.author_id) == (2, "web", trainer_id)
        assert revision.message == "new welcome" and revision.published_at is None
        assert welcome.revision == 1 and welcome.html == published_html  # learners: old text
        assert lesson_draft(welcome).pending
        assert publish_lesson(welcome, 2)
        db.session.commit()
        assert welcome.revision == 2 and "edited in the browser" in welcome.html
        stored = db.session.scalar(
            select(LessonRevision).where(
                LessonRevision.lesson_id == welcome.id, LessonRevision.revision == 2
            )
        )
        assert stored.published_at is not None
        assert not publish_lesson(welcome, 2)  # already live: nothing to do


def test_two_saves_from_the_same_base_conflict_and_keep_the_first(app, trainer_id, make_user):
    other = make_user("other", role="trainer")
    with app.app_context():
        welcome = lesson()
        save_lesson(welcome, NEW_TEXT, base_revision=1, author_id=trainer_id)
        db.session.commit()
        with pytest.raises(EditConflict) as caught:
            save_lesson(welcome, NEW_TEXT + "\nMine.\n", base_revision=1, author_id=other)
        db.session.rollback()
        assert caught.value.latest == 2
        assert lesson_draft(welcome).source == NEW_TEXT
        # Saving again on top of the newest revision is a deliberate choice, and works.
        again = save_lesson(welcome, NEW_TEXT + "\nMine.\n", base_revision=2, author_id=other)
        assert again.revision == 3


def test_a_race_on_the_revision_number_is_a_conflict(app, trainer_id):
    with app.app_context():
        welcome = lesson()
        # Another server stored revision 2 after this request read revision 1.
        db.session.add(
            LessonRevision(
                lesson_id=welcome.id, revision=2, source="x", content_hash="x", origin="web"
            )
        )
        db.session.commit()
        with pytest.raises(EditConflict):
            save_lesson(welcome, NEW_TEXT, base_revision=2, author_id=trainer_id)
            save_lesson(welcome, NEW_TEXT + "b", base_revision=2, author_id=trainer_id)


def test_invalid_text_is_refused_with_line_numbers(app, trainer_id):
    bad = "---\ntitle: Welcome\n---\n\nText\n\n```quiz\n## Q?\nid: q\n(x) yes\n[ ] mixed\n```\n"
    with app.app_context():
        with pytest.raises(ContentInvalid) as caught:
            save_lesson(lesson(), bad, base_revision=1, author_id=trainer_id)
        assert 11 in [e.line for e in caught.value.errors]
        with pytest.raises(ContentInvalid) as caught:
            save_lesson(lesson(), "---\ntitle: [x\n---\n", base_revision=1, author_id=trainer_id)
        assert 2 in [e.line for e in caught.value.errors]
        with pytest.raises(ContentInvalid) as caught:
            text = "---\ntitle: W\n---\n\n![map](images/missing.png)\n"
            save_lesson(lesson(), text, base_revision=1, author_id=trainer_id)
        assert "does not exist" in caught.value.errors[0].message
        assert lesson_draft(lesson()).base_revision == 1


def test_the_slug_cannot_change_through_the_text(app, trainer_id):
    with app.app_context():
        with pytest.raises(ContentInvalid) as caught:
            text = "---\ntitle: W\nid: renamed\n---\n\nBody\n"
            save_lesson(lesson(), text, base_revision=1, author_id=trainer_id)
        assert "slug" in caught.value.errors[0].message


def test_same_text_as_the_loader_gives_the_same_html(app, trainer_id):
    with app.app_context():
        welcome = lesson("the-convention")
        original = welcome.html
        source = welcome.source + "\nOne more line.\n"
        save_lesson(welcome, source, base_revision=1, author_id=trainer_id)
        publish_lesson(welcome, 2)
        assert welcome.html.startswith(original.rsplit("</p>", 1)[0])
        assert welcome.self_checks and "One more line." in welcome.html


def test_restore_makes_a_new_draft_and_history_diffs(app, trainer_id):
    with app.app_context():
        welcome = lesson()
        original = welcome.source
        save_lesson(welcome, NEW_TEXT, base_revision=1, author_id=trainer_id)
        publish_lesson(welcome, 2)
        restored = restore_lesson(welcome, 1, base_revision=2, author_id=trainer_id)
        db.session.commit()
        assert restored.revision == 3 and restored.source == original
        assert restored.message == "restored revision 1"
        assert welcome.revision == 2  # a restore is a draft, not a publish
        history = lesson_history(welcome)
        assert [h.revision for h in history] == [3, 2, 1]
        assert [h.live for h in history] == [False, True, False]
        assert history[1].author == "trainer" and history[2].author == "folder sync"
        lines = diff_lines(original, NEW_TEXT)
        kinds = {(line.kind, line.text) for line in lines}
        assert ("added", "Welcome, edited in the browser.") in kinds
        assert ("removed", "![Map of the region](images/map.png)") in kinds


def test_new_lesson_is_hidden_until_published(app, trainer_id):
    with app.app_context():
        first = module()
        new = authoring.add_lesson(first, "extra", "Extra reading", trainer_id)
        db.session.commit()
        assert new.archived and new.revision == 0
        assert lesson_draft(new).base_revision == 1
        with pytest.raises(Exception, match="never published"):
            authoring.set_archived(new, False)
        publish_lesson(new, 1)
        assert not new.archived and new.revision == 1 and new.title == "Extra reading"


def test_reorder_changes_positions_never_slugs(app, trainer_id):
    with app.app_context():
        first = module()
        lessons = db.session.scalars(
            select(Lesson).where(Lesson.module_id == first.id).order_by(Lesson.position)
        ).all()
        assert [x.slug for x in lessons] == ["welcome", "the-convention"]
        assert authoring.move_lesson(lessons[1], "up")
        assert not authoring.move_lesson(lessons[1], "up")  # already first
        db.session.commit()
        again = db.session.scalars(
            select(Lesson).where(Lesson.module_id == first.id).order_by(Lesson.position)
        ).all()
        assert [(x.slug, x.position) for x in again] == [("the-convention", 1), ("welcome", 2)]
        assert authoring.move_module(module("second-steps"), "up")
        assert module("second-steps").position == 1 and module("second-steps").slug


def test_rename_module_keeps_slug_and_writes_module_md(app, trainer_id):
    with app.app_context():
        first = module()
        authoring.rename_module(first, "Getting started: the basics")
        assert first.slug == "first-steps"
        assert "title: 'Getting started: the basics'" in first.source
        assert "objectives:" in first.source  # other front matter untouched


def test_set_title_keeps_other_lines():
    text = "---\ntitle: Old\nid: x\n---\nBody\n"
    assert authoring.set_title(text, "New") == "---\ntitle: New\nid: x\n---\nBody\n"
    assert authoring.set_title("Body\n", "New") == "---\ntitle: New\n---\nBody\n"


QUIZ_V2 = """---
pass_mark: 50
---

## Which city hosted the adoption of the Convention text?
id: adoption-city
answer: Oslo
answer: Oslo, Norway
"""


def test_quiz_change_with_attempts_makes_a_new_version(app, trainer_id, make_user):
    learner = make_user()
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        attempt = start_attempt(learner, quiz)
        db.session.commit()
        snapshot = attempt.snapshot
        assert quiz_draft(quiz).base_revision == 1  # sync recorded the published revision
        revision = save_quiz(module(), QUIZ_V2, base_revision=1, author_id=trainer_id)
        db.session.commit()
        assert revision.revision == 2 and quiz.version == 1  # a draft changes nothing live
        assert publish_quiz(quiz, 2)
        db.session.commit()
        assert quiz.version == 2 and len(quiz.pools[0]["questions"]) == 1
        kept = db.session.get(QuizAttempt, attempt.id)
        assert kept.quiz_version == 1 and kept.snapshot == snapshot
        assert db.session.scalar(
            select(QuizRevision.published_at).where(QuizRevision.revision == 2)
        )


def test_quiz_errors_are_reported_by_line(app, trainer_id):
    with app.app_context():
        with pytest.raises(ContentInvalid) as caught:
            text = "## Q one?\nid: one\n(x) a\n[ ] b\n\n## Q two?\n(x) yes\n"
            save_quiz(module(), text, base_revision=1, author_id=trainer_id)
        lines = [e.line for e in caught.value.errors]
        assert 4 in lines and 6 in lines and len(lines) >= 2


def test_new_quiz_is_hidden_until_published(app, trainer_id):
    with app.app_context():
        second = module("second-steps")
        assert module_quiz(second) is None
        save_quiz(second, QUIZ_V2, base_revision=0, author_id=trainer_id)
        quiz = module_quiz(second)
        assert quiz.archived and quiz.version == 1
        publish_quiz(quiz, 1)
        assert not quiz.archived and quiz.version == 1 and quiz.pools


def test_publish_course_publishes_every_draft_and_shows_the_course(app, make_user):
    owner = make_user("owner", role="trainer")
    with app.app_context():
        user = db.session.get(__import__("lms.models", fromlist=["User"]).User, owner)
        course = authoring.create_course(user, "new-course", "A new course", "Short.")
        first = authoring.add_module(course, "basics", "Basics")
        new = authoring.add_lesson(first, "intro", "Introduction", owner)
        db.session.commit()
        assert course.archived and not new.html
        result = publish_course(course)
        db.session.commit()
        assert result.made_visible and result.lessons == ["Introduction"]
        assert not course.archived and not new.archived and "Write the lesson here." in new.html
        owners = db.session.scalars(select(CourseAuthor.role).where(CourseAuthor.user_id == owner))
        assert list(owners) == ["owner"]


# --- sync and the browser living together ---------------------------------------------


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, root)
    return root


def welcome_file(root):
    return next(root.glob("test-course/01-*/01-welcome.md"))


def edit_in_browser(app, trainer_id, publish=True):
    with app.app_context():
        welcome = lesson()
        save_lesson(welcome, NEW_TEXT, base_revision=1, author_id=trainer_id)
        if publish:
            publish_lesson(welcome, 2)
        db.session.commit()


def sync(app, root, force=False):
    with app.app_context():
        report = sync_folder(root, force=force)
        db.session.commit()
        return report


def test_sync_keeps_browser_edits_when_the_file_did_not_change(app, trainer_id, folder):
    edit_in_browser(app, trainer_id)
    report = sync(app, folder)
    assert not report.conflicts and not report.changed
    with app.app_context():
        assert "edited in the browser" in lesson().html


def test_sync_reports_a_conflict_and_skips_it(app, trainer_id, folder):
    edit_in_browser(app, trainer_id)
    path = welcome_file(folder)
    path.write_text(path.read_text() + "\nChanged in git.\n")
    (folder / "test-course/02-second-steps/01-reports.md").write_text(
        "---\ntitle: Transparency reports\n---\n\nChanged too, no conflict.\n"
    )
    report = sync(app, folder)
    assert len(report.conflicts) == 1 and "first-steps/welcome" in report.conflicts[0]
    assert report.changes["lesson revised"] == 1  # the other lesson still synced
    with app.app_context():
        assert "edited in the browser" in lesson().html and lesson().revision == 2
        assert "Changed too" in lesson("reports").html


def test_a_pending_browser_draft_is_also_protected(app, trainer_id, folder):
    edit_in_browser(app, trainer_id, publish=False)
    path = welcome_file(folder)
    path.write_text(path.read_text() + "\nChanged in git.\n")
    assert sync(app, folder).conflicts
    with app.app_context():
        assert lesson_draft(lesson()).source == NEW_TEXT


def test_force_takes_the_folder_version_and_keeps_history(app, trainer_id, folder):
    edit_in_browser(app, trainer_id)
    path = welcome_file(folder)
    path.write_text(path.read_text() + "\nChanged in git.\n")
    report = sync(app, folder, force=True)
    assert not report.conflicts and report.changes["lesson revised"] == 1
    with app.app_context():
        welcome = lesson()
        assert "Changed in git." in welcome.html and welcome.revision == 3
        assert [h.revision for h in lesson_history(welcome)] == [3, 2, 1]
    path.write_text(path.read_text() + "\nAnd again.\n")
    assert not sync(app, folder).conflicts  # the forced sync is the new sync point


def test_folder_catching_up_with_the_browser_is_not_a_conflict(app, trainer_id, folder):
    edit_in_browser(app, trainer_id)
    welcome_file(folder).write_text(NEW_TEXT)  # e.g. exported and committed to git
    report = sync(app, folder)
    assert not report.conflicts
    welcome_file(folder).write_text(NEW_TEXT + "\nLater git change.\n")
    report = sync(app, folder)
    assert not report.conflicts and report.changes["lesson revised"] == 1


def test_sync_quiz_conflict(app, trainer_id, folder):
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        save_quiz(module(), QUIZ_V2, base_revision=1, author_id=trainer_id)
        publish_quiz(quiz, 2)
        db.session.commit()
    quiz_file = next(folder.glob("test-course/01-*/quiz.md"))
    quiz_file.write_text(quiz_file.read_text() + "\n## Another?\nid: another\nanswer: yes\n")
    report = sync(app, folder)
    assert len(report.conflicts) == 1 and "quiz" in report.conflicts[0]
    with app.app_context():
        assert len(db.session.scalar(select(Quiz)).pools[0]["questions"]) == 1
    report = sync(app, folder, force=True)
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        assert len(quiz.pools[0]["questions"]) == 3 and quiz.version == 3


def test_sync_does_not_archive_a_lesson_written_in_the_browser(app, trainer_id, folder):
    with app.app_context():
        new = authoring.add_lesson(module(), "extra", "Extra", trainer_id)
        publish_lesson(new, 1)
        db.session.commit()
    report = sync(app, folder)
    assert any("extra" in c for c in report.conflicts)
    with app.app_context():
        assert not lesson("extra").archived
    sync(app, folder, force=True)
    with app.app_context():
        assert lesson("extra").archived


def test_progress_survives_publishing(app, trainer_id, make_user):
    learner = make_user()
    with app.app_context():
        welcome = lesson()
        db.session.add(LessonProgress(user_id=learner, lesson_id=welcome.id, revision=1))
        db.session.commit()
        save_lesson(welcome, NEW_TEXT, base_revision=1, author_id=trainer_id)
        publish_lesson(welcome, 2)
        db.session.commit()
        assert db.session.scalar(select(LessonProgress.revision)) == 1


def test_cli_sync_reports_conflicts_and_force_overrides(app, runner, trainer_id, folder):
    edit_in_browser(app, trainer_id)
    path = welcome_file(folder)
    path.write_text(path.read_text() + "\nChanged in git.\n")
    result = runner.invoke(args=["courses", "sync", str(folder)])
    assert result.exit_code == 0
    assert "conflict: test-course/first-steps/welcome" in result.output
    assert "1 item(s) skipped; --force overrides." in result.output
    with app.app_context():
        assert "Changed in git." not in lesson().html
    result = runner.invoke(args=["courses", "sync", "--force", str(folder)])
    assert result.exit_code == 0 and "conflict:" not in result.output
    assert "lesson revised: 1" in result.output
    with app.app_context():
        assert "Changed in git." in lesson().html

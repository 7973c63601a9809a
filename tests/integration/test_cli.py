"""The lms command line: courses check/sync/export and users create."""

from pathlib import Path

from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, Lesson, LessonRevision, User
from tests.conftest import DATA, PASSWORD, TEST_COURSES


def test_check_passes_on_a_good_folder(runner):
    result = runner.invoke(args=["courses", "check", str(TEST_COURSES)])
    assert result.exit_code == 0
    assert "OK: 1 course(s), 4 lesson(s), no errors." in result.output


def test_check_lists_every_error_with_path_and_line(runner):
    result = runner.invoke(args=["courses", "check", str(DATA / "bad_courses")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ".md:" in line or ".svg:" in line]
    assert len(lines) >= 5
    for line in lines:
        path, number, message = line.split(":", 2)
        assert number.isdigit() and message.strip()


def test_sync_with_errors_exits_1_and_changes_nothing(runner, app):
    result = runner.invoke(args=["courses", "sync", str(DATA / "bad_courses")])
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    with app.app_context():
        assert db.session.query(Course).count() == 0


def test_rerender_renders_unchanged_files_again_and_adds_no_revision(runner, app):
    """After a renderer upgrade, stored HTML is stale though the files did not change."""
    assert runner.invoke(args=["courses", "sync", str(TEST_COURSES)]).exit_code == 0
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        fresh = lesson.html
        lesson.html = "<p>as an older renderer made it</p>"
        revisions = db.session.query(LessonRevision).count()
        db.session.commit()
    assert runner.invoke(args=["courses", "sync", str(TEST_COURSES)]).exit_code == 0
    with app.app_context():
        kept = db.session.scalar(select(Lesson.html).where(Lesson.slug == "welcome"))
    assert kept == "<p>as an older renderer made it</p>"  # an unchanged file is not rendered
    result = runner.invoke(args=["courses", "sync", str(TEST_COURSES), "--rerender"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Lesson.html).where(Lesson.slug == "welcome")) == fresh
        assert db.session.query(LessonRevision).count() == revisions


def test_sync_then_export_round_trips(runner, app, tmp_path):
    assert runner.invoke(args=["courses", "sync", str(TEST_COURSES)]).exit_code == 0
    result = runner.invoke(args=["courses", "export", "test-course", str(tmp_path)])
    assert result.exit_code == 0, result.output
    exported = tmp_path / "test-course"
    assert (exported / "course.md").read_text() == (
        TEST_COURSES / "test-course/course.md"
    ).read_text()
    check = runner.invoke(args=["courses", "check", str(exported)])
    assert check.exit_code == 0, check.output
    again = runner.invoke(args=["courses", "sync", str(tmp_path)])
    assert again.exit_code == 0 and "No changes." in again.output


def test_export_of_unknown_course_fails_cleanly(runner, tmp_path):
    result = runner.invoke(args=["courses", "export", "nope", str(tmp_path)])
    assert result.exit_code == 1
    assert "No course 'nope'" in result.output


def test_users_create_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Trainer@Example.org",
            "--role",
            "trainer",
            "--name",
            "ສົມພອນ",
            "--organisation",
            "UXO Lao",
            "--country",
            "LA",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.email, user.role, user.name, user.country) == (
            "trainer@example.org",
            "trainer",
            "ສົມພອນ",
            "LA",
        )
        assert user.check_password(PASSWORD)


def test_users_create_refuses_a_weak_password(runner, app):
    result = runner.invoke(
        args=["users", "create", "a@example.org", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 12" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_ensure_admin_prints_a_one_time_password_once(runner, app, monkeypatch):
    monkeypatch.delenv("LMS_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("LMS_ADMIN_PASSWORD", raising=False)
    first = runner.invoke(args=["users", "ensure-admin"])
    assert first.exit_code == 0 and "password:" in first.output
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "password:" not in second.output
    with app.app_context():
        assert db.session.query(User).filter_by(role="admin").count() == 1


def test_ensure_admin_takes_email_and_password_from_the_environment(runner, app, monkeypatch):
    monkeypatch.setenv("LMS_ADMIN_EMAIL", "boss@example.org")
    monkeypatch.setenv("LMS_ADMIN_PASSWORD", PASSWORD)
    result = runner.invoke(args=["users", "ensure-admin"])
    assert result.exit_code == 0 and "password:" not in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).one().check_password(PASSWORD)


def test_quiz_import_gift_writes_valid_quiz_text_and_warns(runner, tmp_path):
    target = tmp_path / "quiz.md"
    result = runner.invoke(
        args=["quiz", "import-gift", str(DATA / "gift" / "all_types.gift"), "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "warning: essay 'Reflection' cannot be graded automatically" in result.output
    text = target.read_text()
    assert "(x) 1 March 1999" in text and "# pool: History" in text
    check = runner.invoke(args=["quiz", "export-gift", str(target)])
    assert check.exit_code == 0, check.output
    assert "=1 March 1999" in check.output


def test_quiz_export_gift_of_a_shipped_quiz(runner):
    quiz = Path("courses/apmbc-essentials/01-why-a-ban/quiz.md")
    result = runner.invoke(args=["quiz", "export-gift", str(quiz)])
    assert result.exit_code == 0
    assert "::entry-into-force-date::" in result.output
    assert "GIFT has no ordering question" in result.output


def test_quiz_export_gift_refuses_a_broken_quiz(runner, tmp_path):
    broken = tmp_path / "quiz.md"
    broken.write_text("## A question with no answers\nid: q1\n")
    result = runner.invoke(args=["quiz", "export-gift", str(broken)])
    assert result.exit_code == 1
    assert "quiz.md:1:" in result.output

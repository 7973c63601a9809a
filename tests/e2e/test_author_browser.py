"""A trainer in a real browser edits a lesson, watches the live preview, publishes; a
learner then reads the new text, and their completed lesson and quiz attempt stay."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.models import Lesson, LessonProgress, QuizAttempt, User
from lms.services import authoring, progress
from lms.services.accounts import create_user
from lms.services.attempts import start_attempt, submit_attempt
from lms.services.publishing import (
    lesson_draft,
    module_quiz,
    publish_course,
    save_lesson,
    save_quiz,
)
from tests.conftest import PASSWORD
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e

SLUG = "author-e2e"
LESSON = f"/courses/{SLUG}/basics/intro"
EDITOR = f"/author/c/{SLUG}/m/basics/l/intro/edit"
ORIGINAL = "---\ntitle: Introduction\n---\n\nThe original wording of this lesson.\n"
UPDATED = "---\ntitle: Introduction\n---\n\nThe **updated** wording, checked by the trainer.\n"
QUIZ = "---\npass_mark: 50\n---\n\n## Which city hosted the adoption?\nid: city\nanswer: Oslo\n"


@pytest.fixture(scope="module")
def authored(live_server, make_learner):
    """A trainer owning a course of their own, and a learner who completed its lesson
    and passed its quiz before the trainer's edit."""
    learner = make_learner("Browser learner")
    with live_server.app.app_context():
        trainer = create_user(
            "e2e-trainer@example.org", PASSWORD, name="Browser trainer", role="trainer"
        )
        db.session.flush()
        course = authoring.create_course(trainer, SLUG, "Authoring in the browser")
        module = authoring.add_module(course, "basics", "Basics")
        lesson = authoring.add_lesson(module, "intro", "Introduction", trainer.id)
        save_lesson(lesson, ORIGINAL, base_revision=1, author_id=trainer.id)
        save_quiz(module, QUIZ, base_revision=0, author_id=trainer.id)
        publish_course(course)
        db.session.commit()
        learner_id = db.session.scalar(select(User.id).where(User.email == learner.email))
        enrolment = progress.enrol(learner_id, course)
        progress.complete_lesson(learner_id, lesson, enrolment)
        attempt = start_attempt(learner_id, module_quiz(module))
        submit_attempt(learner_id, attempt, {"q-city": ["Oslo"]}, enrolment, module.id)
        db.session.commit()
        ids = {"lesson": lesson.id, "attempt": attempt.id, "learner": learner_id}
        db.session.remove()
    trainer_account = Account("e2e-trainer@example.org", PASSWORD, "Browser trainer")
    return trainer_account, learner, ids


def test_trainer_edits_previews_publishes_and_learner_keeps_progress(
    make_context, sign_in, live_server, authored
):
    trainer, learner, ids = authored
    context = make_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    sign_in(page, trainer)
    page.goto(EDITOR)
    expect(page.get_by_role("heading", name="Edit lesson: Introduction")).to_be_visible()
    editor = page.get_by_label("Lesson text (Markdown)")
    expect(editor).to_have_value(ORIGINAL)

    # Live preview: rendered by the server as learners get it, while the trainer types.
    editor.fill(UPDATED)
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("updated")
    expect(preview).to_contain_text("checked by the trainer")
    expect(page.locator(".editor-status")).to_have_text("Preview updated.")

    page.get_by_label("What changed (optional)").fill("clearer wording")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved as draft revision 3.")).to_be_visible()
    page.get_by_role("button", name="Publish revision 3").click()
    expect(page.get_by_text("Published revision 3: learners see it now.")).to_be_visible()
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()

    reader = make_context()
    page = reader.new_page()
    sign_in(page, learner)
    page.goto(LESSON)
    expect(page.locator("article.lesson")).to_contain_text("The updated wording")
    expect(page.locator("article.lesson strong")).to_have_text("updated")
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    reader.close()

    with live_server.app.app_context():
        lesson = db.session.get(Lesson, ids["lesson"])
        assert lesson.revision == 3 and lesson_draft(lesson).base_revision == 3
        done = db.session.scalar(
            select(LessonProgress).where(
                LessonProgress.user_id == ids["learner"], LessonProgress.lesson_id == lesson.id
            )
        )
        assert done is not None and done.revision == 2  # completed on the old revision
        attempt = db.session.get(QuizAttempt, ids["attempt"])
        assert attempt.state == "submitted" and attempt.score == 100.0 and attempt.passed
        db.session.remove()


def test_editor_preview_works_without_javascript(browser, live_server, sign_in, authored):
    trainer, _, _ = authored
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, trainer)
    page.goto(EDITOR)
    page.get_by_label("Lesson text (Markdown)").fill(
        "---\ntitle: Introduction\n---\n\nA *no-script* preview.\n"
    )
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview em")).to_have_text("no-script")
    context.close()

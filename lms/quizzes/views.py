"""Module quizzes for learners: start or resume, submit, results and history."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.errors import Forbidden, NotFound
from lms.extensions import db
from lms.models import Enrolment, Module, Quiz
from lms.models.base import utcnow
from lms.services import attempts, catalogue
from lms.services.attempts import AttemptClosed

bp = Blueprint("quizzes", __name__, url_prefix="/courses/<course_slug>/<module_slug>/quiz")


@dataclass
class QuizContext:
    """What every quiz page needs: the outline, the module, the quiz, the enrolment."""

    outline: catalogue.Outline
    module: Module
    quiz: Quiz
    enrolment: Enrolment


def _context(course_slug: str, module_slug: str) -> QuizContext:
    """Resolve the URL to an enrolled learner's quiz, or 404.

    Quiz pages show the course and use the enrolment, not the learner's progress: the
    outline they carry holds the one module, without lessons or progress (fewer queries).
    """
    try:
        opened = catalogue.open_course(course_slug, current_user.id)
    except NotFound:
        abort(404)
    module = opened.module(module_slug)
    quiz = attempts.module_quiz(module) if module else None
    if module is None or quiz is None:
        abort(404)
    if opened.enrolment is None:
        abort(403)
    outline = catalogue.Outline(opened.course, [catalogue.ModuleItem(module)], opened.enrolment)
    return QuizContext(outline, module, quiz, opened.enrolment)


def _here(ctx: QuizContext, endpoint: str = "quizzes.quiz", **values) -> str:
    return url_for(
        endpoint, course_slug=ctx.outline.course.slug, module_slug=ctx.module.slug, **values
    )


@bp.get("")
@login_required
def quiz(course_slug: str, module_slug: str):
    """The attempt in progress, or the start page with my attempts so far."""
    ctx = _context(course_slug, module_slug)
    status = attempts.quiz_status(current_user.id, ctx.quiz)
    current = status.open_attempt
    if current is not None and attempts.expire_if_overdue(current, utcnow()):
        db.session.commit()
        flash(_("The time limit passed, so your attempt was closed."), "error")
        current = None
        status = attempts.quiz_status(current_user.id, ctx.quiz)
    if current is None:
        return render_template(
            "quizzes/start.html",
            ctx=ctx,
            status=status,
            question_count=attempts.questions_per_attempt(ctx.quiz),
        )
    return render_template(
        "quizzes/attempt.html",
        ctx=ctx,
        status=status,
        attempt=current,
        questions=attempts.public_questions(current),
    )


@bp.post("/start")
@login_required
def start(course_slug: str, module_slug: str):
    """Start a new attempt (or resume the open one) and show it."""
    ctx = _context(course_slug, module_slug)
    try:
        attempts.start_attempt(current_user.id, ctx.quiz)
    except Forbidden as exc:
        flash(str(exc), "error")
    db.session.commit()
    return redirect(_here(ctx))


@bp.post("")
@login_required
def submit(course_slug: str, module_slug: str):
    """Grade the submitted attempt on the server and show its result."""
    ctx = _context(course_slug, module_slug)
    attempt_id = request.form.get("attempt", "")
    if not attempt_id.isdigit():
        abort(400)
    try:
        attempt = attempts.get_own_attempt(current_user.id, int(attempt_id), ctx.quiz)
    except NotFound:
        abort(404)
    try:
        attempts.submit_attempt(
            current_user.id, attempt, request.form.to_dict(flat=False), ctx.enrolment, ctx.module.id
        )
    except AttemptClosed as exc:
        db.session.commit()  # keeps an expiry the check just recorded
        flash(str(exc), "error")
        return redirect(_here(ctx, "quizzes.result", attempt_id=attempt.id))
    db.session.commit()
    return redirect(_here(ctx, "quizzes.result", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def result(course_slug: str, module_slug: str, attempt_id: int):
    """My result for one attempt, with the feedback the quiz settings allow."""
    ctx = _context(course_slug, module_slug)
    try:
        attempt = attempts.get_own_attempt(current_user.id, attempt_id, ctx.quiz)
    except NotFound:
        abort(404)
    if attempt.state == "open":
        return redirect(_here(ctx))
    status = attempts.quiz_status(current_user.id, ctx.quiz)
    reveal = attempts.may_reveal(attempt, status)
    return render_template(
        "quizzes/result.html",
        ctx=ctx,
        status=status,
        attempt=attempt,
        reveal=reveal,
        reviews=attempts.attempt_review(attempt, reveal),
    )

"""Helpers the trainer area's views share: loading what the URL names, if I may edit it."""

from flask import abort, current_app, flash, request
from flask_login import current_user

from lms.errors import NotFound
from lms.extensions import csrf
from lms.models import Course, Lesson, Module
from lms.services import authoring
from lms.services.audit import record


def course_or_404(course_slug: str) -> Course:
    """The course if the signed-in user may edit it; 404 otherwise."""
    try:
        return authoring.course_for_author(current_user, course_slug)
    except NotFound:
        abort(404)


def module_or_404(course_slug: str, module_slug: str) -> tuple[Course, Module]:
    """The course and one of its modules, if the user may edit the course."""
    course = course_or_404(course_slug)
    try:
        return course, authoring.get_module(course, module_slug)
    except NotFound:
        abort(404)


def lesson_or_404(course_slug: str, module_slug: str, lesson_slug: str):
    """The course, module and lesson, if the user may edit the course."""
    course, module = module_or_404(course_slug, module_slug)
    try:
        lesson: Lesson = authoring.get_lesson(module, lesson_slug)
    except NotFound:
        abort(404)
    return course, module, lesson


def audit(action: str, target, **details) -> None:
    """Record a trainer's action in the audit log (the caller commits)."""
    record(current_user.id, f"author.{action}", target, **details)


def int_or_none(value) -> int | None:
    """A form's number, or None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def form_errors(form) -> None:
    """Flash the errors of a small action form shown on another page."""
    for field_errors in form.errors.values():
        for error in field_errors:
            flash(error, "error")


def protect_large_post(limit: int) -> None:
    """Allow a request body up to `limit` bytes, then check the CSRF token.

    The views calling this are exempt from the global check, which would read the body
    under the site-wide size limit before the view could raise it.
    """
    request.max_content_length = limit
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()

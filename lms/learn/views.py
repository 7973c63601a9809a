"""Learner pages: catalogue, course outline, lessons, dashboard."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select

from lms.errors import NotFound
from lms.extensions import db
from lms.i18n import current_language
from lms.models import CourseFile
from lms.services import catalogue, progress, self_checks
from lms.services.certificates import learner_certificates
from lms.services.course_cards import course_cards
from lms.services.course_versions import group_versions, language_name

bp = Blueprint("learn", __name__)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _outline_or_404(course_slug: str) -> catalogue.Outline:
    user_id = _user_id()
    try:
        opened = catalogue.open_course(course_slug, user_id)
    except NotFound:
        abort(404)
    return catalogue.outline(opened, user_id)


@bp.get("/courses", endpoint="catalogue")
def catalogue_page():
    """Every course, with my progress when I am signed in."""
    cards = course_cards(_user_id())
    families = group_versions(cards, current_language())
    return render_template("learn/catalogue.html", families=families, language_name=language_name)


@bp.get("/courses/<course_slug>")
def course(course_slug: str):
    """A course outline with per-module progress."""
    outline = _outline_or_404(course_slug)
    return render_template("learn/course.html", outline=outline)


@bp.post("/courses/<course_slug>/enrol")
@login_required
def enrol(course_slug: str):
    """Enrol in a course and go to its first lesson."""
    outline = _outline_or_404(course_slug)
    progress.enrol(current_user.id, outline.course)
    db.session.commit()
    flash(_("You are enrolled in %(title)s.", title=outline.course.title), "success")
    return redirect(url_for("learn.course", course_slug=course_slug))


@bp.get("/courses/<course_slug>/<module_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """A lesson page with previous and next links and the complete button."""
    outline = _outline_or_404(course_slug)
    try:
        index, item = catalogue.find_lesson(outline, module_slug, lesson_slug)
    except NotFound:
        abort(404)
    if outline.enrolment is None:
        flash(_("Enrol in the course to read its lessons."), "info")
        return redirect(url_for("learn.course", course_slug=course_slug))
    progress.note_lesson_opened(outline.enrolment, item.lesson.id)
    db.session.commit()
    return _render_lesson(outline, index, item)


def _render_lesson(outline, index: int, item, checked: int | None = None, reviews=None):
    lessons = outline.lessons
    page = catalogue.lesson_page(outline, item)
    context = {
        "outline": outline,
        "item": item,
        "segments": page.segments,
        "checks": page.checks,
        "checked": checked,
        "reviews": reviews,
        "position": index + 1,
    }
    return render_template(
        "learn/lesson.html",
        article=_article(page, context) if checked is None else None,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        **context,
    )


# Where the request's CSRF token goes in a cached article (a byte no HTML text holds).
CSRF_SLOT = "\x00csrf\x00"


def _article(page: catalogue.LessonPage, context: dict) -> Markup:
    """The lesson's text and self-check forms, rendered once per lesson version and
    interface language; only the CSRF token of the forms differs between learners."""
    language = current_language()
    html = page.articles.get(language)
    if html is None:
        html = render_template(
            "learn/_article.html",
            course=context["outline"].course,
            lesson=context["item"].lesson,
            csrf_token=lambda: CSRF_SLOT,
            **context,
        )
        page.articles[language] = html
    # The cached HTML was rendered by Jinja with autoescaping; the token is URL-safe base64.
    return Markup(html.replace(CSRF_SLOT, generate_csrf()))  # nosec B704


@bp.post("/courses/<course_slug>/<module_slug>/<lesson_slug>/check/<int:number>")
@login_required
def self_check(course_slug: str, module_slug: str, lesson_slug: str, number: int):
    """Mark an ungraded self-check and show the lesson with its feedback; nothing is stored."""
    outline = _outline_or_404(course_slug)
    try:
        index, item = catalogue.find_lesson(outline, module_slug, lesson_slug)
        lesson = catalogue.lesson_record(item)
        reviews = self_checks.mark_check(lesson, number, request.form.to_dict(flat=False))
    except NotFound:
        abort(404)
    if outline.enrolment is None:
        abort(403)
    return _render_lesson(outline, index, item, checked=number, reviews=reviews)


@bp.post("/courses/<course_slug>/<module_slug>/<lesson_slug>/complete")
@login_required
def complete(course_slug: str, module_slug: str, lesson_slug: str):
    """Mark the lesson complete, then go to the next one."""
    outline = _outline_or_404(course_slug)
    try:
        index, item = catalogue.find_lesson(outline, module_slug, lesson_slug)
    except NotFound:
        abort(404)
    if outline.enrolment is None:
        abort(403)
    progress.complete_lesson(current_user.id, catalogue.lesson_record(item), outline.enrolment)
    db.session.commit()
    lessons = outline.lessons
    if outline.enrolment.completed_at is not None and all(i.done or i is item for i in lessons):
        flash(_("You completed the course. Well done!"), "success")
        return redirect(url_for("learn.course", course_slug=course_slug))
    flash(_("Lesson complete: %(title)s.", title=item.lesson.title), "success")
    if index + 1 < len(lessons):
        following = lessons[index + 1]
        return redirect(
            url_for(
                "learn.lesson",
                course_slug=course_slug,
                module_slug=following.module.slug,
                lesson_slug=following.lesson.slug,
            )
        )
    return redirect(url_for("learn.course", course_slug=course_slug))


@bp.get("/courses/<course_slug>/glossary")
def glossary(course_slug: str):
    """The course glossary that lessons link to."""
    try:
        course = catalogue.get_course(course_slug)
    except NotFound:
        abort(404)
    if not course.glossary_html:
        abort(404)
    return render_template("learn/glossary.html", course=course)


@bp.get("/courses/<course_slug>/files/<path:path>")
def course_file(course_slug: str, path: str):
    """An image from the course folder, served from the database with a safe type."""
    try:
        course = catalogue.get_course(course_slug)
    except NotFound:
        abort(404)
    stored = db.session.scalar(
        select(CourseFile).where(CourseFile.course_id == course.id, CourseFile.path == path)
    )
    if stored is None:
        abort(404)
    response = make_response(stored.content)
    response.headers["Content-Type"] = stored.mime_type  # set at import from a fixed list
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(stored.content_hash)
    return response.make_conditional(request)


@bp.get("/courses/<course_slug>/resume")
@login_required
def resume(course_slug: str):
    """Go back to where I stopped: the lesson to continue with, or the outline."""
    outline = _outline_or_404(course_slug)
    step = outline.resume() if outline.enrolment else None
    if step is None:
        module = outline.pending_quiz() if outline.enrolment else None
        if module is not None:
            return redirect(
                url_for("quizzes.quiz", course_slug=course_slug, module_slug=module.module.slug)
            )
        return redirect(url_for("learn.course", course_slug=course_slug))
    return redirect(
        url_for(
            "learn.lesson",
            course_slug=course_slug,
            module_slug=step.module.slug,
            lesson_slug=step.lesson.slug,
        )
    )


@bp.get("/me")
@login_required
def dashboard():
    """My courses with progress bars and a resume link, and my certificates."""
    cards = course_cards(current_user.id, enrolled_only=True)
    certificates = learner_certificates(current_user.id)
    return render_template("learn/dashboard.html", cards=cards, certificates=certificates)

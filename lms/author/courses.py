"""Course structure: create a course; add, rename, reorder and archive modules and lessons;
publish the whole course; owners and co-authors (administrators)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.author.common import audit, course_or_404, form_errors, lesson_or_404, module_or_404
from lms.author.forms import ActionForm, AuthorForm, CourseForm, ItemForm, RenameForm, ZipForm
from lms.errors import InvalidInput, NotFound
from lms.extensions import db
from lms.services import authoring
from lms.services.author_overview import course_overview as course_outline
from lms.services.publishing import ContentInvalid, lesson_draft, publish_course, save_lesson

bp = Blueprint("courses", __name__)


def _course_page(course_slug: str):
    return redirect(url_for("author.courses.course", course_slug=course_slug))


def _moved(title: str, direction: str) -> str:
    if direction == "up":
        return _("Moved %(title)s up.", title=title)
    return _("Moved %(title)s down.", title=title)


@bp.route("/new", methods=["GET", "POST"])
def new_course():
    """Create a course; it stays hidden from learners until it is published."""
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = authoring.create_course(
                current_user,
                form.slug.data,
                form.title.data,
                form.summary.data or "",
                form.language.data,
            )
        except InvalidInput as exc:
            db.session.rollback()
            getattr(form, exc.field or "slug").errors.append(str(exc))
        else:
            audit("course.created", course, slug=course.slug)
            db.session.commit()
            flash(
                _("Course created: %(title)s. Add a module, then its lessons.", title=course.title),
                "success",
            )
            return _course_page(course.slug)
    return render_template("author/course_new.html", form=form)


@bp.get("/c/<course_slug>")
def course(course_slug: str):
    """A course's modules, lessons and quizzes with their drafts, and what I can do."""
    course = course_or_404(course_slug)
    return render_template(
        "author/course.html",
        course=course,
        modules=course_outline(course),
        module_form=ItemForm(),
        lesson_form=ItemForm(),
        action=ActionForm(),
        zip_form=ZipForm(),
        is_admin=authoring.is_admin(current_user),
    )


@bp.post("/c/<course_slug>/modules")
def add_module(course_slug: str):
    """Add a module at the end of the course."""
    course = course_or_404(course_slug)
    form = ItemForm()
    if form.validate_on_submit():
        try:
            module = authoring.add_module(course, form.slug.data, form.title.data)
        except InvalidInput as exc:
            db.session.rollback()
            flash(_("Module not added: %(error)s", error=exc), "error")
        else:
            audit("module.created", module, course=course.slug, slug=module.slug)
            db.session.commit()
            flash(
                _("Module added: %(title)s. Add its first lesson.", title=module.title), "success"
            )
    else:
        form_errors(form)
    return _course_page(course_slug)


@bp.post("/c/<course_slug>/m/<module_slug>/lessons")
def add_lesson(course_slug: str, module_slug: str):
    """Add a lesson at the end of a module and open it in the editor."""
    course, module = module_or_404(course_slug, module_slug)
    form = ItemForm()
    if not form.validate_on_submit():
        form_errors(form)
        return _course_page(course_slug)
    try:
        lesson = authoring.add_lesson(module, form.slug.data, form.title.data, current_user.id)
    except InvalidInput as exc:
        db.session.rollback()
        flash(_("Lesson not added: %(error)s", error=exc), "error")
        return _course_page(course_slug)
    audit("lesson.created", lesson, course=course.slug, module=module.slug, slug=lesson.slug)
    db.session.commit()
    flash(
        _("Lesson added: %(title)s. Write it, save, then publish it.", title=lesson.title),
        "success",
    )
    return redirect(
        url_for(
            "author.editor.edit",
            course_slug=course_slug,
            module_slug=module_slug,
            lesson_slug=lesson.slug,
        )
    )


@bp.route("/c/<course_slug>/m/<module_slug>/rename", methods=["GET", "POST"])
def rename_module(course_slug: str, module_slug: str):
    """Give a module a new title; its slug stays."""
    course, module = module_or_404(course_slug, module_slug)
    form = RenameForm()
    if not form.is_submitted():
        form.title.data = module.title
    if form.validate_on_submit():
        try:
            old = module.title
            authoring.rename_module(module, form.title.data)
        except InvalidInput as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            audit("module.renamed", module, old=old, new=module.title)
            db.session.commit()
            flash(_("Module renamed: %(title)s.", title=module.title), "success")
            return _course_page(course_slug)
    return render_template(
        "author/rename.html", course=course, form=form, what="module", name=module.title
    )


@bp.route("/c/<course_slug>/m/<module_slug>/l/<lesson_slug>/rename", methods=["GET", "POST"])
def rename_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Rename a lesson: a new draft revision with the new title."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    draft = lesson_draft(lesson)
    form = RenameForm()
    if not form.is_submitted():
        form.title.data = lesson.title
    if form.validate_on_submit():
        title = " ".join(form.title.data.split())
        source = authoring.set_title(draft.source, title)
        try:
            revision = save_lesson(
                lesson,
                source,
                base_revision=draft.base_revision,
                author_id=current_user.id,
                message=f"renamed to {title}",
            )
        except InvalidInput as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            audit("lesson.renamed", lesson, new=title, revision=revision and revision.revision)
            db.session.commit()
            flash(
                _("Renamed in a new draft: %(title)s. Publish the lesson to show it.", title=title),
                "success",
            )
            return _course_page(course_slug)
    return render_template(
        "author/rename.html", course=course, form=form, what="lesson", name=lesson.title
    )


@bp.post("/c/<course_slug>/m/<module_slug>/<any(up, down):direction>")
def move_module(course_slug: str, module_slug: str, direction: str):
    """Move a module up or down; slugs never change."""
    course, module = module_or_404(course_slug, module_slug)
    if ActionForm().validate_on_submit() and authoring.move_module(module, direction):
        audit("module.moved", module, direction=direction, position=module.position)
        db.session.commit()
        flash(_moved(module.title, direction), "success")
    return _course_page(course_slug)


@bp.post("/c/<course_slug>/m/<module_slug>/l/<lesson_slug>/<any(up, down):direction>")
def move_lesson(course_slug: str, module_slug: str, lesson_slug: str, direction: str):
    """Move a lesson up or down in its module; slugs never change."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    if ActionForm().validate_on_submit() and authoring.move_lesson(lesson, direction):
        audit("lesson.moved", lesson, direction=direction, position=lesson.position)
        db.session.commit()
        flash(_moved(lesson.title, direction), "success")
    return _course_page(course_slug)


@bp.post("/c/<course_slug>/m/<module_slug>/<any(archive, restore):verb>")
def archive_module(course_slug: str, module_slug: str, verb: str):
    """Archive a module (hidden from learners, progress kept) or bring it back."""
    course, module = module_or_404(course_slug, module_slug)
    if ActionForm().validate_on_submit():
        authoring.set_archived(module, verb == "archive")
        audit(f"module.{verb}d", module)
        db.session.commit()
        if verb == "archive":
            flash(_("Module archived: %(title)s.", title=module.title), "success")
        else:
            flash(_("Module restored: %(title)s.", title=module.title), "success")
    return _course_page(course_slug)


@bp.post("/c/<course_slug>/m/<module_slug>/l/<lesson_slug>/<any(archive, restore):verb>")
def archive_lesson(course_slug: str, module_slug: str, lesson_slug: str, verb: str):
    """Archive a lesson (hidden from learners, progress kept) or bring it back."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    if ActionForm().validate_on_submit():
        try:
            authoring.set_archived(lesson, verb == "archive")
        except InvalidInput as exc:
            flash(str(exc), "error")
            return _course_page(course_slug)
        audit(f"lesson.{verb}d", lesson)
        db.session.commit()
        if verb == "archive":
            flash(_("Lesson archived: %(title)s.", title=lesson.title), "success")
        else:
            flash(_("Lesson restored: %(title)s.", title=lesson.title), "success")
    return _course_page(course_slug)


@bp.post("/c/<course_slug>/publish")
def publish(course_slug: str):
    """Publish every lesson and quiz draft of the course at once, and show the course."""
    course = course_or_404(course_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = publish_course(course)
    except ContentInvalid as exc:
        db.session.rollback()
        flash(_("Nothing was published: %(error)s", error=exc), "error")
        for error in exc.errors[:20]:
            flash(str(error), "error")
        return _course_page(course_slug)
    audit(
        "course.published",
        course,
        lessons=len(result.lessons),
        quizzes=len(result.quizzes),
        made_visible=result.made_visible or None,
    )
    db.session.commit()
    done = len(result.lessons) + len(result.quizzes)
    message = _("Published %(num)s draft(s).", num=done) if done else _("Nothing new to publish.")
    if result.made_visible:
        message += " " + _("The course is now visible to learners.")
    flash(message, "success")
    return _course_page(course_slug)


@bp.route("/c/<course_slug>/authors", methods=["GET", "POST"])
def authors(course_slug: str):
    """Owners and co-authors of a course; administrators assign them."""
    course = course_or_404(course_slug)
    if not authoring.is_admin(current_user):
        abort(403)
    form = AuthorForm()
    if form.validate_on_submit():
        try:
            user = authoring.set_author(course, form.email.data, form.role.data)
        except InvalidInput as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            audit("course.author_set", course, user_id=user.id, role=form.role.data)
            db.session.commit()
            if form.role.data == "owner":
                message = _(
                    "%(name)s is now owner of %(course)s.", name=user.name, course=course.title
                )
            else:
                message = _(
                    "%(name)s is now coauthor of %(course)s.", name=user.name, course=course.title
                )
            flash(message, "success")
            return redirect(url_for("author.courses.authors", course_slug=course_slug))
    return render_template(
        "author/authors.html",
        course=course,
        authors=authoring.authors(course),
        form=form,
        action=ActionForm(),
    )


@bp.post("/c/<course_slug>/authors/<int:user_id>/remove")
def remove_author(course_slug: str, user_id: int):
    """Take someone off a course's authors (administrators)."""
    course = course_or_404(course_slug)
    if not authoring.is_admin(current_user):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            user = authoring.remove_author(course, user_id)
        except NotFound:
            abort(404)
        audit("course.author_removed", course, user_id=user_id)
        db.session.commit()
        flash(
            _("%(name)s no longer authors %(course)s.", name=user.name, course=course.title),
            "success",
        )
    return redirect(url_for("author.courses.authors", course_slug=course_slug))

"""The lesson editor: Markdown with a preview rendered as learners get it, drafts,
publishing, history with diffs, restore, and images uploaded beside the text."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.author.common import audit, int_or_none, lesson_or_404, protect_large_post
from lms.author.forms import DiffForm, LessonEditorForm, PublishForm, RestoreForm
from lms.errors import InvalidInput, NotFound
from lms.extensions import csrf, db
from lms.services import author_images
from lms.services.publishing import (
    ContentInvalid,
    EditConflict,
    check_lesson,
    get_lesson_revision,
    lesson_draft,
    publish_lesson,
    restore_lesson,
    save_lesson,
)
from lms.services.revisions import diff_lines, lesson_history

bp = Blueprint("editor", __name__)
LESSON = "/c/<course_slug>/m/<module_slug>/l/<lesson_slug>"
UPLOAD_LIMIT = 3 * 1024 * 1024  # a 2 MB image with the lesson text around it


def _urls(course_slug: str, module_slug: str, lesson_slug: str) -> dict:
    args = {"course_slug": course_slug, "module_slug": module_slug, "lesson_slug": lesson_slug}
    return {
        name: url_for(f"author.editor.{name}", **args)
        for name in ("edit", "preview", "publish", "history", "diff")
    }


@bp.route(LESSON + "/edit", methods=["GET", "POST"])
@csrf.exempt  # checked below, after allowing an image-sized request
def edit(course_slug: str, module_slug: str, lesson_slug: str):
    """Edit a lesson: Preview renders it as learners will see it; Save stores a draft."""
    protect_large_post(UPLOAD_LIMIT)
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    draft = lesson_draft(lesson)
    form = LessonEditorForm()
    if not form.is_submitted():
        form.source.data = draft.source
        form.base_revision.data = str(draft.base_revision)
    compiled = conflict = None
    if form.validate_on_submit():
        source = form.source.data or ""
        if form.upload.data:
            source = _upload(course, form, source)
            form.source.data = source
        elif form.save.data:
            try:
                revision = save_lesson(
                    lesson,
                    source,
                    base_revision=int_or_none(form.base_revision.data),
                    author_id=current_user.id,
                    message=form.message.data or "",
                )
            except EditConflict as exc:
                db.session.rollback()
                conflict = exc
                form.base_revision.data = str(exc.latest)
            except ContentInvalid:
                db.session.rollback()
                flash(_("Not saved: fix the errors listed under the text first."), "error")
            else:
                if revision is None:
                    flash(_("Nothing changed since the last saved revision."), "info")
                else:
                    audit("lesson.saved", lesson, revision=revision.revision)
                    db.session.commit()
                    flash(
                        _("Saved as draft revision %(number)s.", number=revision.revision),
                        "success",
                    )
                return redirect(_urls(course_slug, module_slug, lesson_slug)["edit"])
        compiled = check_lesson(lesson, source)
    return render_template(
        "author/lesson_edit.html",
        course=course,
        module=module,
        lesson=lesson,
        draft=lesson_draft(lesson),
        form=form,
        compiled=compiled,
        conflict=conflict,
        publish_form=PublishForm(revision=draft.base_revision),
        urls=_urls(course_slug, module_slug, lesson_slug),
    )


def _upload(course, form, source: str) -> str:
    """Store the uploaded image and add the line that shows it to the (unsaved) text."""
    file = form.image.data
    try:
        stored = author_images.upload_image(course, file.read() if file else b"")
    except InvalidInput as exc:
        db.session.rollback()
        form.image.errors = [str(exc)]
        return source
    audit("image.uploaded", course, path=stored.path, size=len(stored.content))
    db.session.commit()
    line = author_images.image_markdown(stored, form.alt.data or "")
    flash(
        _(
            "Image uploaded. The line that shows it was added at the end of the text: "
            "move it where it belongs, then save."
        ),
        "success",
    )
    return source.rstrip("\n") + "\n\n" + line + "\n"


@bp.post(LESSON + "/preview")
def preview(course_slug: str, module_slug: str, lesson_slug: str):
    """The live preview (editor.js): the rendered lesson and its errors, as HTML to insert."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    compiled = check_lesson(lesson, request.form.get("source", ""))
    html = render_template("author/_lesson_preview.html", compiled=compiled)
    return jsonify(html=html, errors=len(compiled.errors))


@bp.post(LESSON + "/publish")
def publish(course_slug: str, module_slug: str, lesson_slug: str):
    """Publish the newest revision: learners see it from now on."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    form = PublishForm()
    urls = _urls(course_slug, module_slug, lesson_slug)
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = publish_lesson(lesson, int_or_none(form.revision.data))
    except EditConflict as exc:
        db.session.rollback()
        flash(_("Not published: %(error)s", error=exc), "error")
        return redirect(urls["edit"])
    except ContentInvalid as exc:
        db.session.rollback()
        errors = "; ".join(str(e) for e in exc.errors[:5])
        flash(_("Not published: %(error)s", error=errors), "error")
        return redirect(urls["edit"])
    if changed:
        audit("lesson.published", lesson, revision=lesson.revision)
        db.session.commit()
        flash(
            _("Published revision %(number)s: learners see it now.", number=lesson.revision),
            "success",
        )
    else:
        flash(_("This revision is already published."), "info")
    return redirect(urls["edit"])


@bp.get(LESSON + "/history")
def history(course_slug: str, module_slug: str, lesson_slug: str):
    """Every revision, who made it and when; compare two or restore one."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    entries = lesson_history(lesson)
    args = {"course_slug": course_slug, "module_slug": module_slug, "lesson_slug": lesson_slug}
    return render_template(
        "author/history.html",
        course=course,
        title=lesson.title,
        kind="lesson",
        entries=entries,
        diff_form=DiffForm(
            formdata=None,
            a=entries[1].revision if len(entries) > 1 else None,
            b=entries[0].revision if entries else None,
        ),
        restore_form=RestoreForm(base_revision=entries[0].revision if entries else 0),
        urls=_urls(course_slug, module_slug, lesson_slug),
        restore_url=lambda n: url_for("author.editor.restore", number=n, **args),
    )


@bp.get(LESSON + "/diff")
def diff(course_slug: str, module_slug: str, lesson_slug: str):
    """The line-by-line difference between two revisions."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    form = DiffForm(request.args)
    try:
        old = get_lesson_revision(lesson, int_or_none(form.a.data) or 0)
        new = get_lesson_revision(lesson, int_or_none(form.b.data) or 0)
    except NotFound:
        abort(404)
    return render_template(
        "author/diff.html",
        course=course,
        title=lesson.title,
        old=old,
        new=new,
        lines=diff_lines(old.source, new.source),
        urls=_urls(course_slug, module_slug, lesson_slug),
    )


@bp.post(LESSON + "/restore/<int:number>")
def restore(course_slug: str, module_slug: str, lesson_slug: str, number: int):
    """Copy an old revision into a new draft (nothing is published yet)."""
    course, module, lesson = lesson_or_404(course_slug, module_slug, lesson_slug)
    form = RestoreForm()
    urls = _urls(course_slug, module_slug, lesson_slug)
    if not form.validate_on_submit():
        abort(400)
    try:
        revision = restore_lesson(
            lesson,
            number,
            base_revision=int_or_none(form.base_revision.data),
            author_id=current_user.id,
        )
    except NotFound:
        abort(404)
    except (EditConflict, ContentInvalid) as exc:
        db.session.rollback()
        flash(_("Not restored: %(error)s", error=exc), "error")
        return redirect(urls["history"])
    if revision is None:
        flash(_("Revision %(number)s is already the newest text.", number=number), "info")
    else:
        audit("lesson.restored", lesson, restored=number, revision=revision.revision)
        db.session.commit()
        flash(
            _(
                "Revision %(number)s restored as draft revision %(revision)s.",
                number=number,
                revision=revision.revision,
            ),
            "success",
        )
    return redirect(urls["edit"])

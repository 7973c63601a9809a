"""The module quiz in the browser: edit with errors by line, publish as a new version,
history, GIFT import, and how its questions perform."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.author.common import audit, int_or_none, module_or_404
from lms.author.forms import DiffForm, EditorForm, GiftForm, PublishForm, RestoreForm
from lms.errors import NotFound
from lms.extensions import db
from lms.quiz.gift import gift_to_quiz_text
from lms.services.item_analysis import analyse_quiz
from lms.services.publishing import (
    ContentInvalid,
    EditConflict,
    attempt_count,
    check_quiz,
    get_quiz_revision,
    module_quiz,
    publish_quiz,
    quiz_draft,
    restore_quiz,
    save_quiz,
)
from lms.services.revisions import diff_lines, quiz_history

bp = Blueprint("quiz", __name__)
QUIZ = "/c/<course_slug>/m/<module_slug>/quiz"
GIFT_LIMIT = 1_000_000


def _urls(course_slug: str, module_slug: str) -> dict:
    args = {"course_slug": course_slug, "module_slug": module_slug}
    names = ("edit", "preview", "publish", "history", "diff", "gift", "analysis")
    return {name: url_for(f"author.quiz.{name}", **args) for name in names}


def _quiz_or_404(module):
    quiz = module_quiz(module)
    if quiz is None:
        abort(404)
    return quiz


def _render_editor(course, module, form, compiled=None, conflict=None, warnings=None):
    quiz = module_quiz(module)
    draft = quiz_draft(quiz)
    return render_template(
        "author/quiz_edit.html",
        course=course,
        module=module,
        quiz=quiz,
        draft=draft,
        attempts=attempt_count(quiz),
        form=form,
        compiled=compiled,
        conflict=conflict,
        warnings=warnings or [],
        publish_form=PublishForm(revision=draft.base_revision),
        urls=_urls(course.slug, module.slug),
    )


@bp.route(QUIZ + "/edit", methods=["GET", "POST"])
def edit(course_slug: str, module_slug: str):
    """Edit the module quiz: Preview checks it line by line; Save stores a draft."""
    course, module = module_or_404(course_slug, module_slug)
    draft = quiz_draft(module_quiz(module))
    form = EditorForm()
    if not form.is_submitted():
        form.source.data = draft.source
        form.base_revision.data = str(draft.base_revision)
    if not form.validate_on_submit():
        return _render_editor(course, module, form)
    source = form.source.data or ""
    if form.save.data:
        try:
            revision = save_quiz(
                module,
                source,
                base_revision=int_or_none(form.base_revision.data),
                author_id=current_user.id,
                message=form.message.data or "",
            )
        except EditConflict as exc:
            db.session.rollback()
            form.base_revision.data = str(exc.latest)
            return _render_editor(course, module, form, check_quiz(module, source), exc)
        except ContentInvalid:
            db.session.rollback()
            flash(_("Not saved: fix the errors listed under the text first."), "error")
        else:
            if revision is None:
                flash(_("Nothing changed since the last saved revision."), "info")
            else:
                audit("quiz.saved", module_quiz(module), revision=revision.revision)
                db.session.commit()
                flash(_("Saved as draft revision %(number)s.", number=revision.revision), "success")
            return redirect(_urls(course_slug, module_slug)["edit"])
    return _render_editor(course, module, form, check_quiz(module, source))


@bp.post(QUIZ + "/preview")
def preview(course_slug: str, module_slug: str):
    """The live check (editor.js): the questions as parsed, or every error with its line."""
    course, module = module_or_404(course_slug, module_slug)
    compiled = check_quiz(module, request.form.get("source", ""))
    html = render_template("author/_quiz_preview.html", compiled=compiled)
    return jsonify(html=html, errors=len(compiled.errors))


@bp.post(QUIZ + "/publish")
def publish(course_slug: str, module_slug: str):
    """Publish the newest quiz revision; a changed quiz becomes a new version."""
    course, module = module_or_404(course_slug, module_slug)
    quiz = _quiz_or_404(module)
    form = PublishForm()
    url = _urls(course_slug, module_slug)["edit"]
    if not form.validate_on_submit():
        abort(400)
    old_version = quiz.version
    try:
        changed = publish_quiz(quiz, int_or_none(form.revision.data) or 0)
    except (EditConflict, NotFound) as exc:
        db.session.rollback()
        flash(_("Not published: %(error)s", error=exc), "error")
        return redirect(url)
    except ContentInvalid as exc:
        db.session.rollback()
        errors = "; ".join(str(e) for e in exc.errors[:5])
        flash(_("Not published: %(error)s", error=errors), "error")
        return redirect(url)
    if not changed:
        flash(_("This revision is already published."), "info")
        return redirect(url)
    audit("quiz.published", quiz, version=quiz.version, revision=int(form.revision.data))
    db.session.commit()
    message = _("Quiz published.")
    if quiz.version != old_version:
        message = _(
            "Quiz published as version %(version)s. Earlier attempts keep the questions "
            "and score they had.",
            version=quiz.version,
        )
    flash(message, "success")
    return redirect(url)


@bp.get(QUIZ + "/history")
def history(course_slug: str, module_slug: str):
    """Every revision of the quiz; compare two or restore one."""
    course, module = module_or_404(course_slug, module_slug)
    quiz = _quiz_or_404(module)
    entries = quiz_history(quiz)
    args = {"course_slug": course_slug, "module_slug": module_slug}
    return render_template(
        "author/history.html",
        course=course,
        title=f"Quiz of {module.title}",
        kind="quiz",
        entries=entries,
        diff_form=DiffForm(
            formdata=None,
            a=entries[1].revision if len(entries) > 1 else None,
            b=entries[0].revision if entries else None,
        ),
        restore_form=RestoreForm(base_revision=entries[0].revision if entries else 0),
        urls=_urls(course_slug, module_slug),
        restore_url=lambda n: url_for("author.quiz.restore", number=n, **args),
    )


@bp.get(QUIZ + "/diff")
def diff(course_slug: str, module_slug: str):
    """The line-by-line difference between two quiz revisions."""
    course, module = module_or_404(course_slug, module_slug)
    quiz = _quiz_or_404(module)
    form = DiffForm(request.args)
    try:
        old = get_quiz_revision(quiz, int_or_none(form.a.data) or 0)
        new = get_quiz_revision(quiz, int_or_none(form.b.data) or 0)
    except NotFound:
        abort(404)
    return render_template(
        "author/diff.html",
        course=course,
        title=f"Quiz of {module.title}",
        old=old,
        new=new,
        lines=diff_lines(old.source, new.source),
        urls=_urls(course_slug, module_slug),
    )


@bp.post(QUIZ + "/restore/<int:number>")
def restore(course_slug: str, module_slug: str, number: int):
    """Copy an old quiz revision into a new draft."""
    course, module = module_or_404(course_slug, module_slug)
    quiz = _quiz_or_404(module)
    form = RestoreForm()
    urls = _urls(course_slug, module_slug)
    if not form.validate_on_submit():
        abort(400)
    try:
        revision = restore_quiz(
            quiz,
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
        audit("quiz.restored", quiz, restored=number, revision=revision.revision)
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


@bp.route(QUIZ + "/gift", methods=["GET", "POST"])
def gift(course_slug: str, module_slug: str):
    """Paste or upload a GIFT bank: it opens in the quiz editor as quiz text, unsaved."""
    course, module = module_or_404(course_slug, module_slug)
    form = GiftForm()
    if form.validate_on_submit():
        text = form.gift.data or ""
        upload = form.file.data
        if upload and upload.filename:
            try:
                text = upload.read(GIFT_LIMIT + 1).decode("utf-8-sig")
            except UnicodeDecodeError:
                form.file.errors = [_("The file is not UTF-8 text; save it as UTF-8.")]
                text = None
        if text is not None and not text.strip():
            form.gift.errors = [_("Paste GIFT text or choose a file.")]
        elif text is not None and len(text) > GIFT_LIMIT:
            form.gift.errors = [_("The question bank is too large (at most 1 MB).")]
        elif text is not None:
            quiz_text, warnings = gift_to_quiz_text(text)
            audit("quiz.gift_converted", module, warnings=len(warnings))
            db.session.commit()
            editor = EditorForm(formdata=None)
            editor.source.data = quiz_text
            editor.base_revision.data = str(quiz_draft(module_quiz(module)).base_revision)
            editor.message.data = "imported from GIFT"
            flash(_("Converted. Check the text and the warnings, then save."), "success")
            return _render_editor(
                course, module, editor, check_quiz(module, quiz_text), warnings=warnings
            )
    return render_template(
        "author/gift.html",
        course=course,
        module=module,
        form=form,
        urls=_urls(course_slug, module_slug),
    )


@bp.get(QUIZ + "/analysis")
def analysis(course_slug: str, module_slug: str):
    """How the quiz's questions perform: attempts, pass rate, distribution, per question."""
    course, module = module_or_404(course_slug, module_slug)
    quiz = _quiz_or_404(module)
    version = request.args.get("version", type=int)
    return render_template(
        "author/analysis.html",
        course=course,
        module=module,
        quiz=quiz,
        version=version,
        result=analyse_quiz(quiz, version),
        urls=_urls(course_slug, module_slug),
    )

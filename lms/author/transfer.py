"""Courses in and out as zips in the folder format."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.author.common import audit, course_or_404, protect_large_post
from lms.author.forms import ZipForm
from lms.errors import InvalidInput
from lms.extensions import csrf, db
from lms.services.course_zip import ZipInvalid, export_zip, import_zip

bp = Blueprint("transfer", __name__)
ZIP_LIMIT = 25 * 1024 * 1024  # compressed; the unpacked limit is checked in the service


@bp.get("/c/<course_slug>/export.zip")
def export(course_slug: str):
    """Download the published course as a zip of its folder."""
    course = course_or_404(course_slug)
    data = export_zip(course.slug)
    audit("course.exported", course, size=len(data))
    db.session.commit()
    response = make_response(data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{course.slug}.zip"'
    return response


@bp.route("/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, after allowing a zip-sized request
def import_new():
    """Upload a zip to create a new course (I become its owner)."""
    return _import(None)


@bp.route("/c/<course_slug>/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, after allowing a zip-sized request
def import_update(course_slug: str):
    """Upload a zip to update this course; unchanged files change nothing."""
    return _import(course_or_404(course_slug))


def _import(course):
    protect_large_post(ZIP_LIMIT)
    form = ZipForm()
    errors = []
    if form.validate_on_submit():
        upload = form.archive.data
        data = upload.read(ZIP_LIMIT + 1) if upload else b""
        name = (upload.filename if upload else "") or "course.zip"
        try:
            if not data:
                raise InvalidInput(_("Choose a zip file."), "archive")
            result = import_zip(data, current_user, into=course, filename=name)
        except ZipInvalid as exc:
            db.session.rollback()
            form.archive.errors = [str(exc)]
            errors = exc.errors
        except InvalidInput as exc:
            db.session.rollback()
            form.archive.errors = [_("Nothing was changed: %(error)s", error=exc)]
        else:
            audit(
                "course.imported",
                result.course,
                created=result.created,
                file=name,
                changes=dict(result.report.changes) or None,
            )
            db.session.commit()
            summary = result.report.summary()
            if result.created:
                message = _("Course created from %(file)s. %(summary)s", file=name, summary=summary)
            else:
                message = _("Course updated from %(file)s. %(summary)s", file=name, summary=summary)
            flash(message, "success")
            return redirect(url_for("author.courses.course", course_slug=result.course.slug))
    return render_template("author/import.html", course=course, form=form, errors=errors)

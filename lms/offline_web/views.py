"""Trainers download a course's offline package: static pages for field offices."""

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from lms.auth.access import authored_course_ids, trainer_required
from lms.errors import NotFound
from lms.models import Role
from lms.services import catalogue
from lms.services.offline import export_offline

bp = Blueprint("offline_web", __name__)


@bp.get("/author/c/<course_slug>/offline.zip")
@trainer_required
def download(course_slug: str):
    """The course as a zip of static pages, for its authors and administrators."""
    try:
        course = catalogue.get_course(course_slug)
    except NotFound:
        abort(404)
    if not current_user.has_role(Role.ADMIN) and course.id not in authored_course_ids(
        current_user.id
    ):
        abort(404)  # as elsewhere in /author: do not tell strangers the course exists
    # The address the trainer reached us by is the one the package names for quizzes.
    package = export_offline(course.slug, base_url=request.url_root)
    return Response(
        package.data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{package.filename}"',
            "Cache-Control": "private, no-store",
        },
    )

"""The trainer area: courses I author, the editor, revisions and publishing."""

from flask import Blueprint, redirect, url_for

from lms.auth.access import trainer_required

bp = Blueprint("author", __name__, url_prefix="/author")


@bp.get("/")
@trainer_required
def index():
    """The courses I own or co-author."""
    return redirect(url_for("learn.catalogue"))

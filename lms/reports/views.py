"""Reports for administrators, organisation managers and trainers."""

from flask import Blueprint, render_template

from lms.auth.access import manager_or_admin_required

bp = Blueprint("reports", __name__, url_prefix="/admin/reports")


@bp.get("/completion")
@manager_or_admin_required
def completion():
    """The completion report."""
    return render_template("errors/error.html", code=200, title="Completion report", message="")

"""Administration: accounts, organisations, enrolments, the audit log."""

from flask import Blueprint, redirect, url_for

from lms.auth.access import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@admin_required
def index():
    """The administration area starts at the account list."""
    return redirect(url_for("admin.users"))


@bp.get("/users")
@admin_required
def users():
    """Accounts: list, search and filter."""
    return redirect(url_for("reports.completion"))

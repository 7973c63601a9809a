"""Health check and the home page."""

from flask import Blueprint, jsonify, redirect, url_for
from sqlalchemy import text

from lms.extensions import db

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz():
    """Report whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any database failure means "not healthy", never a 500
        db.session.rollback()
        database = "error"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if database == "ok" else "error", "database": database}
    return jsonify(body), status


@bp.get("/")
def home():
    """Send visitors to the course catalogue."""
    return redirect(url_for("learn.catalogue"))

"""Session time-outs: idle and absolute, checked on every request."""

import time

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in

# Refresh the "last seen" stamp at most this often, so most responses set no cookie.
TOUCH_EVERY = 60


def _stamp_login(_app, user, **_extra) -> None:
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now


def expired(now: int, login_at: int, seen_at: int, idle: int, absolute: int) -> bool:
    """Whether a session has been idle too long or has lived too long (seconds)."""
    return now - seen_at > idle or now - login_at > absolute


def register(app: Flask) -> None:
    """Install the time-out check."""
    user_logged_in.connect(_stamp_login, app)

    @app.before_request
    def enforce_timeouts():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(time.time())
        login_at = session.setdefault("login_at", now)
        seen_at = session.get("seen_at", now)
        idle = app.config["LMS_SESSION_IDLE_MINUTES"] * 60
        absolute = app.config["LMS_SESSION_MAX_HOURS"] * 3600
        if expired(now, login_at, seen_at, idle, absolute):
            logout_user()
            session.clear()
            flash(_("Your session ended. Please sign in again."), "info")
            return redirect(url_for("auth.login", next=request.path))
        if now - seen_at >= TOUCH_EVERY:
            session["seen_at"] = now
        return None

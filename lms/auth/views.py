"""Sign in, sign out, register."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth.forms import LoginForm, RegisterForm, ResetPasswordForm
from lms.errors import InvalidInput, NotFound
from lms.extensions import db, limiter
from lms.models.users import normalise_email
from lms.services import accounts, password_reset

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str | None:
    """The `next` target if it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_rate() -> str:
    return current_app.config["LMS_LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """The rate-limit key of the account tried, whatever its letter case or spaces."""
    return "login:" + normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
@limiter.limit(_login_rate, methods=["POST"], key_func=_account_key)
def login():
    """Sign in with email and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data) or url_for("learn.dashboard"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email address or password is not right."))
        else:
            db.session.commit()
            session_next = safe_next(form.next.data)
            _renew_session()  # a new session at sign-in: nothing from before carries over
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(session_next or url_for("learn.dashboard"))
    return render_template("auth/login.html", form=form)


def _renew_session() -> None:
    session.clear()


@bp.post("/logout")
@login_required
def logout():
    """Sign out and end every session of this user, on every server.

    The session version is bumped and committed: each server checks it on every request,
    so a copy of the cookie (another tab, another device, a stolen copy) stops working too.
    """
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    _renew_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])  # slows guessing which emails have accounts
def register():
    """Create a learner account, when registration is open."""
    if not current_app.config["LMS_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:  # a second account would silently replace the session
        return redirect(url_for("learn.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data,
                form.password.data,
                name=form.name.data,
                organisation=form.organisation.data,
                country=form.country.data,
            )
        except InvalidInput as exc:
            db.session.rollback()
            getattr(form, exc.field or "email", form.email).errors.append(str(exc))
        else:
            db.session.commit()
            _renew_session()
            login_user(user)
            flash(_("Your account is ready. Choose a course to start."), "success")
            return redirect(url_for("learn.catalogue"))
    return render_template("auth/register.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a one-time link an administrator handed over."""
    try:
        reset = password_reset.find_valid(token)
    except NotFound as exc:
        return render_template("auth/reset.html", form=None, invalid=str(exc)), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.use_link(token, form.password.data)
        except NotFound as exc:
            db.session.rollback()
            return render_template("auth/reset.html", form=None, invalid=str(exc)), 404
        except InvalidInput as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            _renew_session()
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    response = make_response(render_template("auth/reset.html", form=form, reset=reset))
    response.headers["Cache-Control"] = "no-store"
    return response

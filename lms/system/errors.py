"""Friendly error pages: a message, never a stack trace."""

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from lms.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a minute and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. Nothing you did was lost."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The platform cannot reach its database right now. Please try again in a few minutes."),
    ),
}


def render_error(code: int, detail: str | None = None):
    """The error page for an HTTP status."""
    title, message = MESSAGES.get(code, (_("Error %(code)s", code=code), _("The request failed.")))
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _("The form expired or was not sent from this site. Reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        # The pool pre-pings connections, so the next request after the database
        # returns gets a fresh connection: no restart needed.
        try:
            db.session.rollback()
        except (OperationalError, InterfaceError):
            pass  # the connection is already gone; the pool drops it
        app.logger.error("Database unavailable: %s", error.__class__.__name__)
        response, code = render_error(503)
        return response, code, {"Retry-After": "30"}

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)

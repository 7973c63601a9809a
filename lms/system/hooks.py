"""Template helpers and headers added to every response."""

from functools import lru_cache

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms.content.render import render_markdown
from lms.services.countries import country_name
from lms.system import sessions, static_files


@lru_cache(maxsize=4096)
def quiz_markdown(text: str) -> Markup:
    """Question and feedback text as safe HTML: rendered and sanitised once per text."""
    # render_markdown's output went through nh3's allow-list: trusted HTML is made here only.
    return Markup(render_markdown(text or "").html)  # nosec B704


def quiz_inline(text: str) -> Markup:
    """Question text for a legend or heading: one paragraph loses its <p> wrapper."""
    html = str(quiz_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    # The sanitised HTML of quiz_markdown, less one <p> wrapper.
    return Markup(html)  # nosec B704


QUIZ_STATE_LABELS = {
    "not_attempted": _l("not attempted"),
    "in_progress": _l("attempt in progress"),
    "passed": _l("passed"),
    "failed": _l("not passed yet, attempts left"),
    "failed_final": _l("not passed, no attempts left"),
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(app: Flask) -> None:
    """Install template helpers and response headers."""
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.filters["quiz_markdown"] = quiz_markdown
    app.jinja_env.filters["quiz_inline"] = quiz_inline
    app.jinja_env.globals["quiz_state_labels"] = QUIZ_STATE_LABELS
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    sessions.register(app)
    static_files.register(app)

    @app.after_request
    def add_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure or app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if _signed_in() and request.endpoint != "static":
            # Pages for a signed-in person hold personal data: keep them out of shared
            # and browser caches (ASVS 14.3.2). A view that chose a policy keeps it.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _signed_in() -> bool:
    """Whether this request loaded a signed-in user, without loading one (no query here)."""
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)

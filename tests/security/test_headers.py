"""Security headers on every page type, over HTTPS as a browser behind the balancer sees
them, and the session cookie's flags. (Over plain HTTP, the matrix checks the same
headers on every HTML response of every route: tests/security/test_matrix.py.)"""

import pytest

from lms import create_app
from lms.extensions import db
from tests.security.conftest import SharedWorld, security_config
from tests.security.test_matrix import RULES, world_with_file
from tests.security.world import sign_in

GET_RULES = sorted(key for key in RULES if key[1] == "GET")
# Public pages that choose their own caching: a revocation must show at once (no-cache).
PUBLIC_PAGES = {"certificates.verify"}
HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture(scope="module")
def https(pg_schema):
    """The app as deployed: secure cookies, one trusted proxy that terminates TLS."""
    app = create_app(security_config(pg_schema, SESSION_COOKIE_SECURE=True, LMS_TRUSTED_PROXIES=1))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield SharedWorld(app)
    with app.app_context():
        db.session.remove()
        if pg_schema:
            db.drop_all()
        db.engine.dispose()


@pytest.mark.parametrize("role", ["anon", "learner_a", "admin"])
@pytest.mark.parametrize("endpoint, method", GET_RULES)
def test_every_page_type_carries_the_headers_over_https(https, endpoint, method, role):
    world = world_with_file(https)
    client = https.app.test_client()
    if role != "anon":
        with https.app.app_context():
            sign_in(client, world[role].id)
    response = client.get(
        RULES[(endpoint, method)].url(world), headers={"X-Forwarded-Proto": "https"}
    )
    headers = response.headers
    assert headers["Strict-Transport-Security"] == HSTS
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    if response.status_code == 302:
        assert headers["Location"].startswith("/") or headers["Location"].startswith("https://")
    html = headers.get("Content-Type", "").startswith("text/html")
    if role != "anon" and html and endpoint not in PUBLIC_PAGES:
        assert headers.get("Cache-Control") == "no-store", endpoint


def test_signed_in_pages_are_not_stored_in_caches(https):
    world = world_with_file(https)
    client = https.app.test_client()
    with https.app.app_context():
        sign_in(client, world["learner_a"].id)
    for path in ("/me", "/me/transcript", "/courses/test-course/first-steps/welcome"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_session_cookie_is_secure_httponly_and_lax_behind_https(https):
    world = world_with_file(https)
    client = https.app.test_client()
    response = client.post(
        "/auth/login",
        data={"email": world["learner_a"].email, "password": "a long enough passphrase"},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.headers["Location"].endswith("/me")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags

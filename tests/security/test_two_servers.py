"""Two gunicorn servers at once, sharing PostgreSQL and Redis, as behind a load balancer:
a session made on one works on the other, the sign-in limit is counted once for both,
progress written through one is read through the other, and logout ends it on both."""

import http.cookiejar
import itertools
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lms import create_app
from lms.extensions import db
from tests.conftest import PASSWORD, PG_URL, TEST_COURSES, database_config
from tests.security.world import build_world

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL (CI does)"
)
REDIS_DB = 11  # this test's own Redis database, emptied before and after
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plain_url(schema: str) -> str:
    base = PG_URL.split("?")[0]
    return f"{base}?options=" + urllib.parse.quote(f"-csearch_path={schema}")


class Browser:
    """One person's browser: a cookie jar that goes to either server, and an address of
    its own, which the load balancer (the one trusted proxy) passes on."""

    addresses = itertools.count(1)

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        handler = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(handler, NoRedirect())
        self.address = f"198.51.100.{next(self.addresses)}"

    def get(self, url: str):
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def _open(self, request):
        request.add_header("X-Forwarded-For", self.address)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.headers, response.read().decode("utf-8", "replace")

    def token(self, url: str) -> str:
        """The CSRF token of the form on a page."""
        status, _, body = self.get(url)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
        assert status == 200 and match, (url, status)
        return match.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # show the 302 itself: its Location is part of what is checked


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two gunicorn servers on one PostgreSQL schema and one Redis database."""
    import redis

    schema = f"lms_two_servers_{os.getpid()}"
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    app = create_app(
        {
            "TESTING": True,
            "LMS_ENV": "testing",
            "SECRET_KEY": "x" * 32,
            "LMS_COURSES_DIR": str(TEST_COURSES),
            **database_config(schema),
        }
    )
    with app.app_context():
        db.create_all()
        world = build_world()
        db.session.remove()
        db.engine.dispose()
    store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    store.flushdb()
    instance = tmp_path_factory.mktemp("instance")
    env = {
        **os.environ,
        "DATABASE_URL": plain_url(schema),
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SECRET_KEY": "two servers share this secret key, 32+ chars",
        "LMS_ENV": "production",
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_COURSES_DIR": str(TEST_COURSES),
        "LMS_LOGIN_RATE_LIMIT": "5 per minute",
        "LMS_TRUSTED_PROXIES": "1",
    }
    ports = [free_port(), free_port()]
    logs = [open(instance / f"server-{port}.log", "w") for port in ports]  # noqa: SIM115
    processes = [
        subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
            [str(GUNICORN), "-w", "1", "-b", f"127.0.0.1:{port}", "lms:create_app()"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).parents[2],
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_until_up(base, processes, instance)
        yield bases, world
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        for log in logs:
            log.close()
        store.flushdb()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def wait_until_up(base: str, processes, instance: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            logs = "\n".join(f.read_text() for f in instance.glob("*.log"))
            pytest.fail(f"a server stopped at start-up:\n{logs}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{base} did not answer /healthz in 30 s")


def sign_in(browser: Browser, base: str, email: str, password: str = PASSWORD):
    token = browser.token(f"{base}/auth/login")
    return browser.post(
        f"{base}/auth/login", {"email": email, "password": password, "csrf_token": token}
    )


def test_a_session_made_on_one_server_works_on_the_other(servers):
    (one, two), world = servers
    browser = Browser()
    status, headers, _ = sign_in(browser, one, world["learner_a"].email)
    assert status == 302 and headers["Location"] == "/me"
    status, _, body = browser.get(f"{two}/me")
    assert status == 200 and world["learner_a"].name in body


def test_progress_written_through_one_is_read_through_the_other(servers):
    (one, two), world = servers
    browser = Browser()
    sign_in(browser, one, world["learner_a"].email)
    lesson = "/courses/test-course/second-steps/cooperation"
    token = browser.token(f"{one}{lesson}")
    status, _, _ = browser.post(f"{one}{lesson}/complete", {"csrf_token": token})
    assert status == 302
    status, _, body = browser.get(f"{two}/courses/test-course")
    assert status == 200
    item = re.search(r'href="/courses/test-course/second-steps/cooperation"[^<]*</a>\s*(.*)', body)
    assert item and "(completed)" in item.group(1), body


def test_the_sign_in_limit_is_shared(servers):
    (one, two), world = servers
    email = world["learner_b"].email
    statuses = []
    for n in range(5):
        browser = Browser()  # a new browser each time: nothing in a cookie helps
        base = one if n % 2 else two
        statuses.append(sign_in(browser, base, email.upper(), "a wrong password")[0])
    assert statuses == [200] * 5
    assert sign_in(Browser(), one, email)[0] == 429
    assert sign_in(Browser(), two, email)[0] == 429


def test_logout_on_one_server_ends_the_session_on_the_other(servers):
    (one, two), world = servers
    laptop = Browser()
    sign_in(laptop, one, world["manager"].email)
    phone = Browser()
    sign_in(phone, two, world["manager"].email)
    assert phone.get(f"{one}/me")[0] == 200
    token = laptop.token(f"{one}/me")
    assert laptop.post(f"{one}/auth/logout", {"csrf_token": token})[0] == 302
    status, headers, _ = phone.get(f"{two}/me")
    assert status == 302 and headers["Location"].startswith("/auth/login")


def test_the_per_address_limit_is_shared(servers):
    (one, two), _ = servers
    browser = Browser()  # one address trying many accounts, spread over both servers
    statuses = [
        sign_in(browser, two if n % 2 else one, f"someone{n}@example.org", "guess")[0]
        for n in range(5)
    ]
    assert statuses == [200] * 5
    assert sign_in(browser, one, "someone.else@example.org", "guess")[0] == 429

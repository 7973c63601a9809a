"""Forwarding to a Learning Record Store: a local test LRS on 127.0.0.1, failures, recovery."""

import base64
import json
import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import XapiStatement
from lms.services.xapi_forward import Lrs, backoff, forward_due, queue_status
from lms.xapi_cli import xapi_group

COURSE = "/courses/test-course"
LESSONS = [f"{COURSE}/first-steps/welcome", f"{COURSE}/first-steps/the-convention"]
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


class TestLrs(ThreadingHTTPServer):
    """A tiny LRS: answers each POST with the next scripted status (200 once they run out),
    refuses `poison` ids with 400 and keeps the statements it accepted."""

    __test__ = False
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), LrsHandler)
        self.script: list[int] = []
        self.poison: set[str] = set()
        self.requests: list[dict] = []
        self.accepted: Counter = Counter()
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/xapi/"


class LrsHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server API
        server: TestLrs = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with server.lock:
            server.requests.append({"path": self.path, "headers": self.headers, "body": body})
            status = server.script.pop(0) if server.script else 200
            if status == 200 and any(s["id"] in server.poison for s in body):
                status = 400
            if status == 200:
                server.accepted.update(s["id"] for s in body)
        payload = json.dumps([s["id"] for s in body] if status == 200 else {"error": "no"})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def lrs():
    server = TestLrs()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(app_config, lrs):
    return {
        **app_config,
        "LMS_XAPI_ENDPOINT": lrs.endpoint,
        "LMS_XAPI_USERNAME": "lms-client",
        "LMS_XAPI_PASSWORD": "s3cret: with colon",
        "LMS_XAPI_TIMEOUT": 5,
    }


@pytest.fixture
def statements(app, client, auth, make_user, make_course):
    """Two statements: lessons completed (their module waits for its quiz)."""
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    for url in LESSONS:
        client.post(f"{url}/complete")
    return rows(app)


def rows(app) -> list[XapiStatement]:
    with app.app_context():
        found = db.session.scalars(select(XapiStatement).order_by(XapiStatement.created_at)).all()
        db.session.expunge_all()
        return list(found)


def forward(app, at: datetime, **kwargs):
    with app.app_context():
        try:
            return forward_due(Lrs.from_config(app.config), clock=lambda: at, **kwargs)
        finally:
            db.session.remove()


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_statements_reach_the_lrs_in_a_batch_with_version_and_basic_auth(app, lrs, statements):
    assert len(statements) == 2
    report = forward(app, T0)
    assert (report.delivered, report.failed) == (2, 0)
    (request,) = lrs.requests
    assert request["path"] == "/xapi/statements"
    assert request["headers"]["X-Experience-API-Version"] == "1.0.3"
    assert request["headers"]["Content-Type"] == "application/json"
    expected = base64.b64encode(b"lms-client:s3cret: with colon").decode()
    assert request["headers"]["Authorization"] == f"Basic {expected}"
    assert request["body"] == [row.statement for row in statements]
    for row in rows(app):
        assert aware(row.forwarded_at) == T0 and row.tries == 1 and row.last_error == ""
    assert forward(app, T0 + timedelta(hours=1)).delivered == 0  # nothing is sent twice
    assert len(lrs.requests) == 1


def test_a_failing_lrs_is_retried_with_growing_waits_then_gets_each_statement_once(
    app, lrs, statements
):
    lrs.script = [500, 500]
    report = forward(app, T0)
    assert (report.delivered, report.failed) == (0, 2)
    assert "HTTP 500" in report.errors[0]
    for row in rows(app):
        assert row.forwarded_at is None and row.tries == 1
        assert aware(row.next_attempt_at) == T0 + timedelta(seconds=30)
        assert "HTTP 500" in row.last_error

    assert forward(app, T0 + timedelta(seconds=29)).failed == 0  # not due yet: nothing sent
    assert len(lrs.requests) == 1

    second = T0 + timedelta(seconds=30)
    assert forward(app, second).failed == 2
    for row in rows(app):
        assert row.tries == 2 and aware(row.next_attempt_at) == second + timedelta(minutes=1)
    assert status_line(app) == (2, 0, 2, 2)

    recovered = second + timedelta(minutes=1)
    assert forward(app, recovered).delivered == 2  # the LRS is back
    for row in rows(app):
        assert aware(row.forwarded_at) == recovered and row.tries == 3 and row.last_error == ""
    forward(app, recovered + timedelta(days=1))
    assert len(lrs.requests) == 3
    assert lrs.accepted == Counter({row.id: 1 for row in statements})  # exactly once each


def status_line(app):
    with app.app_context():
        status = queue_status()
        return status.total, status.forwarded, status.waiting, status.failing


def test_backoff_doubles_up_to_six_hours():
    waits = [backoff(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert waits[-1] == timedelta(hours=6)


def test_batches_are_limited_and_one_refused_statement_holds_back_no_other(
    app, lrs, statements, client
):
    client.post(f"{COURSE}/second-steps/reports/complete")
    client.post(f"{COURSE}/second-steps/cooperation/complete")
    everything = rows(app)
    assert len(everything) == 5  # four lessons and the second module (the first has a quiz)
    poison = everything[1].id
    lrs.poison = {poison}
    report = forward(app, T0, batch_size=3)
    assert (report.delivered, report.failed) == (4, 1)
    sizes = [len(r["body"]) for r in lrs.requests]
    assert sizes == [3, 1, 1, 1, 2]  # the refused batch is retried one by one, then the rest
    by_id = {row.id: row for row in rows(app)}
    assert by_id[poison].forwarded_at is None and "HTTP 400" in by_id[poison].last_error
    assert all(row.forwarded_at for i, row in by_id.items() if i != poison)


def test_an_unreachable_lrs_is_a_failure_not_an_exception(app, lrs, statements):
    lrs.shutdown()
    lrs.server_close()  # nothing listens on the port any more
    report = forward(app, T0)
    assert report.failed == 2 and report.errors[0].startswith("unreachable")
    assert all(row.tries == 1 and row.forwarded_at is None for row in rows(app))


def test_the_command_forwards_once_and_reports(app, runner, lrs, statements):
    result = runner.invoke(xapi_group, ["forward", "--once"])
    assert result.exit_code == 0, result.output
    assert "Delivered 2, failed 0." in result.output
    assert all(row.forwarded_at is not None for row in rows(app))
    result = runner.invoke(xapi_group, ["status"])
    assert "2 stored, 2 forwarded, 0 waiting" in result.output


def test_the_command_shows_the_error_and_keeps_the_statements(app, runner, lrs, statements):
    lrs.script = [503]
    result = runner.invoke(xapi_group, ["forward", "--once"])
    assert result.exit_code == 0
    assert "Delivered 0, failed 2." in result.output
    assert "HTTP 503" in result.output
    assert "last error: HTTP 503" in runner.invoke(xapi_group, ["status"]).output


def test_the_command_without_an_lrs_says_so(app, runner, statements):
    app.config["LMS_XAPI_ENDPOINT"] = None
    result = runner.invoke(xapi_group, ["forward", "--once"])
    assert result.exit_code == 0
    assert "not configured" in result.output
    assert all(row.tries == 0 for row in rows(app))


def test_only_http_endpoints_are_accepted(app, runner):
    app.config["LMS_XAPI_ENDPOINT"] = "file:///etc/passwd"
    result = runner.invoke(xapi_group, ["forward", "--once"])
    assert result.exit_code == 1
    assert "http:// or https://" in result.output


def test_an_lrs_that_never_answers_times_out_as_a_failure(app, statements):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        hanging = Lrs(f"http://127.0.0.1:{silent.getsockname()[1]}", "u", "p", timeout=0.5)
        with app.app_context():
            report = forward_due(hanging, clock=lambda: T0)
    assert report.failed == 2 and "timed out" in report.errors[0]
    assert all(row.tries == 1 and row.forwarded_at is None for row in rows(app))


def test_a_conflict_means_the_lrs_already_holds_the_statement(app, lrs, statements):
    lrs.script = [409, 409, 200]  # the batch, then each statement alone
    report = forward(app, T0)
    assert report.delivered == 2
    assert [len(r["body"]) for r in lrs.requests] == [2, 1, 1]
    first, second = sorted(rows(app), key=lambda row: row.last_error)
    assert first.forwarded_at and second.forwarded_at
    assert (first.last_error, second.last_error[:8]) == ("", "HTTP 409")

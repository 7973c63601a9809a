"""Bounded load test on loopback: a few hundred learners read, take quizzes and submit at once.

    .venv/bin/python bench/load_test.py [--learners 300] [--seconds 60] [--workers 4]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

It builds a fresh database (a SQLite file in a temporary folder, or a PostgreSQL schema of
its own that it drops afterwards), syncs the shipped courses, creates and enrols the
learners, starts gunicorn on 127.0.0.1 (the production server), and runs one thread per
learner: sign in, then until the time is up open the course, read a lesson, mark it
complete, start the module quiz, answer it and submit it, a fifth of the time twice at once
(a double click). Then it checks the database: every submitted attempt is recorded once,
with one answer row per question, and no attempt is lost. It exits 1 on any server error
(5xx) or integrity failure. Bounded in learners, time and requests; loopback only.
"""

import argparse
import http.cookiejar
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COURSE = "apmbc-essentials"
PASSWORD = "a load test passphrase"
MAX_LEARNERS = 1000
MAX_SECONDS = 300


class Form(HTMLParser):
    """The fields of a page's forms: CSRF token, attempt id and one answer per question."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.fields.setdefault(name, [a.get("value", "")])  # the first option
            elif kind in ("hidden", "text", "number"):
                self.fields.setdefault(name, [a.get("value") or "1"])
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            self.fields.setdefault(self._select, [a["value"]])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class Learner:
    """One simulated learner: a cookie jar, an address, a log of what happened."""

    def __init__(self, base: str, email: str, address: str, stats: "Stats"):
        self.base, self.email, self.address, self.stats = base, email, address, stats
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )

    def request(self, kind: str, path: str, fields: dict | None = None):
        data = urllib.parse.urlencode(fields, doseq=True).encode() if fields is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("X-Forwarded-For", self.address)
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body = response.status, response.read()
                location = response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            status, body, location = error.code, error.read(), error.headers.get("Location", "")
        except OSError as error:
            status, body, location = 599, str(error).encode(), ""
        self.stats.record(kind, status, time.perf_counter() - start)
        return status, body.decode("utf-8", "replace"), location

    def form(self, body: str) -> dict:
        parser = Form()
        parser.feed(body)
        return parser.fields

    def sign_in(self) -> bool:
        _, body, _ = self.request("login page", "/auth/login")
        token = self.form(body).get("csrf_token", [""])
        fields = {"email": self.email, "password": PASSWORD, "csrf_token": token}
        status, _, location = self.request("sign in", "/auth/login", fields)
        return status == 302 and location.endswith("/me")

    def session(self, lessons: list[str], modules: list[str], until: float) -> None:
        rng = random.Random(self.email)
        while time.monotonic() < until:
            self.request("outline", f"/courses/{COURSE}")
            lesson = rng.choice(lessons)
            status, body, _ = self.request("lesson", lesson)
            if status == 200:
                token = self.form(body).get("csrf_token", [""])
                self.request("complete", lesson + "/complete", {"csrf_token": token})
            self.take_quiz(rng.choice(modules), rng)
            time.sleep(rng.uniform(0.1, 0.6))  # reading time

    def take_quiz(self, module: str, rng: random.Random) -> None:
        quiz = f"/courses/{COURSE}/{module}/quiz"
        status, body, _ = self.request("quiz page", quiz)
        fields = self.form(body)
        if "attempt" not in fields:
            token = fields.get("csrf_token", [""])
            self.request("start", quiz + "/start", {"csrf_token": token})
            status, body, _ = self.request("quiz page", quiz)
            fields = self.form(body)
        if status != 200 or "attempt" not in fields:
            return
        attempt = int(fields["attempt"][0])
        twice = rng.random() < 0.2
        results = []

        def submit():
            results.append(self.request("submit", quiz, fields)[0])

        threads = [threading.Thread(target=submit) for _ in range(2 if twice else 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.stats.submitted(attempt, results)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Stats:
    """Counts and times per request kind, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.attempts: dict[int, list[int]] = {}
        self.phase = "sign-in"

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.times[f"{kind} ({self.phase})" if self.phase == "sign-in" else kind].append(
                seconds
            )
            self.statuses[status] += 1

    def submitted(self, attempt: int, statuses: list[int]) -> None:
        with self.lock:
            self.attempts.setdefault(attempt, []).extend(statuses)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database_url: str | None, folder: Path, learners: int) -> tuple[str, str | None]:
    """Create the database, sync the courses, create and enrol the learners."""
    from sqlalchemy import insert, select, text

    from lms import create_app
    from lms.extensions import db
    from lms.models import Course, Enrolment, User
    from lms.models.users import _hasher
    from lms.services.sync import sync_folder

    schema = None
    if database_url:
        schema = f"lms_load_{os.getpid()}"
        url = database_url.split("?")[0]
        url += "?options=" + urllib.parse.quote(f"-csearch_path={schema}")
    else:
        url = f"sqlite:///{folder / 'load.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LMS_ENV": "development"}, serving=False)
    with app.app_context():
        if schema:
            db.session.execute(text(f'CREATE SCHEMA "{schema}"'))
            db.session.commit()
        db.create_all()
        report = sync_folder(ROOT / "courses")
        assert not report.errors, report.errors
        hashed = _hasher.hash(PASSWORD)
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"load{n}@example.org",
                    "name": f"Load Learner {n}",
                    "password_hash": hashed,
                    "role": "learner",
                }
                for n in range(learners)
            ],
        )
        course_id = db.session.scalar(select(Course.id).where(Course.slug == COURSE))
        user_ids = db.session.scalars(select(User.id)).all()
        db.session.execute(
            insert(Enrolment), [{"user_id": u, "course_id": course_id} for u in user_ids]
        )
        db.session.commit()
        db.engine.dispose()
    return url, schema


def course_paths() -> tuple[list[str], list[str]]:
    from lms.content.loader import load_courses

    specs, _ = load_courses(ROOT / "courses")
    course = next(c for c in specs if c.slug == COURSE)
    lessons = [
        f"/courses/{COURSE}/{module.slug}/{lesson.slug}"
        for module in course.modules
        for lesson in module.lessons
    ]
    modules = [m.slug for m in course.modules if m.quiz is not None]
    return lessons, modules


def check_database(url: str, stats: Stats) -> list[str]:
    """Every attempt submitted is stored once, with one answer per question; none lost."""
    from sqlalchemy import func, select

    from lms import create_app
    from lms.extensions import db
    from lms.models import AttemptAnswer, QuizAttempt

    problems = []
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LMS_ENV": "development"}, serving=False)
    with app.app_context():
        stored = {
            a.id: a
            for a in db.session.scalars(select(QuizAttempt).where(QuizAttempt.state == "submitted"))
        }
        answers = dict(
            db.session.execute(
                select(AttemptAnswer.attempt_id, func.count()).group_by(AttemptAnswer.attempt_id)
            ).all()
        )
        duplicates = db.session.execute(
            select(AttemptAnswer.attempt_id, AttemptAnswer.question_id)
            .group_by(AttemptAnswer.attempt_id, AttemptAnswer.question_id)
            .having(func.count() > 1)
        ).all()
        for attempt_id, statuses in stats.attempts.items():
            if 302 not in statuses:
                problems.append(f"attempt {attempt_id}: no submission accepted {statuses}")
            elif attempt_id not in stored:
                problems.append(f"attempt {attempt_id}: submitted but not recorded")
            elif answers.get(attempt_id) != len(stored[attempt_id].snapshot):
                problems.append(f"attempt {attempt_id}: {answers.get(attempt_id)} answer rows")
        extra = set(stored) - set(stats.attempts)
        if extra:
            problems.append(f"{len(extra)} attempts recorded that no learner submitted")
        if duplicates:
            problems.append(f"{len(duplicates)} duplicated answer rows")
        db.engine.dispose()
    return problems


def report(stats: Stats, seconds: float, args, problems: list[str]) -> str:
    lines = [
        f"learners {args.learners}, gunicorn -w {args.workers} --threads {args.threads}, "
        f"database {'PostgreSQL' if args.database_url else 'SQLite'}, {seconds:.0f} s of load",
        "",
        "| request | count | median | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    total = 0
    for kind, times in sorted(stats.times.items()):
        total += len(times)
        ordered = sorted(times)
        q = (
            statistics.quantiles(ordered, n=100, method="inclusive")
            if len(ordered) > 1
            else ordered * 99
        )
        lines.append(
            f"| {kind} | {len(times)} | {statistics.median(ordered) * 1000:.0f} ms | "
            f"{q[94] * 1000:.0f} ms | {q[98] * 1000:.0f} ms | {ordered[-1] * 1000:.0f} ms |"
        )
    doubles = sum(1 for s in stats.attempts.values() if len(s) == 2)
    lines += [
        "",
        f"requests {total} ({total / seconds:.0f}/s); "
        f"statuses {dict(sorted(stats.statuses.items()))}",
        f"attempts submitted {len(stats.attempts)} (of which {doubles} twice at once); "
        f"server errors {sum(n for s, n in stats.statuses.items() if 500 <= s < 599)}; "
        f"unanswered (client timeout) {stats.statuses.get(599, 0)}; "
        f"integrity problems {len(problems)}",
    ]
    return "\n".join(lines + problems[:20])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    args = parser.parse_args()
    args.learners = min(args.learners, MAX_LEARNERS)
    args.seconds = min(args.seconds, MAX_SECONDS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, schema = prepare(args.database_url, folder, args.learners)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "load test secret key, long enough to pass",
            "LMS_ENV": "production",
            "LMS_INSTANCE_PATH": str(folder),
            "LMS_TRUSTED_PROXIES": "1",  # each simulated learner has an address of its own
        }
        server = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-w",
                str(args.workers),
                "-k",
                "gthread",
                "--threads",
                str(args.threads),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "lms:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=open(folder / "server.log", "w"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            problems, text = run(base, args, url)
        finally:
            server.terminate()
            server.wait(timeout=60)
            if schema:
                drop_schema(url, schema)
        print(text)
        errors = (folder / "server.log").read_text()
        tracebacks = errors.count("Traceback")
        print(f"tracebacks in the server log: {tracebacks}")
    return 1 if problems or tracebacks else 0


def run(base: str, args, url: str) -> tuple[list[str], str]:
    """Sign everyone in (a morning's arrivals, as many at once as the server has threads),
    then release them all together for `args.seconds` of reading and quizzes."""
    stats = Stats()
    lessons, modules = course_paths()
    arrivals = threading.Semaphore(args.workers * args.threads)
    ready = threading.Barrier(args.learners + 1)
    signed_in = Counter()
    window: list[float] = []

    def learner(n: int) -> None:
        person = Learner(base, f"load{n}@example.org", f"10.{n // 250}.{n % 250}.1", stats)
        with arrivals:
            ok = person.sign_in()
        signed_in["yes" if ok else "no"] += 1
        ready.wait()
        if ok:
            person.session(lessons, modules, window[0])

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(args.learners)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    window.append(time.monotonic() + args.seconds)  # set before the barrier lets anyone go
    ready.wait()
    sign_in_seconds = time.monotonic() - began
    stats.phase = "load"
    start = time.monotonic()
    window[0] = start + args.seconds
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    problems = [] if not signed_in["no"] else [f"{signed_in['no']} learners could not sign in"]
    problems += check_database(url, stats)
    errors = sum(n for s, n in stats.statuses.items() if 500 <= s < 599)
    timeouts = stats.statuses.get(599, 0)
    if errors:
        problems.append(f"{errors} server errors")
    if timeouts:
        problems.append(f"{timeouts} requests unanswered within 60 s")
    head = f"sign-in phase: {args.learners} learners in {sign_in_seconds:.1f} s"
    return problems, head + "\n" + report(stats, seconds, args, problems)


def wait_until_up(base: str, server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped at start-up")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in 30 s")


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())

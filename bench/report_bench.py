"""Benchmark of the completion report: seed N demo learners into a temporary SQLite file,
then time the report page and the full CSV through the test client, as a browser would
fetch them, and measure the memory the CSV stream holds.

    .venv/bin/python bench/report_bench.py --learners 10000
    # keep the seeded database and reuse it next time; stop the migrations at a revision
    .venv/bin/python bench/report_bench.py --sqlite /tmp/report-l.sqlite3 --revision 0004
    # a PostgreSQL schema of its own (created, seeded once, then reused)
    .venv/bin/python bench/report_bench.py --postgresql report_l
    # the time of each SQL statement of each page (slowest first)
    .venv/bin/python bench/report_bench.py --sqlite /tmp/report-l.sqlite3 --statements

Not a test: numbers depend on the machine. Results go to bench/RESULTS.md by hand.
"""

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

from lms import create_app  # noqa: E402
from lms.demo.courses import ensure_courses  # noqa: E402
from lms.demo.seed import seed_demo  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.models import QuizAttempt, User  # noqa: E402
from lms.services.accounts import create_user  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "benchmark passphrase, long enough"
PAGES = {
    "report page, no filter": "/admin/reports/completion",
    "report page, country=KH": "/admin/reports/completion?country=KH",
    "report page, one course, sorted by score": (
        "/admin/reports/completion?course=apmbc-essentials&sort=score&dir=desc"
    ),
    "report page, status=overdue, page 5": "/admin/reports/completion?status=overdue&page=5",
}


def database(args, folder: Path) -> tuple[str, dict]:
    """The URL and engine options of the benchmark database (its PostgreSQL schema made)."""
    if args.postgresql:
        url = args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{args.postgresql}"'))
        engine.dispose()
        options = {"connect_args": {"options": f"-csearch_path={args.postgresql}"}}
        return url, options
    path = Path(args.sqlite) if args.sqlite else folder / "bench.sqlite3"
    return f"sqlite:///{path}", {}


def build(url: str, options: dict, learners: int, seed: int, revision: str):
    """Migrate (up to `revision`), and seed unless the database holds learners already."""
    app = create_app(
        {
            "SECRET_KEY": "benchmark secret key, long enough",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "LMS_COURSES_DIR": str(ROOT / "courses"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        },
        serving=False,
    )
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=str(ROOT / "migrations"), revision=revision)
        migrated = time.perf_counter() - started
        seeded = None
        if not db.session.scalar(select(func.count(User.id)).where(User.role == "learner")):
            ensure_courses(ROOT / "courses")
            started = time.perf_counter()
            seed_demo(learners, seed)
            db.session.commit()
            seeded = time.perf_counter() - started
            create_user("bench-admin@example.org", PASSWORD, name="Bench Admin", role="admin")
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        facts = {
            "learners": db.session.scalar(
                select(func.count(User.id)).where(User.role == "learner")
            ),
            "attempts": db.session.scalar(select(func.count(QuizAttempt.id))),
            "migrated": migrated,
            "seeded": seeded,
            "revision": db.session.scalar(text("SELECT version_num FROM alembic_version")),
        }
    return app, facts


def statement_clock(engine) -> list[tuple[float, str]]:
    """Record (seconds, SQL) of every statement the engine runs from now on."""
    log: list[tuple[float, str]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn, cursor, statement, parameters, context, executemany):
        log.append((time.perf_counter() - conn.info["bench_started"].pop(), statement))

    return log


def print_statements(label: str, log: list[tuple[float, str]], runs: int) -> None:
    """Median seconds of each distinct statement over the runs, slowest first."""
    times: dict[str, list[float]] = defaultdict(list)
    for seconds, statement in log:
        times[statement].append(seconds)
    print(f"\n{label}: {len(times)} statements, median over {runs + 1} requests")
    for statement, seconds in sorted(times.items(), key=lambda item: -statistics.median(item[1])):
        words = " ".join(statement.split())
        print(f"  {statistics.median(seconds):6.3f} s  x{len(seconds):<3} {words[:110]}")


def timed(client, path: str, runs: int) -> tuple[float, float, float, float, int]:
    """(first, fastest and median of the next runs) wall seconds for a full response, the
    median CPU seconds of this process (what the request costs when the machine is busy),
    its size. On a shared machine the fastest run is the nearest to an idle one."""
    times, cpu, size = [], [], 0
    for _ in range(runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        body = response.get_data()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code)
        size = len(body)
    rest = times[1:]
    return times[0], min(rest), statistics.median(rest), statistics.median(cpu[1:]), size


def csv_stream(client) -> tuple[float, int, float]:
    """Seconds to read the whole CSV chunk by chunk, its rows, and the peak traced memory."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/admin/reports/completion.csv", buffered=False)
    rows = 0
    for chunk in response.response:
        rows += chunk.count(b"\r\n") if isinstance(chunk, bytes) else chunk.count("\r\n")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    return seconds, rows - 1, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--sqlite", metavar="PATH", help="keep (or reuse) this SQLite file")
    where.add_argument("--postgresql", metavar="SCHEMA", help="keep (or reuse) this schema")
    parser.add_argument("--pg-url", default=PG_URL, help="the PostgreSQL database")
    parser.add_argument("--revision", default="head", help="migrate up to this revision")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    parser.add_argument("--no-csv", action="store_true", help="time the report pages only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as folder:
        url, options = database(args, Path(folder))
        app, facts = build(url, options, args.learners, args.seed, args.revision)
        with app.app_context():
            engine = db.engine
        client = app.test_client()
        login = {"email": "bench-admin@example.org", "password": PASSWORD}
        assert client.post("/auth/login", data=login).status_code == 302
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        print(f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}")
        print(f"- machine: {platform.platform()}, Python {platform.python_version()}, ")
        print(f"  SQLite {__import__('sqlite3').sqlite_version}, {_cpus()} CPU(s)")
        print(f"- database: {_safe(url, options)}, revision {facts['revision']}")
        seeded = f"seeded in {facts['seeded']:.1f} s" if facts["seeded"] else "reused"
        print(
            f"- data: {facts['learners']} learners, {facts['attempts']} quiz attempts, "
            f"{seeded}; migrations took {facts['migrated']:.1f} s"
        )
        print(f"- load average before: {_load()}\n")
        print("| request | first (wall) | fastest (wall) | median (wall) | median (CPU) | size |")
        print("|---|---:|---:|---:|---:|---:|")
        requests = list(PAGES.items())
        if not args.no_csv:
            requests.append(("full CSV", "/admin/reports/completion.csv"))
        log = statement_clock(engine) if args.statements else []
        logs = {}
        for label, path in requests:
            first, fastest, median, cpu, length = timed(client, path, args.runs)
            logs[label] = list(log)
            log.clear()
            print(
                f"| {label} | {first:.2f} s | {fastest:.2f} s | {median:.2f} s | {cpu:.2f} s "
                f"| {length / 1024:.0f} KB |"
            )
        for label, log in logs.items():
            if log:
                print_statements(label, log, args.runs)
        if not args.no_csv:
            seconds, rows, peak = csv_stream(client)
            print(
                f"\nCSV streamed chunk by chunk under tracemalloc (slower): {rows} rows in "
                f"{seconds:.2f} s, peak traced Python memory {peak:.1f} MB"
            )
        print(f"- load average after: {_load()}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _safe(url: str, options: dict) -> str:
    schema = options.get("connect_args", {}).get("options", "").removeprefix("-csearch_path=")
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path}" + (
        f" schema {schema}" if schema else ""
    )


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()

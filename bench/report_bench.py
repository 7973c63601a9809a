"""Benchmark of the completion report: seed N demo learners into a temporary SQLite file,
then time the report page and the full CSV through the test client, as a browser would
fetch them, and measure the memory the CSV stream holds.

    .venv/bin/python bench/report_bench.py --learners 10000
    .venv/bin/python bench/report_bench.py --learners 10000 --index   # with a proposed index

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from lms import create_app  # noqa: E402
from lms.demo.courses import ensure_courses  # noqa: E402
from lms.demo.seed import seed_demo  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.models import QuizAttempt  # noqa: E402
from lms.services.accounts import create_user  # noqa: E402

PASSWORD = "benchmark passphrase, long enough"
# The index the benchmark can add with --index: best scores without reading attempt rows.
PROPOSED_INDEX = (
    "CREATE INDEX ix_quiz_attempts_user_quiz_score "
    "ON quiz_attempts (user_id, quiz_id, score, passed)"
)
PAGES = {
    "report page, no filter": "/admin/reports/completion",
    "report page, country=KH": "/admin/reports/completion?country=KH",
    "report page, one course, sorted by score": (
        "/admin/reports/completion?course=apmbc-essentials&sort=score&dir=desc"
    ),
    "report page, status=overdue, page 5": "/admin/reports/completion?status=overdue&page=5",
}


def build(folder: Path, learners: int, seed: int, index: bool):
    app = create_app(
        {
            "SECRET_KEY": "benchmark secret key, long enough",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "LMS_COURSES_DIR": str(ROOT / "courses"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        },
        serving=False,
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ensure_courses(ROOT / "courses")
        started = time.perf_counter()
        summary = seed_demo(learners, seed)
        db.session.commit()
        seeded = time.perf_counter() - started
        create_user("bench-admin@example.org", PASSWORD, name="Bench Admin", role="admin")
        db.session.commit()
        if index:
            db.session.execute(text(PROPOSED_INDEX))
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        attempts = db.session.scalar(select(func.count(QuizAttempt.id)))
    return app, summary, seeded, attempts


def timed(client, path: str, runs: int) -> tuple[float, float, float, int]:
    """(first, median of the next runs) wall seconds for a full response, the median CPU
    seconds of this process (what the request costs when the machine is busy), its size."""
    times, cpu, size = [], [], 0
    for _ in range(runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        body = response.get_data()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code)
        size = len(body)
    return times[0], statistics.median(times[1:]), statistics.median(cpu[1:]), size


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
    parser.add_argument("--index", action="store_true", help="add the proposed index first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as folder:
        app, summary, seeded, attempts = build(Path(folder), args.learners, args.seed, args.index)
        size = (Path(folder) / "bench.sqlite3").stat().st_size / 2**20
        client = app.test_client()
        login = {"email": "bench-admin@example.org", "password": PASSWORD}
        assert client.post("/auth/login", data=login).status_code == 302
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        print(f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}")
        print(f"- machine: {platform.platform()}, Python {platform.python_version()}, ")
        print(f"  SQLite {__import__('sqlite3').sqlite_version}, {_cpus()} CPU(s)")
        print(
            f"- data: {summary.learners} learners, {summary.enrolments} enrolments "
            f"({summary.completed} completed, {summary.in_progress} in progress, "
            f"{summary.not_started} not started, {summary.overdue} overdue), "
            f"{summary.lessons} lessons done, {attempts} quiz attempts; "
            f"database {size:.0f} MB; seeded in {seeded:.1f} s"
        )
        print(f"- proposed index: {'yes' if args.index else 'no'}\n")
        print(f"- load average before: {_load()}\n")
        print("| request | first (wall) | median (wall) | median (CPU) | size |")
        print("|---|---:|---:|---:|---:|")
        for label, path in [*PAGES.items(), ("full CSV", "/admin/reports/completion.csv")]:
            first, median, cpu, length = timed(client, path, args.runs)
            print(
                f"| {label} | {first:.2f} s | {median:.2f} s | {cpu:.2f} s "
                f"| {length / 1024:.0f} KB |"
            )
        seconds, rows, peak = csv_stream(client)
        print(
            f"\nCSV streamed chunk by chunk under tracemalloc (slower): {rows} rows in "
            f"{seconds:.2f} s, peak traced Python memory {peak:.1f} MB"
        )
        print(f"- load average after: {_load()}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


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

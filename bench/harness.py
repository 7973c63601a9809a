"""Load benchmark: seed S/M/L learners, serve with gunicorn on loopback, drive it with wrk.

    .venv/bin/python bench/harness.py                       # make bench: S, M, L; both engines
    .venv/bin/python bench/harness.py --smoke               # make bench-smoke: S, briefly
    .venv/bin/python bench/harness.py --sizes L --engines sqlite --label after

For each engine (a SQLite file, a PostgreSQL schema of its own) it times `lms courses sync`
(shipped courses, a generated 200-lesson course, no-change re-syncs), then for each size
seeds with `lms demo seed`, starts gunicorn (gunicorn.conf.py) on 127.0.0.1, signs in one
learner per connection and runs wrk twice: the trivial route (the floor), then the mix
(lessons 60%, outlines 15%, quiz start and submit 15%, /me 10%). It checks that every
submission was recorded once, times the completion report page and the full CSV as an
admin, measures what a lesson page and its CSS transfer, and the memory of each worker.
Numbers are printed and, unless --no-write, appended to bench/RESULTS.md; the raw numbers
go to bench/results/<label>.json. Loopback only; every run is bounded in time.
"""

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import (  # noqa: E402
    PG_DEFAULT,
    ROOT,
    SIZES,
    Target,
    bench_learners,
    generated_course,
    postgres_available,
    prepare,
    submissions_since,
)
from bench_load import Server, admin_timings, run_wrk, sessions_file, transfer  # noqa: E402
from bench_report import markdown  # noqa: E402


def sync_timings(engine: str, data_dir: Path, pg_url: str) -> dict:
    """`lms courses sync` wall times, and the same syncs timed inside one process."""
    target = Target(engine, "sync", data_dir, pg_url)
    generated = generated_course(data_dir)
    empty = data_dir / "empty"
    empty.mkdir(exist_ok=True)
    results = {}
    target.reset()
    target.lms("db", "upgrade")
    results["cli: start-up (empty folder)"] = target.lms("courses", "sync", str(empty))
    results["cli: shipped courses"] = target.lms("courses", "sync", str(ROOT / "courses"))
    results["cli: shipped, no change"] = target.lms("courses", "sync", str(ROOT / "courses"))
    results["cli: 200-lesson course"] = target.lms("courses", "sync", str(generated))
    results["cli: 200-lesson, no change"] = target.lms("courses", "sync", str(generated))
    target.reset()
    target.lms("db", "upgrade")
    results.update(in_process_syncs(target, generated))
    return results


def in_process_syncs(target: Target, generated: Path) -> dict:
    """The sync service and its commit, without the command's start-up."""
    from lms import create_app
    from lms.extensions import db
    from lms.services.sync import sync_folder

    app = create_app({"SQLALCHEMY_DATABASE_URI": target.url, "LMS_ENV": "development"})
    results = {}
    with app.app_context():
        for label, folder in [
            ("service: shipped courses", ROOT / "courses"),
            ("service: shipped, no change", ROOT / "courses"),
            ("service: 200-lesson course", generated),
            ("service: 200-lesson, no change", generated),
        ]:
            started = time.perf_counter()
            report = sync_folder(folder)
            db.session.commit()
            results[label] = time.perf_counter() - started
            if report.errors:
                raise RuntimeError(f"sync of {folder}: {report.errors[:3]}")
        db.session.remove()
        db.engine.dispose()
    return results


def floor_single(base: str, runs: int = 50) -> float:
    """Median seconds of one trivial request with nothing else running."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        urllib.request.urlopen(base + "/_bench/floor", timeout=10).read()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_size(engine: str, size: str, args, data_dir: Path) -> dict:
    """Seed (or reuse), serve, load, check; the numbers of one engine at one size."""
    target = Target(engine, size.lower(), data_dir, args.pg_url)
    print(f"[{engine} {size}] preparing {SIZES[size]} learners", flush=True)
    data = prepare(target, SIZES[size], args.reuse)
    people = bench_learners(target, args.connections)
    server = Server(target)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            server.start_sampling()
            sessions = sessions_file(server.base, people, Path(folder))
            single = floor_single(server.base)
            print(f"[{engine} {size}] floor {args.floor_seconds} s", flush=True)
            floor = run_wrk(server.base, sessions, args.floor_seconds, args.connections, "floor")
            run_wrk(server.base, sessions, min(5, args.seconds), args.connections)  # warm-up
            print(f"[{engine} {size}] lesson pages only {args.floor_seconds} s", flush=True)
            lessons = run_wrk(server.base, sessions, args.floor_seconds, args.connections, "lesson")
            since = datetime.now(UTC)
            print(f"[{engine} {size}] mix {args.seconds} s", flush=True)
            mix = run_wrk(server.base, sessions, args.seconds, args.connections)
        recorded = submissions_since(target, [p["id"] for p in people], since)
        memory = server.memory()
        print(f"[{engine} {size}] report and CSV", flush=True)
        reports = admin_timings(server.base, args.report_runs)
        sizes = transfer(server.base, people[0])
    finally:
        server.stop()
    return {
        "engine": engine,
        "size": size,
        "learners": SIZES[size],
        "data": data,
        "floor_single": single,
        "floor": floor,
        "lessons": lessons,
        "mix": mix,
        "recorded": recorded,
        "memory": memory,
        "reports": reports,
        "transfer": sizes,
    }


def machine() -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip() or os.environ.get("BENCH_COMMIT", "unknown (not a git checkout)")
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "lms", "gunicorn.conf.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" with uncommitted changes" if dirty else ""),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=30, help="the mix run")
    parser.add_argument("--floor-seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("BENCH_DATA_DIR", str(Path(tempfile.gettempdir()) / "lms-bench")),
    )
    parser.add_argument("--reuse", action="store_true", help="keep databases seeded before")
    parser.add_argument("--label", default="run")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--smoke", action="store_true", help="size S, 3-second runs, print only (CI)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.seconds, args.floor_seconds, args.report_runs = "S", 3, 2, 1
        args.no_write, args.label = True, "smoke"
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    engines = [e for e in args.engines.split(",") if e]
    if "postgresql" in engines and not postgres_available(args.pg_url):
        print("PostgreSQL does not answer: SQLite only.", file=sys.stderr)
        engines.remove("postgresql")
    results = {
        "label": args.label,
        "machine": machine(),
        "connections": args.connections,
        "seconds": args.seconds,
        "engines": {},
    }
    for engine in engines:
        print(f"[{engine}] sync timings", flush=True)
        sync = sync_timings(engine, data_dir, args.pg_url)
        runs = [run_size(engine, size, args, data_dir) for size in args.sizes.split(",")]
        results["engines"][engine] = {"sync": sync, "sizes": runs}
    results["machine"]["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    text = markdown(results)
    print(text)
    if not args.no_write:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / f"{args.label}.json").write_text(json.dumps(results, indent=1, default=str))
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as file:
            file.write("\n" + text)
    failures = [
        (engine, run["size"], kind)
        for engine, block in results["engines"].items()
        for run in block["sizes"]
        for kind, numbers in run["mix"]["kinds"].items()
        if numbers["requests"] == 0 or numbers["errors"]
    ] + [
        (engine, run["size"], "submissions recorded twice or without answers")
        for engine, block in results["engines"].items()
        for run in block["sizes"]
        if run["recorded"]["duplicates"] or run["recorded"]["without_answers"]
    ]
    for failure in failures:
        print("harness: failed:", *failure, file=sys.stderr)
    return 1 if failures or not results["engines"] else 0


if __name__ == "__main__":
    sys.exit(main())

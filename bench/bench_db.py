"""Benchmark databases: a SQLite file or a PostgreSQL schema of their own, migrated and seeded
with `lms demo seed`, plus the sign-in of the learners the load tool plays."""

import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
LMS = str(Path(sys.executable).with_name("lms"))
PASSWORD = "benchmark passphrase, long enough"
ADMIN = "bench-admin@example.org"
SECRET = "benchmark secret key, long enough to sign sessions"
SIZES = {"S": 100, "M": 1_000, "L": 10_000}
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class Target:
    """Where one benchmark database lives."""

    engine: str  # "sqlite" or "postgresql"
    name: str  # "s", "m", "l", "sync"
    data_dir: Path
    pg_url: str = PG_DEFAULT

    @property
    def url(self) -> str:
        """The DATABASE_URL the app and the `lms` command read."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.data_dir / f'bench-{self.name}.sqlite3'}"
        options = urllib.parse.quote(f"-csearch_path=bench_{self.name}")
        return f"{self.pg_url}?options={options}"

    @property
    def sqlalchemy_url(self) -> str:
        """The same URL with the psycopg 3 driver named."""
        return self.url.replace("postgresql://", "postgresql+psycopg://", 1)

    def env(self, **extra) -> dict:
        """Environment for `lms` and gunicorn pointed at this database."""
        instance = self.data_dir / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            # The checkout this harness is in, even when the venv's editable install is elsewhere.
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.url,
            "SECRET_KEY": SECRET,
            "LMS_ENV": "production",
            "LMS_INSTANCE_PATH": str(instance),
            "LMS_COURSES_DIR": str(ROOT / "courses"),
            # The harness signs in a few learners from one address; nothing else changes.
            "LMS_LOGIN_RATE_LIMIT": "10000 per minute",
            **extra,
        }

    def lms(self, *args: str, stdin: str | None = None) -> float:
        """Run an `lms` command against this database; its wall seconds."""
        started = time.perf_counter()
        subprocess.run(
            [LMS, *args],
            env=self.env(),
            input=stdin,
            text=True,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return time.perf_counter() - started

    def engine_(self):
        return create_engine(self.sqlalchemy_url)

    def reset(self) -> None:
        """An empty database."""
        if self.engine == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                path = Path(str(self.data_dir / f"bench-{self.name}.sqlite3") + suffix)
                path.unlink(missing_ok=True)
            return
        engine = create_engine(self.pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS bench_{self.name} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA bench_{self.name}"))
        engine.dispose()

    def learners(self) -> int:
        """Learners already in the database (0 when there is no database)."""
        try:
            engine = self.engine_()
            with engine.connect() as conn:
                count = conn.scalar(text("SELECT count(*) FROM users WHERE role = 'learner'"))
            engine.dispose()
            return count or 0
        except Exception:  # noqa: BLE001 - no database yet
            return 0


def postgres_available(url: str = PG_DEFAULT) -> bool:
    """Whether the PostgreSQL server answers."""
    try:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def prepare(target: Target, learners: int, reuse: bool) -> dict:
    """Migrate and seed (or reuse a database seeded before); what it holds and took."""
    info = {"reused": False, "seed_seconds": None}
    if reuse and target.learners() >= learners:
        info["reused"] = True
        target.lms("db", "upgrade")  # a newer migration (an index) applies to reused data
    else:
        target.reset()
        target.lms("db", "upgrade")
        info["seed_seconds"] = target.lms(
            "demo", "seed", "--learners", str(learners), "--password-stdin", stdin=PASSWORD + "\n"
        )
        target.lms(
            "users",
            "create",
            ADMIN,
            "--role",
            "admin",
            "--name",
            "Bench Admin",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        if target.engine == "postgresql":
            engine = target.engine_()
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            engine.dispose()
    info.update(counts(target))
    return info


def counts(target: Target) -> dict:
    """Rows in the tables a report reads, and the database size."""
    engine = target.engine_()
    with engine.connect() as conn:
        values = {
            table: conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names
            for table in ("users", "enrolments", "lesson_progress", "quiz_attempts")
        }
        if target.engine == "postgresql":
            size = conn.scalar(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            )
        else:
            size = Path(target.url.removeprefix("sqlite:///")).stat().st_size
    engine.dispose()
    values["megabytes"] = round((size or 0) / 2**20)
    return values


def bench_learners(target: Target, count: int) -> list[dict]:
    """`count` enrolled demo learners spread over the id range, with the pages each may read."""
    engine = target.engine_()
    with engine.connect() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT u.id FROM users u WHERE u.role = 'learner' AND u.active AND EXISTS "
                    "(SELECT 1 FROM enrolments e WHERE e.user_id = u.id) ORDER BY u.id"
                )
            )
        ]
        step = max(len(ids) // count, 1)
        chosen = ids[::step][:count]
        people = []
        for user_id in chosen:
            email = conn.scalar(text("SELECT email FROM users WHERE id = :id"), {"id": user_id})
            rows = conn.execute(
                text(
                    "SELECT c.slug, m.slug, l.slug FROM enrolments e "
                    "JOIN courses c ON c.id = e.course_id "
                    "JOIN modules m ON m.course_id = c.id AND NOT m.archived "
                    "JOIN lessons l ON l.module_id = m.id AND NOT l.archived "
                    "WHERE e.user_id = :id ORDER BY c.slug, m.position, l.position"
                ),
                {"id": user_id},
            ).all()
            quizzes = conn.execute(
                text(
                    "SELECT c.slug, m.slug FROM enrolments e JOIN courses c ON c.id = e.course_id "
                    "JOIN modules m ON m.course_id = c.id AND NOT m.archived "
                    "JOIN quizzes q ON q.module_id = m.id AND NOT q.archived "
                    "WHERE e.user_id = :id ORDER BY c.slug, m.position"
                ),
                {"id": user_id},
            ).all()
            people.append(
                {
                    "id": user_id,
                    "email": email,
                    "lessons": [f"/courses/{c}/{m}/{lesson}" for c, m, lesson in rows],
                    "outlines": sorted({f"/courses/{c}" for c, _, _ in rows}),
                    "quizzes": [f"/courses/{c}/{m}/quiz" for c, m in quizzes],
                }
            )
    engine.dispose()
    return people


def submissions_since(target: Target, user_ids: list[int], since) -> dict:
    """Attempts the bench learners submitted since `since`, and whether each is whole."""
    engine = target.engine_()
    ids = ",".join(str(int(i)) for i in user_ids)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*), "
                "  sum(CASE WHEN (SELECT count(*) FROM attempt_answers a WHERE a.attempt_id = q.id)"
                "      = 0 THEN 1 ELSE 0 END) "
                f"FROM quiz_attempts q WHERE q.user_id IN ({ids}) "  # noqa: S608 - integers
                "AND q.state = 'submitted' AND q.submitted_at >= :since"
            ),
            {"since": since},
        ).one()
        duplicates = conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT attempt_id, question_id FROM attempt_answers "
                "GROUP BY attempt_id, question_id HAVING count(*) > 1) d"
            )
        )
    engine.dispose()
    return {"submitted": row[0] or 0, "without_answers": row[1] or 0, "duplicates": duplicates}


def generated_course(folder: Path, lessons: int = 200, per_module: int = 20) -> Path:
    """A course folder of `lessons` lessons in modules of `per_module`, each with a quiz."""
    root = folder / "generated"
    shutil.rmtree(root, ignore_errors=True)
    course = root / "generated-course"
    course.mkdir(parents=True)
    (course / "course.md").write_text(
        "---\ntitle: Generated course\nsummary: A large course for the benchmark.\n"
        "version: 1\n---\n\nA course of many lessons.\n"
    )
    quiz = (ROOT / "courses/apmbc-essentials/01-why-a-ban/quiz.md").read_text()
    sample = ROOT / "courses/apmbc-essentials/01-why-a-ban/02-the-icbl-and-the-icrc.md"
    body = sample.read_text().split("---", 2)[2].replace("../glossary#", "https://example.org/#")
    for m in range((lessons + per_module - 1) // per_module):
        module = course / f"{m + 1:02d}-module-{m + 1}"
        module.mkdir()
        (module / "module.md").write_text(
            f"---\ntitle: Module {m + 1}\nobjectives:\n  - Read it all.\n---\n\nModule text.\n"
        )
        (module / "quiz.md").write_text(quiz)
        for n in range(per_module):
            number = m * per_module + n + 1
            if number > lessons:
                break
            (module / f"{n + 1:02d}-lesson-{number}.md").write_text(
                f"---\ntitle: Lesson {number}\n---\n{body}"
            )
    return root

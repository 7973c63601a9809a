"""Backups of the embedded SQLite database, taken while the app runs."""

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from lms.errors import InvalidInput


def backup_sqlite(engine: Engine, target: Path) -> dict[str, int]:
    """Copy the database with SQLite's online backup API: a consistent snapshot even while
    other connections write. Returns row counts of the copy, as a check."""
    if engine.dialect.name != "sqlite":
        raise InvalidInput("`lms backup` is for SQLite; back up PostgreSQL with pg_dump.")
    if target.exists():
        raise InvalidInput(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            source.driver_connection.backup(destination)
            counts = {
                table: destination.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("users", "enrolments")
            }
        finally:
            destination.close()
    finally:
        source.close()
    return counts

"""Engine-level settings: SQLite pragmas for the embedded default."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, a busy timeout instead of errors, foreign keys enforced."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA mmap_size=268435456")  # 256 MB: reports read large tables
    cursor.close()


def install_sqlite_pragmas() -> None:
    """Register the pragma hook once per process; it ignores non-SQLite connections."""
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _set_sqlite_pragmas)
        _installed = True

"""DATABASES from DATABASE_URL: SQLite in the data directory by default, PostgreSQL in
production."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.db import DatabaseError, InterfaceError, OperationalError

from portcullis.web.environment import ConfigurationError

# WAL lets readers (web pages) work while an import writes; IMMEDIATE takes the write lock when
# a transaction starts, so two writers queue instead of failing half-way with "locked".
_SQLITE_OPTIONS = {
    "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=30000"),
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}


def database_settings(data_dir: Path) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'portcullis.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        # Never echo the URL itself: it may carry a password.
        raise ConfigurationError(f"DATABASE_URL is not a usable database URL ({error})") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**_SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        config["CONN_MAX_AGE"] = 0
    elif engine != "django.db.backends.postgresql":
        raise ConfigurationError("DATABASE_URL must be a sqlite:// or postgres:// URL")
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


# A read-only transaction (a replica promoted wrongly, a database set read-only) refuses
# writes with this state; psycopg files it under "internal error".
_READ_ONLY = "25006"


def unavailable(error: DatabaseError) -> bool:
    """Whether ``error`` says the database cannot be reached or written now (down, read-only,
    disk full), as opposed to a fault in what was asked of it."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return getattr(error.__cause__, "sqlstate", None) == _READ_ONLY


def forget_connection() -> None:
    """After such an error, drop this thread's connection: the next request opens a new one,
    with the database as it is then (a connection opened while it was read-only stays so)."""
    from django.db import connection

    if not connection.in_atomic_block:
        connection.close()

"""Configuration from environment variables (12-factor), with defaults that run anywhere.

A fresh checkout needs none of them: data goes to ./var, the database is SQLite there, and
the secret key is generated once and kept beside it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(Exception):
    """A setting has a value Portcullis cannot use; the message names the variable."""


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false (1/0, yes/no), not {raw!r}")


def listing(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def data_dir() -> Path:
    path = Path(os.environ.get("PORTCULLIS_DATA_DIR") or "var").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY, or one generated on first start and kept (owner-readable only) in the
    data directory, so sessions survive restarts without anyone configuring a secret."""
    return kept_secret(directory, "SECRET_KEY", "secret_key")


def kept_secret(directory: Path, variable: str, filename: str) -> str:
    """The secret in ``variable``, or one generated once into ``directory/filename`` (mode
    600). Several servers sharing a database must be given the same value."""
    given = os.environ.get(variable)
    if given:
        return given
    path = directory / filename
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()

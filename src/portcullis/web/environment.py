"""Configuration from environment variables (12-factor), with defaults that run anywhere.

A fresh checkout needs none of them: data goes to ./var, the database is SQLite there, and
the secret key is generated once and kept beside it."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path

from portcullis.engine.fields import CODE_PATTERN
from portcullis.engine.reference import CURRENCY_CODES
from portcullis.engine.weekdays import CalendarError, weekdays

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


def number(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """A numeric setting; anything else (or out of bounds) is refused, naming the variable."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigurationError(f"{name} must be a finite number, not {raw!r}")
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum:g}, not {raw!r}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name} must be at most {maximum:g}, not {raw!r}")
    return value


def whole(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole-number setting (days, megabytes, counts)."""
    value = number(name, default, minimum=minimum, maximum=maximum)
    if value != int(value):
        raise ConfigurationError(f"{name} must be a whole number, not {os.environ.get(name)!r}")
    return int(value)


def code(name: str, default: str) -> str:
    """A code setting (an office): what a declaration may carry as a code."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip()
    if len(value) > 10 or not re.match(CODE_PATTERN, value):
        raise ConfigurationError(
            f"{name} must be a code of 1 to 10 letters, digits, '.', '_' or '-', not {raw!r}"
        )
    return value


def currency(name: str, default: str) -> str:
    """An ISO 4217 currency code setting."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().upper()
    if value not in CURRENCY_CODES:
        raise ConfigurationError(f"{name} must be an ISO 4217 currency code, not {raw!r}")
    return value


def weekend(name: str, default: str) -> tuple[int, ...]:
    """Weekday numbers (Monday 1 … Sunday 7) or names, separated by commas."""
    raw = os.environ.get(name) or default
    try:
        days = weekdays(raw)
    except CalendarError as error:
        raise ConfigurationError(f"{name}: {error}") from None
    return days


def listing(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def data_dir() -> Path:
    """The data directory, private to the service's user (700, its files 600): it holds the
    SQLite database (sessions among it), the history copy, uploads and secrets."""
    path = Path(os.environ.get("PORTCULLIS_DATA_DIR") or "var").expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep_private(path)
    return path


def keep_private(directory: Path) -> None:
    """Take group and other access off ``directory`` and what is in it (an installation made
    before this rule, or files copied in), and make this process create its files so."""
    os.umask(0o077)
    for folder, _names, files in os.walk(directory):
        _private(Path(folder), 0o700)
        for name in files:
            _private(Path(folder) / name, 0o600)


def _private(path: Path, mode: int) -> None:
    try:
        current = path.lstat().st_mode
    except OSError:
        return
    if current & 0o077 and not path.is_symlink():
        # Not ours to change (a mounted volume, say): the umask still holds for new files.
        with contextlib.suppress(OSError):
            path.chmod(current & ~0o077 | (mode & 0o700))


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
        # Written whole to a file of its own, then linked into place: several processes
        # starting at once (a server's workers, a test run's) each either place theirs or
        # find the first one's, never a file still empty.
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{filename}.")  # 600
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()

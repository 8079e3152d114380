"""Configuration from environment variables: defaults that run anywhere, clear refusals."""

import multiprocessing
import stat

import pytest

from portcullis.web.database import database_settings
from portcullis.web.environment import ConfigurationError, data_dir, flag, secret_key


def test_without_configuration_data_goes_to_var_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTCULLIS_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert data_dir() == tmp_path / "var"
    assert (tmp_path / "var").is_dir()


def test_the_default_database_is_sqlite_in_wal_mode_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_settings(tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "portcullis.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_postgres_url_selects_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@db.example:5433/customs")
    config = database_settings(tmp_path)
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql", "db.example", 5433, "customs",
    )  # fmt: skip


@pytest.mark.parametrize("url", ["mysql://u:topsecret@h/db", "not a url"])
def test_unusable_database_urls_are_refused_without_echoing_them(monkeypatch, tmp_path, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigurationError) as raised:
        database_settings(tmp_path)
    assert "topsecret" not in str(raised.value)
    assert str(raised.value).startswith("DATABASE_URL")


def test_a_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_key(tmp_path) == "from-the-environment"


def test_processes_starting_at_once_all_read_the_one_secret(monkeypatch, tmp_path):
    # A test run's workers (or a server's) start together: none may read a file still
    # being written (an empty SECRET_KEY failed a CI run) or fail because another made it.
    monkeypatch.delenv("SECRET_KEY", raising=False)
    fork = multiprocessing.get_context("fork")
    start, found = fork.Barrier(6), fork.Queue()
    workers = [fork.Process(target=_secret_after, args=(start, tmp_path, found)) for _ in range(6)]
    for worker in workers:
        worker.start()
    keys = [found.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert len(set(keys)) == 1
    assert len(keys[0]) >= 50
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no file left behind


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_flags_read_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("DEBUG", raw)
    assert flag("DEBUG") is value


def test_a_flag_that_is_not_a_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match="DEBUG must be true or false"):
        flag("DEBUG")


def test_debug_is_off_unless_asked(settings):
    assert settings.DEBUG is False


def _secret_after(start, directory, found):  # type: ignore[no-untyped-def]
    start.wait()
    found.put(secret_key(directory))

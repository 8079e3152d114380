"""Faults under a running server: a PostgreSQL cluster of the test's own (initdb into a
temporary folder, on a free port) is stopped, made read-only and has its data disk (a small
tmpfs, when the test may mount one) filled under `portcullis serve`.
Every answer is then a 503 problem with Retry-After, /ready says why, nothing acknowledged
is lost, and the server answers again once the database is back."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.builders import declaration
from tests.cli.serving import free_port, running_server

pytestmark = pytest.mark.slow
_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.bin = Path(_BIN[-1])

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def sql(self, statement: str) -> None:
        self.sql_in("postgres", statement)

    def sql_in(self, database: str, statement: str) -> None:
        self._run("psql", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "-d", database, "-c", statement)  # fmt: skip


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not _BIN or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("PostgreSQL's server programs are not installed here")
    # Outside pytest's own (private) temporary folders: the postgres user owns its cluster.
    folder = Path(tempfile.mkdtemp(prefix="portcullis-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    made = Cluster(folder, free_port())
    made._run("initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    made.start()
    made.sql("CREATE DATABASE portcullis")
    yield made
    with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test already
        made.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served(cluster, tmp_path) -> Iterator[tuple[str, str]]:
    """`portcullis serve` on the cluster, with a token; (base URL, token)."""
    env = {
        **os.environ,
        "PORTCULLIS_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/portcullis",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def portcullis(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "portcullis", *args],
            env=env, capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        return done.stdout

    portcullis("migrate", "-v0")
    token = portcullis("token", "create", "UNI-PASS").strip().splitlines()[-1]
    with running_server(env, workers=1, log=tmp_path / "server.log") as (base, _):
        yield f"{base}/api/v1", token


def _submit(base: str, token: str, declaration_id: str) -> httpx.Response:
    return httpx.post(
        f"{base}/declarations",
        json=declaration(declaration_id),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_a_database_down_or_read_only_is_a_503_to_retry_and_nothing_is_lost(cluster, served):
    base, token = served
    first = _submit(base, token, "F-1")
    assert first.status_code == 201, first.text  # held yellow: no model trained here

    cluster.stop()
    down = _submit(base, token, "F-2")
    assert down.status_code == 503, down.text
    assert down.headers["Retry-After"] == "30"
    assert down.headers["Content-Type"] == "application/problem+json"
    assert down.json()["type"].endswith("/unavailable")
    ready = httpx.get(f"{base}/ready", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert ready.status_code in (401, 503)  # the token cannot even be checked

    cluster.start()
    cluster.sql("ALTER DATABASE portcullis SET default_transaction_read_only = on")
    time.sleep(1)
    read_only = _submit(base, token, "F-3")
    for _ in range(5):  # a pooled connection opened before the change writes on: a new one
        if read_only.status_code == 503:
            break
        read_only = _submit(base, token, f"F-3-{_}")
    assert read_only.status_code == 503, read_only.text
    ready = httpx.get(f"{base}/ready", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert ready.status_code == 503
    assert ready.json()["writable"] is False
    assert "takes no writes" in ready.json()["problems"][0]

    cluster.sql("ALTER DATABASE portcullis SET default_transaction_read_only = off")
    again = _submit(base, token, "F-2")
    for _ in range(10):  # each refused request let its connection go: the next opens anew
        if again.status_code != 503:
            break
        time.sleep(0.5)
        again = _submit(base, token, "F-2")
    assert again.status_code in (200, 201), again.text
    kept = httpx.get(f"{base}/declarations/F-1", headers={"Authorization": f"Bearer {token}"})
    assert kept.status_code == 200  # what was acknowledged before the fault is there


@pytest.fixture
def small_disk(cluster) -> Iterator[Path]:
    """A 24 MB filesystem the cluster's postgres user owns: a data disk that can fill up."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or not mount or not umount:
        pytest.skip("mounting a small filesystem needs root")
    mount_point = cluster.folder / "small"
    mount_point.mkdir()
    owner = pwd.getpwnam("postgres")
    mounted = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size=24m,mode=700,uid={owner.pw_uid},gid={owner.pw_gid}",
         "tmpfs", str(mount_point)],
        capture_output=True, timeout=30,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("this machine does not let a test mount a filesystem")
    yield mount_point
    with contextlib.suppress(subprocess.CalledProcessError):
        cluster.stop()
    subprocess.run([umount, "-l", str(mount_point)], capture_output=True, timeout=30)


@pytest.fixture
def on_small_disk(cluster, small_disk):
    """The served database lives on the small disk (created before `served` migrates it)."""
    cluster.sql(f"CREATE TABLESPACE small LOCATION '{small_disk}'")
    cluster.sql("DROP DATABASE portcullis")
    cluster.sql("CREATE DATABASE portcullis TABLESPACE small")
    return cluster


def _fill(cluster: Cluster) -> None:
    cluster.sql_in("portcullis", "CREATE TABLE junk (b text)")
    for rows in (5000, 500, 50, 5, 1):  # committed chunks, smaller and smaller, until none fits
        for _ in range(100):
            try:
                rows_of_text = f"repeat(md5(i::text), 30) FROM generate_series(1, {rows}) i"
                cluster.sql_in("portcullis", f"INSERT INTO junk SELECT {rows_of_text}")
            except subprocess.CalledProcessError:
                break


def test_a_full_data_disk_is_a_503_to_retry_and_ready_says_so(on_small_disk, served):
    cluster = on_small_disk
    base, token = served
    headers = {"Authorization": f"Bearer {token}"}
    assert _submit(base, token, "D-1").status_code == 201

    _fill(cluster)
    accepted = ["D-1"]
    for number in range(2, 60):  # a page with room left takes a few more: then none fits
        answer = _submit(base, token, f"D-{number}")
        if answer.status_code == 503:
            break
        assert answer.status_code == 201, answer.text
        accepted.append(f"D-{number}")
    assert answer.status_code == 503, "a full disk never refused a submission"
    assert answer.headers["Retry-After"] == "30"
    assert answer.json()["type"].endswith("/unavailable")
    ready = httpx.get(f"{base}/ready", headers=headers, timeout=30)
    assert ready.status_code == 503
    assert ready.json()["writable"] is False
    assert "could not extend" in ready.json()["problems"][0]

    cluster.sql_in("portcullis", "DROP TABLE junk")
    refused = f"D-{number}"
    assert _submit(base, token, refused).status_code == 201  # the refused one, sent again
    assert httpx.get(f"{base}/ready", headers=headers, timeout=30).status_code in (200, 503)
    for declaration_id in accepted:  # nothing acknowledged while the disk filled was lost
        kept = httpx.get(f"{base}/declarations/{declaration_id}", headers=headers, timeout=30)
        assert kept.status_code == 200, declaration_id

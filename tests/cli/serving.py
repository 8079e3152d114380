"""`portcullis serve` started for a test: on a free loopback port, waited for until it
answers, and stopped with its workers whatever the test does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str], workers: int, log: Path, *options: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Yields the server's address (``http://127.0.0.1:PORT``) and its process; its output
    goes to ``log``, shown if it stops before answering."""
    port = free_port()
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "portcullis", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), *options],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                httpx.get(f"{base}/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                assert server.poll() is None, log.read_text(errors="replace")
                time.sleep(0.25)
        yield base, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

"""The job worker run beside the server, for an installation on one machine (the demo).

A child process of the server's: started before the server, stopped when it stops, and,
on Linux, told by the kernel to stop if the server dies without stopping it."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
from collections.abc import Iterator

_PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def worker_beside() -> Iterator[subprocess.Popen[bytes]]:
    """``portcullis worker`` running for the duration of the block."""
    worker = subprocess.Popen(  # this interpreter, fixed arguments
        [sys.executable, "-m", "portcullis", "worker"],
        preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

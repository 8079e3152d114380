"""Gunicorn embedded: `portcullis serve` runs it in-process with Portcullis's settings."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


def _warm_up(worker: Any) -> None:
    """Build the worker's engine before it takes requests, so the first caller does not wait
    for it (and a broken configuration shows at start, in the log)."""
    from django.db import connection

    from portcullis.web.scoring.live import live_engine

    try:
        live_engine()
    except Exception:
        worker.log.exception("the engine could not be built; requests will retry")
    finally:
        connection.close()  # not inherited by requests: each opens its own


class PortcullisServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = {**options, "post_worker_init": _warm_up}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from portcullis.web.wsgi import application

        return application

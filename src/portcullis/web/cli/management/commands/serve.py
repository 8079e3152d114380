"""portcullis serve: the production server (gunicorn), static files included (whitenoise)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from portcullis.web.cli.kit import ensure_database_ready


def default_workers() -> int:
    # Assessing is CPU work, but each request also waits on the database: two processes per
    # core keep the cores busy (measured in benchmarks/load_api.py).
    return 2 * (os.cpu_count() or 1)


class Command(BaseCommand):
    help = (
        "Run Portcullis with a production web server (gunicorn): the API and the pages, "
        "static files served by the application itself. Each worker keeps its own engine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="processes (default: 2 per CPU)"
        )
        parser.add_argument(
            "--timeout", type=int, default=300, help="seconds before a stuck worker is restarted"
        )
        parser.add_argument("--access-log", action="store_true", help="log every request")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run the job worker (training, backtests, imports) as a child process, "
            "stopped with the server: for an installation on one machine",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        call_command("collectstatic", interactive=False, verbosity=0)
        # One declaration gains nothing from Polars' threads; several workers already share
        # the cores. Set before any worker starts Polars' thread pool.
        os.environ.setdefault("POLARS_MAX_THREADS", "1")
        # Workers are forked from this process: a database connection left open here would be
        # shared by all of them, and garble.
        connections.close_all()
        from portcullis.web.cli.server import PortcullisServer

        self.stdout.write(
            f"Portcullis on http://{options['bind']}/ with {options['workers']} workers "
            "(API docs at /api/v1/docs). Ctrl+C stops it."
        )
        server = PortcullisServer(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "timeout": options["timeout"],
                "graceful_timeout": 30,
                "keepalive": 5,
                "accesslog": "-" if options["access_log"] else None,
                "errorlog": "-",
                "loglevel": "warning",
            }
        )
        if not options["with_worker"]:
            server.run()
            return
        from portcullis.web.cli.beside import worker_beside

        with worker_beside():
            self.stdout.write("The job worker runs beside it.")
            server.run()

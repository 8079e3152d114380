"""A profile backtest end to end, from a database holding a year of declarations.

    python benchmarks/backtest_db.py [--declarations 1000000] [--postgres URL]

Imports a year of synthetic declarations (engine.synthetic, an outcome for a third of them)
into a fresh database (a SQLite file in a temporary data directory, or a scratch PostgreSQL
database), then times `backtest_profiles` (what `portcullis backtest` and the editor run)
for a profile on declared fields and one reading importer history, over the last 90 days:
reading the history from the database every time, then from the columnar copy (built on
first use, then current, then after one more declaration arrives)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload  # the machine() line and the flat file

PROFILES = {
    "declared fields": 'hs_code startswith "8703" and origin_country in ["CN", "VN"]',
    "importer history": 'hs_code startswith "8703" and importer_finding_rate > 0.2',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is made)")
    arguments = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="portcullis-backtest-"))
    scratch = workload.configure_scratch(data_dir, arguments.postgres, "backtest")
    import django
    import polars as pl

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from portcullis.engine.synthetic import SyntheticSettings, generate
    from portcullis.web.cli.kit import progress_bar
    from portcullis.web.declarations.models import Item
    from portcullis.web.reference.loading import load_reference
    from portcullis.web.scoring.backtesting import backtest_profiles, draft
    from portcullis.web.scoring.history_copy import folder
    from portcullis.web.usecases.actor import Actor
    from portcullis.web.usecases.importing import import_file

    print(f"Machine: {workload.machine()}")
    print(f"Database: {connection.vendor}; data in {data_dir}")
    call_command("migrate", interactive=False, verbosity=0)
    load_reference()
    start_day = date(2025, 1, 1)
    flow = generate(
        SyntheticSettings(
            declarations=arguments.declarations, start=start_day, days=365, inspected_share=0.3
        )
    )
    path = workload.flat_file(flow, data_dir / "flow.parquet")
    clock = time.perf_counter()
    with progress_bar("importing", unit="item") as bar:
        result = import_file(Actor.system(), path, "parquet", progress=bar)
    if result.failed:
        raise SystemExit(f"the import failed: {result.batch.message}")
    print(
        f"Imported {result.batch.stored:,} declarations ({Item.objects.count():,} items) in "
        f"{time.perf_counter() - clock:.0f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    last = flow.get_column("lodged_at").max()
    end = last + timedelta(seconds=1)  # type: ignore[operator]
    begin = end - timedelta(days=90)

    def timed(label: str, criteria: str) -> None:
        clock = time.perf_counter()
        outcome = backtest_profiles(draft(criteria), begin, end)
        print(
            f"  {label:<50} {time.perf_counter() - clock:6.2f} s  "
            f"({outcome.total.hits:,} hit of {outcome.declarations:,})",
            flush=True,
        )

    print("\nOne profile over the last 90 days, end to end:")
    for name, criteria in PROFILES.items():
        settings.PORTCULLIS_HISTORY_COPY = False
        timed(f"{name}, history read from the database", criteria)
        settings.PORTCULLIS_HISTORY_COPY = True
        for file in folder().glob("*"):
            file.unlink()
        timed(f"{name}, copy built on first use", criteria)
        timed(f"{name}, copy current", criteria)
        first = flow.get_column("declaration_id")[0]
        extra = flow.filter(pl.col("declaration_id") == first).with_columns(
            pl.col("declaration_id") + f"-{len(name)}"
        )
        workload.flat_file(extra, data_dir / "one.parquet")
        import_file(Actor.system(), data_dir / "one.parquet", "parquet")
        timed(f"{name}, copy after one more declaration", criteria)
    if not os.environ.get("KEEP"):
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
        if scratch is not None:
            connection.close()
            scratch.drop()


if __name__ == "__main__":
    main()

"""What a serving process's refresh asks of PostgreSQL, at national scale: the old check
(count and sum the whole history) against the new one (rows by key, `scoring/held.py`).

    python benchmarks/refresh_cost.py [--declarations 10000000] [--items-each 2.5]
        [--inspected 0.1] [--window 210000] [--postgres URL]

Makes a scratch database (dropped afterwards; never one it did not make) holding tables of
the shape the checks read: declarations (key, version), items and outcomes (key, declaration),
each keyed and indexed as the application's are, vacuumed as a live database would be. Then
times, each several times, the statements one refresh runs:

- before: COUNT and MAX of the items and outcomes, COUNT and SUM(version) of the
  declarations, and the two counts up to the keys held (`history_copy.stamp`, `only_added`);
- now: the rows above the highest key held, and the count of the rows between the settled
  key and it (``--window`` rows: a minute of items at 350 ten-item submissions a second),
  for items and outcomes; and, once every ten minutes, the two full counts.

Prints milliseconds per refresh (median of runs) for each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


def build(url: str, declarations: int, items: int, outcomes: int) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE declaration (id bigserial PRIMARY KEY, version integer NOT NULL)")
        db.execute(
            "CREATE TABLE item (id bigserial PRIMARY KEY, declaration_id bigint NOT NULL, "
            "line_no smallint NOT NULL, hs_code varchar(10) NOT NULL)"
        )
        db.execute(
            "CREATE TABLE inspection (id bigserial PRIMARY KEY, "
            "declaration_id bigint NOT NULL UNIQUE, finding boolean)"
        )
        started = time.perf_counter()
        db.execute(
            "INSERT INTO declaration (version) SELECT 1 FROM generate_series(1, %s)",
            [declarations],
        )
        db.execute(
            "INSERT INTO item (declaration_id, line_no, hs_code) "
            "SELECT 1 + (n::bigint - 1) * %s / %s, 1, '8471300000' "
            "FROM generate_series(1, %s) AS n",
            [declarations, items, items],
        )
        db.execute(
            "INSERT INTO inspection (declaration_id, finding) "
            "SELECT n::bigint * %s / %s, n %% 7 = 0 FROM generate_series(1, %s) AS n",
            [declarations, outcomes, outcomes],
        )
        db.execute("VACUUM ANALYZE")
        print(f"  built in {time.perf_counter() - started:.0f} s")


def timed(url: str, statements: list[tuple[str, list[object]]], runs: int) -> float:
    """Median milliseconds to run ``statements`` one after another, fetching every row."""
    times = []
    with psycopg.connect(url, autocommit=True) as db:
        for _ in range(runs):
            started = time.perf_counter()
            for sql, params in statements:
                db.execute(sql, params).fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=10_000_000)
    parser.add_argument("--items-each", type=float, default=2.5)
    parser.add_argument("--inspected", type=float, default=0.1)
    parser.add_argument("--window", type=int, default=210_000)
    parser.add_argument("--new", type=int, default=3_500, help="items stored in a second")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()

    items = int(args.declarations * args.items_each)
    outcomes = int(args.declarations * args.inspected)
    print(f"Machine: {workload.machine()}")
    print(
        f"{args.declarations:,} declarations, {items:,} items, {outcomes:,} outcomes; "
        f"window {args.window:,} items, {args.new:,} new items a refresh"
    )
    scratch = workload.scratch_database(args.postgres, "refresh")
    try:
        build(scratch.url, args.declarations, items, outcomes)
        held_item, held_outcome = items - args.new, outcomes - args.new // 10
        before = [
            ("SELECT count(id), max(id) FROM item", []),
            ("SELECT count(id), max(id) FROM inspection", []),
            ("SELECT count(id), sum(version) FROM declaration", []),
            ("SELECT count(*) FROM item WHERE id <= %s", [held_item]),
            ("SELECT count(*) FROM inspection WHERE id <= %s", [held_outcome]),
            ("SELECT declaration_id FROM item WHERE id > %s", [held_item]),
            ("SELECT declaration_id FROM inspection WHERE id > %s", [held_outcome]),
        ]
        now = [
            ("SELECT id, declaration_id FROM item WHERE id > %s ORDER BY id", [held_item]),
            (
                "SELECT count(*) FROM item WHERE id > %s AND id <= %s",
                [held_item - args.window, held_item],
            ),
            (
                "SELECT id, declaration_id FROM inspection WHERE id > %s ORDER BY id",
                [held_outcome],
            ),
            (
                "SELECT count(*) FROM inspection WHERE id > %s AND id <= %s",
                [held_outcome - args.window // 10, held_outcome],
            ),
        ]
        full = [("SELECT count(*) FROM item", []), ("SELECT count(*) FROM inspection", [])]
        old_ms = timed(scratch.url, before, args.runs)
        new_ms = timed(scratch.url, now, args.runs)
        full_ms = timed(scratch.url, full, args.runs)
        print(f"  before (count and sum the whole history): {old_ms:,.1f} ms a refresh")
        print(f"  now (rows by key, the window counted):    {new_ms:,.1f} ms a refresh")
        print(f"  now, the full count every ten minutes:    {full_ms:,.1f} ms")
        print(f"  at one refresh a second: {old_ms / 10:,.1f} % of a core before, "
              f"{(new_ms + full_ms / 600) / 10:,.2f} % now (each serving process)")  # fmt: skip
    finally:
        scratch.drop()


if __name__ == "__main__":
    main()

"""Windows over history: what a profile that reads them adds to an assessment.

    python benchmarks/history_windows.py [--declarations 100000] [--singles 500]

On a synthetic history (the engine's generator, a year): the time to build the windows'
state, the latency of one declaration's windows (both subjects: the importer, and the
importer in each item's chapter; the per-subject index is built on the first call and
reported apart), and a point-in-time batch over the whole history (what a backtest or a
training run pays when a profile reads them).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.windows import HistoryWindows
from portcullis.engine.items import declaration_starts
from portcullis.engine.synthetic import SyntheticSettings, generate

READ = ("importer_declarations_7d", "importer_chapter_sellers_90d", "importer_days_since_first")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=500)
    args = parser.parse_args()

    history = add_derived(generate(SyntheticSettings(declarations=args.declarations, days=365)))
    started = time.perf_counter()
    windows = HistoryWindows(history)
    print(f"history: {args.declarations:,} declarations, {history.height:,} items")
    print(f"state built in {time.perf_counter() - started:.2f} s")

    # Declarations lodged after all of history, as the API receives them.
    last = history.get_column("lodged_at").max()
    ids = history.get_column("declaration_id").unique(maintain_order=True).to_list()
    singles = [
        history.filter(pl.col("declaration_id") == declaration_id).with_columns(
            pl.lit(last).dt.offset_by(f"{number + 1}m").alias("lodged_at"),
            pl.lit(f"NEW{number}").alias("declaration_id"),
        )
        for number, declaration_id in enumerate(ids[: args.singles + 1])
    ]
    started = time.perf_counter()
    windows.prepare(READ)
    print(
        f"index for one declaration (built by a serving process while it refreshes): "
        f"{time.perf_counter() - started:.2f} s"
    )
    timings = []
    for one in singles:
        started = time.perf_counter()
        columns = windows.fields(one, declaration_starts(one))
        for name in READ:
            columns[name].make()
        timings.append(time.perf_counter() - started)
    print(f"first declaration after it: {timings[0] * 1000:.1f} ms")
    rest = np.array(timings[1:]) * 1000
    print(
        f"one declaration, {len(READ)} fields read: p50 {np.percentile(rest, 50):.3f} ms, "
        f"p99 {np.percentile(rest, 99):.3f} ms"
    )

    started = time.perf_counter()
    columns = windows.fields(history, declaration_starts(history))
    for name in READ:
        columns[name].make()
    elapsed = time.perf_counter() - started
    print(
        f"point in time over the whole history: {elapsed:.2f} s "
        f"({history.height / elapsed:,.0f} items/s)"
    )


if __name__ == "__main__":
    main()

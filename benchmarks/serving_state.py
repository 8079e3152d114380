"""What a serving process holds for the compliance figures, against the size of history.

    python benchmarks/serving_state.py [--declarations 10000000] [--years 3] [--windows]

A synthetic history (the engine's generator, one world: its traders and goods drawn once for
the whole population) is written once as Parquet parts into ``--workdir``, as the columnar
copy of stored history is kept. Then, each in a fresh process: the memory of a process with
everything imported and nothing built; the serving history built from the copy read lazily
(``engine/features/serving.py``: the latest totals by key, the counts of the last days by key
and instant, the declarations the windows reach), with the time it takes and the process's
resident memory over the empty one; one declaration's compliance fields looked up; and new
declarations and outcomes added as they arrive (``ComplianceHistory.plus``). ``--windows``
also indexes the windows over history, as a process does when a profile reads them.
``--whole`` builds the history the old way (every instant kept) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from workload import machine  # noqa: E402

from portcullis import allocator  # noqa: E402

DEFAULT_WORKDIR = ROOT / "var" / "benchmark-serving"
START = date(2023, 1, 1)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(workdir: Path, declarations: int, chunk: int, years: int) -> Path:
    """The history as Parquet parts, made once (generating takes minutes)."""
    import polars as pl

    from portcullis.engine.synthetic import SyntheticSettings, generate

    parts = workdir / f"history-{declarations}-{years}y"
    done = parts / "done.json"
    if done.exists():
        return parts
    parts.mkdir(parents=True, exist_ok=True)
    count = -(-declarations // chunk)
    days = years * 365 // count
    started = time.perf_counter()
    for number in range(count):
        settings = SyntheticSettings(
            declarations=min(chunk, declarations - number * chunk),
            seed=40 + number,
            start=START + timedelta(days=number * days),
            days=days,
            population=declarations,
        )
        frame: pl.DataFrame = generate(settings)
        frame.write_parquet(parts / f"part-{number:03d}.parquet")
        print(f"  part {number + 1}/{count}: {frame.height:,} items", flush=True)
    done.write_text(json.dumps({"declarations": declarations}), encoding="utf-8")
    print(f"history written in {time.perf_counter() - started:.0f} s")
    return parts


def measure(parts: Path, windows: bool, whole: bool) -> dict[str, float]:
    """In this (fresh) process: build, look up, add; memory and times."""
    import gc

    import polars as pl

    from portcullis.engine.features.compliance import ComplianceHistory
    from portcullis.engine.features.derived import add_derived
    from portcullis.engine.features.serving import serving_history
    from portcullis.engine.synthetic import SyntheticSettings, generate

    scan = pl.scan_parquet(parts / "part-*.parquet")
    pl.DataFrame({"a": [1, 2]}).group_by("a").len()  # Polars's threads up, as in a server
    empty = _rss_mb()
    started = time.perf_counter()
    if whole:
        history = ComplianceHistory(add_derived(scan.collect()))
    else:
        history = serving_history(scan, lambda frame: frame)
    history._one_plan  # noqa: B018 (the lookups one declaration uses, made at start)
    if windows:
        history.windows.prepare(history.windows.names())
    built = time.perf_counter() - started
    gc.collect()
    time.sleep(3)  # the allocator hands freed pages back after a second
    held = _rss_mb() - empty
    tallies = history.tallies
    tables = [*tallies.outcomes.values(), *tallies.activity.values(), tallies.overall]
    sizes = {
        "tallies_mb": sum(t.estimated_size() for t in tables) / 1e6,
        "window_items_mb": tallies.window_items.estimated_size() / 1e6,
        "totals_mb": sum(t.base.frame.estimated_size() for t in history._totals.values()) / 1e6,
    }

    # New declarations of the same world, lodged after all of history.
    end = history.latest_lodged
    assert end is not None
    flow = SyntheticSettings(
        declarations=3_000,
        seed=60,
        start=(end + timedelta(days=1)).date(),
        days=2,
        population=int(parts.name.split("-")[1]),
        inspected_share=0.0,
    )
    new = add_derived(generate(flow))
    singles = new.partition_by("declaration_id", maintain_order=True)
    timings = []
    for one in singles[:1000]:
        rows = one.to_dicts()
        began = time.perf_counter()
        history.one(rows)
        timings.append((time.perf_counter() - began) * 1000)

    # What arrives next: a thousand declarations, and outcomes for them.
    later = singles[1000:2000]
    arrived = pl.concat(later)
    outcomes = arrived.with_columns(
        pl.lit(False).alias("finding"), pl.col("lodged_at").dt.offset_by("1h").alias("known_at")
    )
    began = time.perf_counter()
    added = history.plus(arrived)
    declarations_added = time.perf_counter() - began
    began = time.perf_counter()
    added = added.plus(arrived.clear(), outcomes)
    outcomes_added = time.perf_counter() - began
    assert added.outcomes == history.outcomes + len(later)
    # What a process up for days does once a table's changed keys are an eighth of it
    # (``Totals.folded``): forced here on every table the additions changed.
    began = time.perf_counter()
    for table in added._totals.values():
        if table.changed:
            table.folded()
    folded = time.perf_counter() - began
    return {
        "empty_mb": empty,
        "held_mb": held,
        **sizes,
        "build_s": built,
        "rows_kept": history.tallies.size(),
        "one_p50_ms": statistics.median(timings),
        "one_p99_ms": sorted(timings)[int(len(timings) * 0.99) - 1],
        "plus_declarations_s": declarations_added,
        "plus_outcomes_s": outcomes_added,
        "fold_s": folded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--windows", action="store_true")
    parser.add_argument("--whole", action="store_true")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.windows, args.whole)))
        return

    parts = prepare(args.workdir, args.declarations, args.chunk, args.years)
    command = [sys.executable, __file__, "--measure", str(parts)]
    command += ["--windows"] * args.windows + ["--whole"] * args.whole
    # As ``portcullis`` runs: freed memory handed back (portcullis/allocator.py).
    environment = {**os.environ, allocator.VARIABLE: allocator.SETTINGS}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    if result.returncode != 0:
        sys.exit(result.stderr)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"machine: {machine()}")
    print(
        f"history: {args.declarations:,} declarations over {args.years} years; "
        f"{'every instant kept' if args.whole else 'serving history'}"
        f"{', windows indexed' if args.windows else ''}"
    )
    print(f"  a process with nothing built: {figures['empty_mb']:.0f} MB resident")
    print(
        f"  built in {figures['build_s']:.1f} s; {figures['rows_kept']:,} rows kept; "
        f"{figures['held_mb']:.0f} MB resident over the empty process"
    )
    print(
        f"  of which (Polars's estimates) tallies {figures['tallies_mb']:.0f} MB, latest "
        f"totals {figures['totals_mb']:.0f} MB, the items the windows reach "
        f"{figures['window_items_mb']:.0f} MB"
    )
    print(
        f"  one declaration's compliance fields: p50 {figures['one_p50_ms']:.3f} ms, "
        f"p99 {figures['one_p99_ms']:.3f} ms"
    )
    print(
        f"  1,000 new declarations added in {figures['plus_declarations_s']:.2f} s, "
        f"their outcomes in {figures['plus_outcomes_s']:.2f} s"
    )
    print(
        f"  the changed keys folded into new tables (every table, as a process up for days "
        f"does table by table): {figures['fold_s']:.1f} s, in the refresh thread"
    )


if __name__ == "__main__":
    main()

"""Single-declaration latency: one declaration of 10 items, 1,000 profiles, the model, in process.

    python benchmarks/assess_single.py [--declarations 2000] [--profiles 1000] [--workdir DIR]

What the API does per submission, minus HTTP and the database: features (valuation,
compliance, watchlist), model score, profile hits, channel, and the explanation when the
declaration is not released green. Each declaration is new (lodged after all history), sent
as the canonical declaration a client sends: assessed by the plain Python path the API takes
(with and without explanations), and, for comparison, as a frame of one by the batch path.
Prints p50/p90/p99/max over each measure's declarations (new to it, after a warm-up of 1,000
others, as a serving process sees a stream), and, for scale, the time of a fixed pure-Python
loop on the same machine (this shared machine's speed drifts).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from portcullis.engine.items import item_frame
from portcullis.engine.schema import Declaration

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload


def ten_item_declarations(items: pl.DataFrame, count: int) -> list[pl.DataFrame]:
    """``count`` declarations of 10 items each: runs of 10 items under one header."""
    header = [
        "declaration_id", "lodged_at", "office", "procedure", "process_type", "import_use",
        "payment_type", "transport_mode", "declarant", "importer", "seller", "courier",
        "country_of_departure",
    ]  # fmt: skip
    rows = items.head(count * 10).with_columns(
        (pl.int_range(pl.len()) // 10).alias("_group"),
        (pl.int_range(pl.len()) % 10 + 1).cast(pl.Int32).alias("line_no"),
    )
    firsts = rows.group_by("_group", maintain_order=True).agg(pl.col(header).first())
    merged = rows.drop(header).join(firsts, on="_group", how="left", maintain_order="left")
    merged = merged.with_columns(
        pl.concat_str(pl.lit("ONE-"), pl.col("_group").cast(pl.String)).alias("declaration_id")
    )
    merged = merged.select(items.columns)
    return [merged.slice(i * 10, 10) for i in range(count)]


def as_declaration(frame: pl.DataFrame) -> Declaration:
    """A 10-item frame as the canonical declaration a client would send (amounts as the
    decimals a declaration carries)."""
    first = frame.row(0, named=True)
    header = {
        name: first[name]
        for name in (
            "declaration_id", "lodged_at", "office", "procedure", "process_type", "import_use",
            "payment_type", "transport_mode", "declarant", "importer", "seller", "courier",
            "importer_name", "seller_name", "country_of_departure",
        )
    }  # fmt: skip
    rate = first["declared_rate"]
    header["exchange_rate"] = None if rate is None else f"{rate:.6f}"

    def decimal(value: float | None, places: int) -> str | None:
        return None if value is None else f"{value:.{places}f}"

    items = [
        {
            "line_no": row["line_no"],
            "hs_code": row["hs_code"],
            "origin_country": row["origin_country"],
            "origin_indicator": row["origin_indicator"],
            "net_mass_kg": decimal(row["net_mass_kg"], 3),
            "customs_value": decimal(row["invoice_value"], 2),
            "currency": row["currency"],
            "tax_type": row["tax_type"],
            "tax_rate": decimal(row["tax_rate"], 3),
            "duty": decimal(row["duty"], 2),
            "description": row["description"],
            "additional_codes": row["additional_codes"],
        }
        for row in frame.iter_rows(named=True)
    ]
    return Declaration.model_validate({**header, "items": items})


def percentiles(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1e3
    p50, p90, p99 = np.percentile(ms, [50, 90, 99])
    return f"p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, max {ms.max():.2f} ms"


def reference_loop() -> float:
    """Milliseconds for a fixed pure-Python loop: how fast this machine is right now."""
    runs = []
    for _ in range(200):
        started = time.perf_counter()
        sum(range(20_000))
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=2000)
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, default=workload.DEFAULT_WORKDIR)
    args = parser.parse_args()

    print(f"Machine: {workload.machine()}")
    workload.prepare(args.workdir)
    prepared = workload.engine(args.workdir, args.profiles)
    risk = prepared.engine
    # A serving process sees a stream: 1,000 declarations before the measures (what it keeps
    # of the keys it has seen), then each measure on declarations it has not seen yet.
    warm, count = 1_000, args.declarations
    frames = ten_item_declarations(prepared.items, warm + 3 * count)
    declarations = [as_declaration(frame) for frame in frames]
    del prepared, frames
    gc.collect()
    for one in declarations[:warm]:
        risk.assess_declaration(one)
    batches = iter(range(warm, warm + 3 * count, count))

    def measure(assess: Callable[[Declaration], Any], label: str) -> None:
        start = next(batches)
        timings, stopped = [], 0
        for one in declarations[start : start + count]:
            started = time.perf_counter()
            channel = assess(one)
            timings.append(time.perf_counter() - started)
            stopped += channel != "green"
        print(f"  {label}: {percentiles(timings)} (not green: {stopped:,})")

    print(
        f"{count:,} declarations of 10 items each time, {args.profiles:,} profiles, model, "
        "lodged after all of history (explained when not green):"
    )
    measure(
        lambda d: risk.assess_declaration(d).declaration_records()[0]["channel"],
        "plain Python (the submission path)",
    )
    measure(
        lambda d: risk.assess_declaration(d, explain="none").declaration_records()[0]["channel"],
        "plain Python, without explanations",
    )
    measure(
        lambda d: risk.assess(item_frame([d], with_outcomes=False)).declarations.get_column(
            "channel"
        )[0],
        "a frame of one (the batch path)",
    )
    reference = reference_loop()
    print(f"  reference pure-Python loop: {reference:.3f} ms (0.29-0.41 ms seen on this machine)")


if __name__ == "__main__":
    main()

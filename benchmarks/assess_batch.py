"""Batch assessment throughput and memory: a million synthetic items, 10/100/1,000 profiles.

    python benchmarks/assess_batch.py [--profiles 10 100 1000] [--workdir DIR]

Each profile count runs in its own process (so its peak memory is its own): it loads the
prepared history (400,000 declarations, ~1M items, with outcomes) and model, builds a risk
engine with that many profiles, a 200-entry watchlist and 300 AEO importers, then assesses the
new items (~1M, one month): scores, hits and channels alone, and (in another process)
explaining every declaration not released green too (TreeSHAP of its riskiest item), three
times each. Prints the median items/s, the cost of 1,000 profiles relative to 10, and the
peak RSS of the process (which also holds the history and the model).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload

RUNS = 3


def child(workdir: Path, count: int, explain: str) -> None:
    prepared = workload.engine(workdir, count)
    items, risk = prepared.items, prepared.engine
    risk.assess(items.head(5_000), explain="none")  # warm up (first use of every path)
    runs = []
    result = None
    for _ in range(RUNS):  # this shared machine's speed drifts: the median of a few runs
        result = None  # the previous run's result is freed before the next one
        started = time.perf_counter()
        result = risk.assess(items, explain=explain)  # type: ignore[arg-type]
        runs.append(time.perf_counter() - started)
    assert result is not None
    seconds = statistics.median(runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "profiles": count,
                "explain": explain,
                "items": items.height,
                "declarations": result.declarations.height,
                "seconds": round(seconds, 2),
                "explained": len(result.factors),
                "profile_hits": result.profile_hits.height,
                "channels": result.channel_mix(),
                "peak_rss_mb": round(peak),
                "setup_seconds": round(prepared.setup_seconds, 1),
            }
        )
    )


def run_child(workdir: Path, count: int, explain: str) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--workdir",
            str(workdir),
            "--child",
            str(count),
            "--explain",
            explain,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the run with {count} profiles failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--workdir", type=Path, default=workload.DEFAULT_WORKDIR)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--explain", default="selected", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.workdir, args.child, args.explain)
        return

    print(f"Machine: {workload.machine()}")
    print("Preparing the workload (once; reused from", args.workdir, ")...", flush=True)
    workload.prepare(args.workdir)
    seconds: dict[tuple[int, str], float] = {}
    for count in args.profiles:
        for explain in ("none", "selected"):
            result = run_child(args.workdir, count, explain)
            seconds[count, explain] = float(result["seconds"])  # type: ignore[arg-type]
            rate = int(result["items"]) / seconds[count, explain]  # type: ignore[call-overload]
            what = (
                "scores, hits, channels"
                if explain == "none"
                else f"and {result['explained']:,} explained"
            )
            print(
                f"{count:>5} profiles, {what}: {result['items']:,} items "
                f"({result['declarations']:,} declarations) in {seconds[count, explain]:.2f} s = "
                f"{rate:,.0f} items/s; {result['profile_hits']:,} profile hits; "
                f"peak RSS {result['peak_rss_mb']:,} MB",
                flush=True,
            )
        print(f"       channels: {result['channels']}", flush=True)
    for explain in ("none", "selected"):
        if (10, explain) in seconds and (1000, explain) in seconds:
            ratio = seconds[1000, explain] / seconds[10, explain]
            print(f"1,000 profiles cost {ratio:.2f}x the time of 10 (explain={explain})")


if __name__ == "__main__":
    main()

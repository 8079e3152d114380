"""Import throughput: the KCS 2020 file (37,385 declarations) into a fresh database.

    python benchmarks/import_kcs.py [--runs N] [--file PATH] [--postgres URL | --no-postgres]

Each run creates an empty database (a SQLite file in a temporary data directory; a scratch
PostgreSQL database), migrates it, and times `portcullis import` in a separate process, then
times a second import of the same file (which must add nothing). Prints rows/s per run and
the median. PostgreSQL is measured when a server answers at the URL (default: the local
test server); the scratch database is dropped afterwards."""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload  # the scratch database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared/datasets/kcs-synthetic/declarations-2020.csv"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
PORTCULLIS = [sys.executable, "-m", "portcullis"]


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [*PORTCULLIS, *args], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"portcullis {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def stored_count(output: str) -> int:
    match = re.search(r"([\d,]+) stored", output)
    return int(match.group(1).replace(",", "")) if match else -1


HS2017 = ROOT.parent / "shared/reference/hs2017"


def measure(label: str, env: dict[str, str], file: Path, rows: int) -> float:
    run(env, "migrate", "-v0")
    # The KCS data is classified under HS 2017: reference data an administration loads.
    run(env, "load_reference", str(HS2017), "--edition", "HS2017", "--name", "HS 2017",
        "--valid-from", "2017-01-01", "--valid-to", "2021-12-31")  # fmt: skip
    seconds, output = run(env, "import", str(file), "--format", "kcs")
    again, output_again = run(env, "import", str(file), "--format", "kcs")
    print(
        f"  {label}: {seconds:6.2f} s  {rows / seconds:8,.0f} rows/s  "
        f"(stored {stored_count(output):,}; re-import {again:.2f} s, "
        f"stored {stored_count(output_again):,})",
        flush=True,
    )
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--postgres", default=os.environ.get("BENCHMARK_POSTGRES", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    rows = sum(1 for _ in _lines(options.file)) - 1
    print(
        f"Import benchmark: {options.file.name}, {rows:,} rows; Python {platform.python_version()}"
        f", {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}"
    )
    results: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    for number in range(1, options.runs + 1):
        print(f"run {number}:")
        with tempfile.TemporaryDirectory() as data_dir:
            env = {**os.environ, "PORTCULLIS_DATA_DIR": data_dir}
            env.pop("DATABASE_URL", None)
            results["sqlite"].append(measure("sqlite    ", env, options.file, rows))
            if options.no_postgres:
                continue
            try:
                scratch = workload.scratch_database(options.postgres, "import")
            except psycopg.Error as error:
                print(f"PostgreSQL not measured: {str(error).strip().splitlines()[0]}")
                options.no_postgres = True
                continue
            try:
                env["DATABASE_URL"] = scratch.url
                results["postgresql"].append(measure("postgresql", env, options.file, rows))
            finally:
                scratch.drop()
    for name, rates in results.items():
        if rates:
            median = statistics.median(rates)
            print(f"median {name}: {median:,.0f} rows/s ({rows / median:.1f} s for {rows:,} rows)")


def _lines(path: Path):  # type: ignore[no-untyped-def]
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle


if __name__ == "__main__":
    main()

"""Single-profile backtest time on a million historical declarations.

    python benchmarks/backtest.py [--declarations 1000000]

Generates a year of synthetic declarations (about 2.5 items each, every one with an outcome)
in memory, then backtests one profile over the whole year, three times each for a profile on
declared fields (HS code and origin) and for one reading point-in-time context (valuation
against reference prices fitted on the history before the period), and prints the median
seconds of the engine's part: features, profile hits, workload and outcome figures. Reading
the items from the database is not included: with a million declarations stored, that read is
what `portcullis backtest` spends most of its time on (README, "Performance")."""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from portcullis.engine.backtest import run_backtest
from portcullis.engine.features import default_catalogue
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.synthetic import SyntheticSettings, generate

PROFILES = {
    "declared fields": 'hs_code startswith "8703" and origin_country in ["CN", "VN"]',
    "valuation (context)": 'hs_code startswith "8703" and valuation_z < -2',
    "importer history": 'hs_code startswith "8703" and importer_finding_rate > 0.2',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    clock = time.perf_counter()
    history = generate(SyntheticSettings(declarations=args.declarations, days=365))
    history = history.sort("lodged_at", "declaration_id", "line_no", maintain_order=True)
    print(
        f"{args.declarations:,} declarations, {history.height:,} items generated in "
        f"{time.perf_counter() - clock:.1f} s"
    )
    catalogue = default_catalogue()
    last = history.get_column("lodged_at").max()
    start, end = datetime(2024, 1, 1, tzinfo=UTC), last.replace(year=last.year + 1)  # type: ignore[union-attr]
    for name, criteria in PROFILES.items():
        profiles = ProfileSet.compile([Profile(code="P", version=1, criteria=criteria)], catalogue)
        times, result = [], None
        for _ in range(args.runs):
            clock = time.perf_counter()
            result = run_backtest(history, start, end, profiles, catalogue)
            times.append(time.perf_counter() - clock)
        assert result is not None
        print(
            f"{name:<20} {statistics.median(times):6.2f} s median of {args.runs} "
            f"(features {result.seconds['features']:.2f} s, "
            f"profile {result.seconds['profiles']:.2f} s); "
            f"{result.declarations:,} declarations, {result.total.hits:,} hit, "
            f"finding rate {result.total.finding_rate or 0:.1%}"
        )


if __name__ == "__main__":
    main()

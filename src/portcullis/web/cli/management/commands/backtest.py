"""portcullis backtest (--criteria TEXT | --profile CODE ... | --active | --policy FILE)
[--from DAY] [--to DAY]"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.engine.selectivity import PolicyError
from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.declarations.analysis import analysis_end
from portcullis.web.errors import DomainError
from portcullis.web.scoring.policy_backtesting import proposed_policy
from portcullis.web.usecases import profiles, training
from portcullis.web.usecases.actor import Actor


def _day(text: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Replay a proposed profile, stored profiles or the active set over stored history: "
        "declarations selected per office and day (workload), finding rate and revenue among "
        "the hits with a known outcome, and overlap with the other active profiles; or a "
        "proposed selectivity policy against the active one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--criteria", help="a profile not yet written, in the profile language")
        what.add_argument(
            "--profile", action="append", metavar="CODE", help="a stored profile (repeatable)"
        )
        what.add_argument("--active", action="store_true", help="the active profile set")
        what.add_argument(
            "--policy",
            type=Path,
            metavar="FILE",
            help="a selectivity policy (JSON; its keys replace the active policy's), against "
            "the active one; its thresholds are recalibrated on the 90 days before --from",
        )
        parser.add_argument(
            "--selection-pct", type=float, default=100.0, help="with --criteria: share selected"
        )
        parser.add_argument(
            "--from", dest="start", type=_day, help="first day (default: 90 days before --to)"
        )
        parser.add_argument(
            "--to",
            dest="end",
            type=_day,
            help="day after the last (default: after the latest declaration with an outcome)",
        )
        parser.add_argument("--json", action="store_true", help="end with the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        last = analysis_end()
        if last is None:
            raise CommandError("no declarations are stored: import some first")
        end = options["end"] or _day((last + timedelta(days=1)).date().isoformat())
        start = options["start"] or end - timedelta(days=90)
        if options["policy"]:
            self._policy(options, start, end)
            return
        with fail_politely("the backtest", options["traceback"]):
            result = profiles.backtest(
                Actor.command(),
                start,
                end,
                criteria=options["criteria"],
                selection_pct=options["selection_pct"],
                codes=options["profile"] or None,
            )
        total = result.total
        self.stdout.write(
            f"{start:%Y-%m-%d} to {end:%Y-%m-%d}: {result.declarations:,} declarations; "
            f"hit {total.hits:,}, about {total.selected:,.0f} selected "
            f"({result.seconds['features'] + result.seconds['profiles']:.2f} s)."
        )
        self.stdout.write(
            f"Inspected {total.inspected:,} of the hits, {total.findings:,} findings: finding "
            f"rate {_percent(total.finding_rate)}; revenue {total.revenue:,.2f}; "
            f"{total.overlap:,} also hit by other active profiles "
            f"({_percent(total.overlap_share)})."
        )
        if len(result.profiles) > 1:
            self.stdout.write("\nprofile        hits  inspected  findings   rate   overlap")
            for p in result.profiles:
                self.stdout.write(
                    f"{p.code:<10} {p.hits:>8,} {p.inspected:>10,} {p.findings:>9,} "
                    f"{_percent(p.finding_rate):>6} {p.overlap:>9,}"
                )
        self.stdout.write("\noffice   hit  selected  per day  busiest day")
        for row in result.workload_by_office().iter_rows(named=True):
            self.stdout.write(
                f"{row['office']:<6} {row['hit']:>5,} {row['selected']:>9,.1f} "
                f"{row['per_day']:>8,.2f} {row['busiest_day']:>12,.1f}"
            )
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), default=str))

    def _policy(self, options: dict[str, Any], start: datetime, end: datetime) -> None:
        with fail_politely("the policy backtest", options["traceback"]):
            try:
                proposal = proposed_policy(options["policy"])
                result = training.backtest_policy(Actor.command(), proposal, start, end)
            except (PolicyError, DomainError) as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            f"{start:%Y-%m-%d} to {end:%Y-%m-%d}: {result.declarations:,} declarations; the "
            f"proposal's thresholds set on the scores of {result.calibrated_on:,} before; "
            f"{result.changed:,} would change channel."
        )
        self.stdout.write(
            "\npolicy               green  yellow    red   blue selected  inspected  findings"
            "   rate       revenue  busiest office-day"
        )
        for name, p in (("active", result.current), ("proposed", result.proposed)):
            c, busiest = p.channels, p.busiest
            where = (
                f"{busiest['office']} {busiest['day']} ({busiest['selected']})" if busiest else "–"
            )
            self.stdout.write(
                f"{name:<9}{p.version:<15} {c['green']:>6,} {c['yellow']:>7,} {c['red']:>6,} "
                f"{c['blue']:>6,} {p.selected:>8,} {p.inspected:>10,} {p.findings:>9,} "
                f"{_percent(p.finding_rate):>6} {p.revenue:>13,.2f}  {where}"
            )
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), default=str))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"

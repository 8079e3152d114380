"""A submission's cost as one profile's hits grow from a thousand to a million.

    python benchmarks/figures_growth.py [--postgres URL] [--sizes 1000 10000 100000 1000000]
                                        [--submissions 200]

Makes a scratch PostgreSQL database (a name of its own, dropped afterwards), imports a small
synthetic history, trains a model on it, and activates one mandatory profile that every
benchmark declaration hits (its importer). Then, for each size, grows the profile's hits to
that many declarations of that same importer, a third of them inspected (rows written straight
into the tables: declarations, outcomes, decisions, hits, and the figures' own records), and
times, through the use cases the API calls, submissions that hit the profile and outcomes
recorded on them (which change the importer's and the profile's figures). Prints the median
and p90 of each, and their ratio to the smallest size: flat means the cost does not grow with
the history."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload  # the machine() line, the flat file and the scratch database

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
IMPORTER = "IMP-GROWTH"
START = datetime(2025, 6, 1, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="portcullis-growth-"))
    scratch = workload.configure_scratch(data_dir, options.postgres, "growth")
    assert scratch is not None
    try:
        _run(options, data_dir)
    finally:
        if not options.keep:
            from django.db import connection

            connection.close()
            scratch.drop()


def _run(options: argparse.Namespace, data_dir: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Machine: {workload.machine()}")
    print(f"Database: PostgreSQL {connection.cursor().connection.info.server_version}")
    call_command("migrate", interactive=False, verbosity=0)
    ids = _set_up(data_dir)
    print(
        f"\nOne mandatory profile; each submission hits it, each outcome changes the figures of "
        f"its importer and the profile ({options.submissions} of each per size)\n"
    )
    print(f"{'hits':>10} {'submission p50':>15} {'p90':>8} {'outcome p50':>12} {'p90':>8}")
    _measure(20, 0)  # warm-up: the serving engine built, the first queries planned
    base: tuple[float, float] | None = None
    grown = 0
    for size in sorted(options.sizes):
        _grow(ids, grown, size)
        grown = size
        submit_ms, record_ms = _measure(options.submissions, size)
        s50, r50 = statistics.median(submit_ms), statistics.median(record_ms)
        base = base or (s50, r50)
        print(
            f"{size:>10,} {s50:>12.2f} ms {_p90(submit_ms):>5.2f} ms {r50:>9.2f} ms "
            f"{_p90(record_ms):>5.2f} ms   ({s50 / base[0]:.2f}× and {r50 / base[1]:.2f}× "
            f"the first)",
            flush=True,
        )
    _check_figures()


def _check_figures() -> None:
    """The figures kept by the submissions and outcomes agree with counting them again."""
    from django.db import transaction

    from portcullis.web.profiles.models import Profile
    from portcullis.web.traders.models import Trader

    try:
        from portcullis.web.profiles.figures import recount_profile_figures
        from portcullis.web.traders.figures import recount_trader_figures
    except ImportError:
        return  # code from before the figures were kept by differences
    profile_fields = ("pk", "hits", "inspected", "findings", "revenue", "last_finding_lodged_at")
    trader_fields = ("pk", "inspected", "findings", "revenue", "last_finding_lodged_at")
    kept = (
        list(Profile.objects.order_by("pk").values_list(*profile_fields)),
        list(Trader.objects.order_by("pk").values_list(*trader_fields)),
    )
    with transaction.atomic():
        recount_profile_figures()
        recount_trader_figures()
        counted = (
            list(Profile.objects.order_by("pk").values_list(*profile_fields)),
            list(Trader.objects.order_by("pk").values_list(*trader_fields)),
        )
        transaction.set_rollback(True)
    print(f"\nFigures kept agree with a recount: {'yes' if kept == counted else 'NO'}")


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _set_up(data_dir: Path) -> dict[str, int]:
    """History, model, the profile; the ids the fabricated rows refer to."""
    from portcullis.engine.model.training import TrainingSettings
    from portcullis.engine.synthetic import SyntheticSettings, generate
    from portcullis.web.accounts.roles import Role, ensure_role_groups, give_role
    from portcullis.web.declarations.models import Declaration
    from portcullis.web.profiles.models import Profile
    from portcullis.web.reference.loading import load_reference
    from portcullis.web.scoring.models import Decision
    from portcullis.web.scoring.training import train_from_history
    from portcullis.web.traders.models import Trader
    from portcullis.web.usecases import profiles
    from portcullis.web.usecases.actor import Actor
    from portcullis.web.usecases.importing import import_file

    load_reference()
    flow = generate(SyntheticSettings(declarations=3_000, start=date(2025, 1, 1), days=120))
    path = workload.flat_file(flow, data_dir / "history.parquet")
    imported = import_file(Actor.system(), path, "parquet")
    if imported.failed:
        raise SystemExit(f"the import failed: {imported.batch.message}")
    train_from_history(None, activate=True, settings=TrainingSettings(max_rounds=30))
    from django.contrib.auth.models import User

    groups = ensure_role_groups()
    people = {}
    for name, role in (("analyst", Role.ANALYST), ("supervisor", Role.SUPERVISOR)):
        people[name] = User.objects.create_user(name, password=None)
        give_role(people[name], role, groups)
    analyst = Actor.person(people["analyst"])
    draft = profiles.create_profile(
        analyst,
        "Growth",
        criteria=f'importer == "{IMPORTER}"',
        mandatory=True,
        channel="red",
    )
    code = draft.profile.code
    profiles.submit(analyst, code, 1)
    version = profiles.approve(Actor.person(people["supervisor"]), code, 1)
    # One declaration through the front door makes the importer, its declarant and office.
    _submit("GROWTH-SEED", START)
    seed = Declaration.objects.get(declaration_id="GROWTH-SEED")
    decision = Decision.objects.filter(declaration=seed).latest("pk")
    return {
        "office": seed.office_id,
        "importer": Trader.objects.get(role="importer", code=IMPORTER).pk,
        "declarant": seed.declarant_id,
        "profile": Profile.objects.get(code=code).pk,
        "version": version.pk,
        "policy": decision.policy_version_id,
        "profile_set": decision.profile_set_id,
    }


def _declaration(declaration_id: str, lodged_at: datetime) -> dict[str, Any]:
    return {
        "declaration_id": declaration_id,
        "lodged_at": lodged_at.isoformat(),
        "office": "10",
        "declarant": "DCL00001",
        "importer": IMPORTER,
        "country_of_departure": "CN",
        "items": [
            {
                "hs_code": "851713",
                "origin_country": "CN",
                "net_mass_kg": "12.5",
                "customs_value": "1250.00",
                "currency": "KRW",
                "tax_rate": "8",
            }
        ],
    }


def _submit(declaration_id: str, lodged_at: datetime) -> Any:
    from portcullis.web.usecases.actor import Actor
    from portcullis.web.usecases.declarations import submit

    (result,) = submit(Actor.system(), [_declaration(declaration_id, lodged_at)])
    assert result.decision is not None, result.problems
    return result


def _measure(count: int, size: int) -> tuple[list[float], list[float]]:
    from portcullis.web.usecases.actor import Actor
    from portcullis.web.usecases.inspections import record_outcome

    submitted, recorded = [], []
    for number in range(count):
        declaration_id = f"GROWTH-{size}-{number}"
        lodged_at = datetime.now(UTC)  # as a live submission is: after every known outcome
        clock = time.perf_counter()
        result = _submit(declaration_id, lodged_at)
        submitted.append((time.perf_counter() - clock) * 1000)
        assert result.decision.channel == "red", result.decision.channel
        outcome = {"finding": number % 2 == 0, "finding_type": "undervaluation"}
        if not outcome["finding"]:
            del outcome["finding_type"]
        clock = time.perf_counter()
        record_outcome(Actor.system(), declaration_id, outcome)
        recorded.append((time.perf_counter() - clock) * 1000)
    return submitted, recorded


def _grow(ids: dict[str, int], start: int, end: int) -> None:
    """Declarations ``start`` to ``end`` of the importer, each hit by the profile, a third of
    them inspected: written as the use cases would have left them."""
    from django.apps import apps
    from django.db import connection

    count = end - start
    if count <= 0:
        return
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM declarations_declaration")
        (first,) = cursor.fetchone()
        n = "g.n"
        _insert(
            cursor,
            "declarations.Declaration",
            f"generate_series({start + 1}, {end}) AS g(n)",
            {
                "declaration_id": f"'G-' || {n}",
                "lodged_at": f"'{START.isoformat()}'::timestamptz + {n} * interval '20 seconds'",
                "office_id": str(ids["office"]),
                "declarant_id": str(ids["declarant"]),
                "importer_id": str(ids["importer"]),
                "hs_edition": "'HS2022'",
                "content_hash": "md5(" + n + "::text) || md5(" + n + "::text)",
                "source": "'file'",
                "received_at": "now()",
                "version": "1",
            },
        )
        fresh = f"declarations_declaration d WHERE d.id > {first}"
        _insert(
            cursor,
            "inspections.Inspection",
            f"{fresh} AND d.id % 3 = 0",
            {
                "declaration_id": "d.id",
                "finding": "d.id % 6 = 0",
                "critical": "false",
                "revenue": "CASE WHEN d.id % 6 = 0 THEN 1000 END",
                "source": "'imported'",
                "recorded_at": "now()",
            },
        )
        _insert(
            cursor,
            "scoring.Decision",
            fresh,
            {
                "declaration_id": "d.id",
                "channel": "'red'",
                "reason": "'mandatory_profile'",
                "policy_version_id": str(ids["policy"]),
                "profile_set_id": str(ids["profile_set"]),
                "source": "'file'",
                "assessed_at": "now()",
                "declaration_version": "1",
            },
        )
        _insert(
            cursor,
            "scoring.ProfileHit",
            f"scoring_decision c WHERE c.declaration_id > {first}",
            {
                "decision_id": "c.id",
                "profile_version_id": str(ids["version"]),
                "line_no": "1",
                "selected": "true",
            },
        )
        tables = {model._meta.label for model in apps.get_models()}
        if "profiles.ProfileDeclaration" in tables:  # the figures' own records, where kept
            _insert(
                cursor,
                "profiles.ProfileDeclaration",
                fresh,
                {
                    "profile_id": str(ids["profile"]),
                    "declaration_id": "d.id",
                    "lodged_at": "d.lodged_at",
                },
            )
            _insert(
                cursor,
                "inspections.CountedOutcome",
                "inspections_inspection i JOIN declarations_declaration d "
                f"ON d.id = i.declaration_id WHERE d.id > {first}",
                {
                    "declaration_id": "d.id",
                    "importer_id": "d.importer_id",
                    "declarant_id": "d.declarant_id",
                    "lodged_at": "d.lodged_at",
                    "finding": "i.finding",
                    "revenue": "COALESCE(i.revenue, 0)",
                },
            )
        # The stored figures, as the grown rows add them.
        cursor.execute(
            "UPDATE profiles_profile SET hits = hits + %(count)s, "
            "inspected = inspected + %(inspected)s, findings = findings + %(found)s, "
            "revenue = revenue + 1000 * %(found)s WHERE id = %(profile)s",
            {"count": count, "inspected": _inspected(start, end, first, 3),
             "found": _inspected(start, end, first, 6), "profile": ids["profile"]},
        )  # fmt: skip
        for trader in (ids["importer"], ids["declarant"]):
            cursor.execute(
                "UPDATE traders_trader SET inspected = inspected + %(inspected)s, "
                "findings = findings + %(found)s, revenue = revenue + 1000 * %(found)s "
                "WHERE id = %(trader)s",
                {"inspected": _inspected(start, end, first, 3),
                 "found": _inspected(start, end, first, 6), "trader": trader},
            )  # fmt: skip
        cursor.execute("ANALYZE")
    print(f"  (grown to {end:,} hits in {time.perf_counter() - clock:.0f} s)", flush=True)


def _inspected(start: int, end: int, first: int, every: int) -> int:
    """Of ids first+1 .. first+(end-start): how many are multiples of ``every``."""
    last = first + end - start
    return last // every - first // every


def _insert(cursor: Any, label: str, source: str, values: dict[str, str]) -> None:
    """INSERT … SELECT of ``values`` (SQL expressions by column) from ``source``; every other
    column takes what Django stores for "not given" (NULL, "", its default)."""
    from django.apps import apps

    model = apps.get_model(label)
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in values:
            expression = values[column]
        elif field.primary_key:
            continue
        elif field.null:
            expression = "NULL"
        elif field.has_default():
            expression = _literal(field.get_default())
        else:
            expression = "''"
        columns.append(column)
        expressions.append(expression)
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source}"
    )


def _literal(value: Any) -> str:
    """A model default as SQL (the benchmark's own models: no user text)."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return "'" + json.dumps(value) + "'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


if __name__ == "__main__":
    main()

"""Server time of every page with 100,000 declarations in the database.

    python benchmarks/pages.py [--declarations 100000] [--postgres URL] [--runs 15] [--keep]

Builds a scratch database (SQLite in a temporary folder, or a scratch PostgreSQL database
with --postgres): reference data, synthetic declarations over 120 days with recorded outcomes
for a tenth of them (engine.synthetic), a model trained on them, every declaration
assessed, the demo's sample profiles and watchlist, and one user per role (the officer posted
to two offices). Then each page is requested through Django's test client, in process (the
time is the server's: URL routing, views, queries, templates; no network, no browser), as
the role that works with it: the median and 95th percentile of --runs requests after one
warm-up, and the number of SQL queries. The goal is < 300 ms."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload  # the machine() line

GOAL_MS = 300


def _populate(count: int, data_dir: Path) -> dict[str, object]:
    import polars as pl
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from portcullis.engine.synthetic import SyntheticSettings, generate
    from portcullis.web.accounts.models import Account
    from portcullis.web.accounts.roles import Role, ensure_role_groups, give_role
    from portcullis.web.cli.demo.risk import ensure_sample_profiles, ensure_sample_watchlist
    from portcullis.web.cli.kit import progress_bar
    from portcullis.web.reference.loading import load_reference
    from portcullis.web.reference.models import Office
    from portcullis.web.scoring.assessing import assess_and_store
    from portcullis.web.scoring.engine import build_engine
    from portcullis.web.scoring.history import stored_items
    from portcullis.web.scoring.models import Decision
    from portcullis.web.scoring.training import train_from_history
    from portcullis.web.usecases.actor import Actor
    from portcullis.web.usecases.importing import import_file

    call_command("migrate", interactive=False, verbosity=0)
    load_reference()
    users = {}
    groups = ensure_role_groups()
    model = get_user_model()
    for name, role in [("admin", None), *((r.name.lower(), r) for r in Role)]:
        users[name] = model.objects.create_user(name)  # force_login later: no password
        give_role(users[name], role, groups)

    flow = generate(
        SyntheticSettings(
            declarations=count, seed=5, start=date(2025, 1, 1), days=120, inspected_share=0.1
        )
    )
    path = workload.flat_file(flow, data_dir / "flow.parquet")
    started = time.perf_counter()
    with progress_bar("importing", unit="item") as bar:
        result = import_file(Actor.system(), path, "parquet", progress=bar)
    if result.failed or not result.batch.stored:
        raise SystemExit(f"the import failed: {result.batch.message}")
    print(f"Imported {result.batch.stored:,} declarations in {time.perf_counter() - started:.0f} s")
    train_from_history(None, activate=True)
    ensure_sample_profiles()
    ensure_sample_watchlist()
    with progress_bar("assessing", unit="item") as bar:
        assess_and_store(stored_items(), build_engine(), Decision.Source.FILE, bar)
    offices = list(Office.objects.order_by("code").values_list("pk", flat=True)[:2])
    Account.objects.create(user=users["officer"]).offices.set(offices)
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them on a server in use (right after a
        # bulk load they still describe empty tables, and plans are wrong).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"rows": pl.scan_parquet(path).select(pl.len()).collect().item()}


def _pages() -> list[tuple[str, str, str]]:
    from django.db.models import Count

    from portcullis.web.declarations.models import Declaration
    from portcullis.web.profiles.models import Profile
    from portcullis.web.scoring.queries import current_decisions

    officer_office = (
        Declaration.objects.order_by("office__code").values_list("office__code", flat=True).first()
    )
    selected = (
        current_decisions()
        .exclude(channel="green")
        .filter(office__code=officer_office)
        .values_list("declaration__declaration_id", flat=True)
        .first()
    )
    busiest = (
        Declaration.objects.values("importer__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("importer__code", flat=True)
        .first()
    )
    profile = Profile.objects.order_by("code").values_list("code", flat=True).first()
    return [
        ("dashboard", "admin", "/dashboard/"),
        ("dashboard (officer, 2 offices)", "officer", "/dashboard/"),
        ("worklist", "officer", "/worklist/"),
        ("worklist sorted by risk", "supervisor", "/worklist/?sort=risk"),
        ("declaration", "officer", f"/declarations/{selected}/"),
        ("inspection form", "officer", f"/declarations/{selected}/inspection/"),
        ("profiles", "analyst", "/profiles/"),
        ("profile", "analyst", f"/profiles/{profile}/"),
        ("new profile", "analyst", "/profiles/new/"),
        ("watchlist", "analyst", "/watchlist/"),
        ("trader (busiest importer)", "analyst", f"/traders/importer/{busiest}/"),
        ("models", "analyst", "/models/"),
        ("audit trail", "auditor", "/audit/"),
    ]


def _measure(runs: int) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Client] = {}
    rows = []
    for name, role, url in _pages():
        if role not in clients:
            clients[role] = Client(HTTP_HOST="localhost")
            clients[role].force_login(get_user_model().objects.get(username=role))
        client = clients[role]
        assert client.get(url).status_code == 200, url  # warm-up (per-process caches)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append((name, statistics.median(times), p95, len(queries)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is made)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch data folder and database"
    )
    arguments = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="portcullis-pages-"))
    scratch = workload.configure_scratch(data_dir, arguments.postgres, "pages")
    import django

    django.setup()
    from django.db import connection

    print(f"Machine: {workload.machine()}")
    print(f"Database: {connection.vendor}; data in {data_dir}")
    _populate(arguments.declarations, data_dir)
    from portcullis.web.declarations.models import Declaration, Item
    from portcullis.web.scoring.models import Decision

    print(
        f"Database holds {Declaration.objects.count():,} declarations, "
        f"{Item.objects.count():,} items, {Decision.objects.count():,} decisions\n"
    )
    print(f"{'page':<32} {'median':>9} {'p95':>9} {'queries':>8}")
    worst = 0.0
    for name, median, p95, queries in _measure(arguments.runs):
        worst = max(worst, p95)
        print(f"{name:<32} {median:>7.0f} ms {p95:>6.0f} ms {queries:>8}")
    verdict = "within" if worst < GOAL_MS else "OVER"
    print(f"\nSlowest p95: {worst:.0f} ms, {verdict} the {GOAL_MS} ms goal")
    if not arguments.keep:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
        if scratch is not None:
            connection.close()
            scratch.drop()


if __name__ == "__main__":
    main()

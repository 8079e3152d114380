"""The workload the assessment benchmarks share: a year of synthetic history with outcomes, a
model trained on it, a million new items to assess, and profile sets of any size.

Prepared once into a folder (``--workdir``, default ``var/benchmark``) and reused: generating
and training take a few minutes, and are not what is measured.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.channels import Channel
from portcullis.engine.conversion import RateBook, to_national
from portcullis.engine.features import FeatureContext, build_features, default_catalogue
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.model.artifact import ModelArtifact
from portcullis.engine.model.training import TrainingSettings, train_model
from portcullis.engine.rates import ecb_rates
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.selectivity import Policy, SelectionSeed, calibrate
from portcullis.engine.synthetic import SyntheticSettings, generate
from portcullis.engine.watchlist import WatchKind, Watchlist, WatchlistEntry

ROOT = Path(__file__).resolve().parent.parent
# The workload has the real world's variety (several currencies at the ECB's rates, national
# lines, declared rates): a folder of its own, apart from the earlier dollar-only workload.
DEFAULT_WORKDIR = ROOT / "var" / "benchmark-currencies"
NATIONAL = "KRW"
# Same trader and goods populations (same size), the history a year before what is assessed.
HISTORY = SyntheticSettings(declarations=400_000, seed=11, start=date(2024, 1, 1), days=365)
# New declarations start after the last history outcome is known (outcomes arrive up to three
# days after lodging), as in live assessment.
NEW = replace(HISTORY, seed=12, start=date(2025, 1, 5), days=30, inspected_share=0.0)
TRAIN_ON = 120_000  # declarations of the history the model is trained on (the latest)
SEED = SelectionSeed(b"benchmark-seed-not-a-secret")


@dataclass(frozen=True)
class ScratchDatabase:
    """A PostgreSQL database this run made, under a name no one else uses; ``drop`` drops it
    and nothing else (a benchmark never drops or overwrites a database it did not make)."""

    server: str  # the server's URL, naming a database to connect to for CREATE and DROP
    name: str

    @property
    def url(self) -> str:
        return f"{self.server.rsplit('/', 1)[0]}/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def scratch_database(server: str, purpose: str) -> ScratchDatabase:
    """A new, empty database on ``server`` named for ``purpose``, this process and a random
    part; CREATE fails rather than reuse one that exists."""
    import secrets

    import psycopg

    name = f"portcullis_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return ScratchDatabase(server, name)


def configure_scratch(data_dir: Path, postgres: str | None, purpose: str) -> ScratchDatabase | None:
    """Point Django at a scratch installation before it starts: a SQLite file in
    ``data_dir``, or, given a PostgreSQL server URL, a database made for this run (the caller
    drops it)."""
    os.environ["PORTCULLIS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portcullis.web.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not postgres:
        os.environ.pop("DATABASE_URL", None)
        return None
    scratch = scratch_database(postgres, purpose)
    os.environ["DATABASE_URL"] = scratch.url
    return scratch


def flat_file(flow: pl.DataFrame, path: Path) -> Path:
    """A synthetic item frame written as the flat layout `portcullis import` reads: outcome
    fields named outcome_* (an item with no outcome has none at all), and amounts as
    decimals (the generator's float arithmetic leaves values such as 14.883999999999999,
    which validation rightly refuses as having too many decimals)."""
    unknown = pl.col("finding").is_null()
    decimals = {
        "net_mass_kg": 3, "quantity": 3, "customs_value": 2, "duty": 2, "tax_rate": 3,
        "declared_rate": 6,
    }  # fmt: skip
    flow = flow.with_columns(
        pl.col(name).round(places).cast(pl.Decimal(18, places)) for name, places in decimals.items()
    ).with_columns(pl.col("additional_duties").round(2).cast(pl.Decimal(18, 2)))
    flow.with_columns(
        pl.when(unknown).then(None).otherwise(pl.col("critical")).alias("critical"),
        pl.when(unknown).then(None).otherwise(pl.col("known_at")).alias("inspected_at"),
    ).drop("known_at", "invoice_value", "rate_applied").rename(
        {"declared_rate": "exchange_rate"}
    ).rename(
        {
            name: f"outcome_{name}"
            for name in ("finding", "finding_type", "critical", "additional_duties", "inspected_at")
        }
    ).write_parquet(path)
    return path


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpus} CPU {model}{memory}, {system}, Python {platform.python_version()}"


def prepare(workdir: Path) -> None:
    """Generate the history and new items, train and save the model (once)."""
    if (workdir / "ready").exists():
        return
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    book = rate_book()
    history = to_national(generate(replace(HISTORY, rates=book)), book)
    history.write_parquet(workdir / "history.parquet")
    generate(replace(NEW, rates=book)).write_parquet(workdir / "new.parquet")  # as declared
    derived = add_derived(history)
    prices = ReferencePrices.fit(derived)
    context = FeatureContext(prices, ComplianceHistory(derived))
    latest = history.get_column("declaration_id").unique(maintain_order=True).tail(TRAIN_ON)
    recent = history.filter(pl.col("declaration_id").is_in(latest.implode()))
    features = build_features(recent, context).polars()
    model = train_model(features, prices, TrainingSettings())
    model.save(workdir / "model")
    (workdir / "ready").write_text(
        json.dumps({"seconds": round(time.perf_counter() - started, 1), "model": model.version})
    )


@functools.cache
def rate_book() -> RateBook:
    """The ECB's rates to the won, as the demo loads them: the engine converts every new
    item with them while it assesses (what is measured)."""
    return RateBook(NATIONAL, ecb_rates(NATIONAL))


def dollar_in_won() -> float:
    return float(rate_book().rate("USD", NEW.start) or 1.0)


def load_items(workdir: Path, name: str = "new", columns: list[str] | None = None) -> pl.DataFrame:
    return pl.read_parquet(workdir / f"{name}.parquet", columns=columns)


# What a compliance history is built from (the rest of a history stays on disk).
HISTORY_COLUMNS = [
    "declaration_id", "lodged_at", "office", "declarant", "importer", "seller", "courier",
    "country_of_departure", "hs_code", "origin_country", "tax_type", "customs_value",
    "net_mass_kg", "finding", "known_at", "declared_rate", "rate_applied",
]  # fmt: skip


def profiles(count: int, items: pl.DataFrame, seed: int = 7, scale: float = 1.0) -> list[Profile]:
    """``count`` profiles like analysts write: mostly anchored on goods, origins or traders,
    with a value, history or newcomer condition; a few with no anchor at all. Amounts are
    written in dollars and multiplied by ``scale`` (national currency per dollar)."""
    rng = np.random.default_rng(seed)
    sample = items.sample(n=min(20_000, items.height), seed=seed)
    codes = sample.get_column("hs_code").to_list()
    origins = sample.get_column("origin_country").to_list()
    importers = sample.get_column("importer").to_list()
    sellers = [s for s in sample.get_column("seller").to_list() if s]
    # Narrow conditions: an analyst's profile selects a small share of what it looks at.
    conditions = [
        "value_ratio < {r}",
        "customs_value > {v}",
        "importer_finding_rate > {f}",
        "is_new_importer and declaration_value > {v}",
        "valuation_z < -{z}",
        "hs6_origin_finding_rate > {f} and value_ratio < {r}",
    ]
    made = []
    for number in range(count):
        draw = rng.random()
        condition = str(rng.choice(conditions)).format(
            r=round(rng.uniform(0.1, 0.3), 2),
            v=int(rng.choice([200_000, 500_000, 1_000_000]) * scale),
            f=round(rng.uniform(0.3, 0.6), 2),
            z=round(rng.uniform(2.5, 4.0), 1),
        )
        if draw < 0.55:
            code = codes[rng.integers(len(codes))]
            prefix = code[: int(rng.choice([4, 6]))]
            origin_list = ", ".join(f'"{o}"' for o in rng.choice(origins, 2))
            criteria = (
                f'hs_code startswith "{prefix}" and origin_country in [{origin_list}] '
                f"and ({condition})"
            )
        elif draw < 0.75:
            origin = origins[rng.integers(len(origins))]
            chapter = codes[rng.integers(len(codes))][:2]
            criteria = (
                f'origin_country == "{origin}" and hs_chapter == "{chapter}" and ({condition})'
            )
        elif draw < 0.88:
            criteria = f'importer == "{importers[rng.integers(len(importers))]}" and ({condition})'
        elif draw < 0.98:
            seller = sellers[rng.integers(len(sellers))]
            criteria = f'seller == "{seller}" and customs_value > {int(1000 * scale)}'
        else:
            criteria = (
                f"valuation_z < -{round(rng.uniform(4, 6), 1)} and importer_finding_rate > 0.2"
            )
        mandatory = rng.random() < 0.1
        made.append(
            Profile(
                f"BP{number:04d}",
                1,
                criteria,
                weight=round(float(rng.uniform(0.1, 0.6)), 2),
                mandatory=mandatory,
                channel=Channel.RED if rng.random() < 0.5 else Channel.YELLOW,
                selection_pct=float(rng.choice([100, 50, 20])) if mandatory else 100.0,
            )
        )
    return made


@dataclass
class Prepared:
    engine: RiskEngine
    items: pl.DataFrame
    setup_seconds: float


def engine(workdir: Path, profile_count: int, items: pl.DataFrame | None = None) -> Prepared:
    """A risk engine over the prepared history with ``profile_count`` profiles, calibrated
    to select about 3 % RED, 2 % YELLOW and 2 % BLUE by risk."""
    started = time.perf_counter()
    history = load_items(workdir, "history", HISTORY_COLUMNS)
    items = load_items(workdir) if items is None else items
    model = ModelArtifact.load(workdir / "model")
    catalogue = default_catalogue()
    watchlist = Watchlist(
        [
            WatchlistEntry(f"W{i}", WatchKind.SELLER, seller, "benchmark entry", 0.3)
            for i, seller in enumerate(
                history.get_column("seller").drop_nulls().unique().sort().head(200).to_list()
            )
        ]
    )
    aeo = frozenset(history.get_column("importer").unique().sort().head(300).to_list())
    context = FeatureContext(
        model.prices, ComplianceHistory(add_derived(history)), watchlist, aeo, rate_book()
    )
    del history
    risk = RiskEngine(
        catalogue,
        context,
        # Amounts in won, as the engine compares them: the same selectivity as in dollars.
        ProfileSet.compile(profiles(profile_count, items, scale=dollar_in_won()), catalogue),
        Policy(),
        SEED,
        model,
    )
    sample = items.head(60_000)
    scored = risk.assess(sample, explain="none").declarations
    risk.policy = calibrate(Policy(), scored.select("office", "risk_score"))
    return Prepared(risk, items, time.perf_counter() - started)

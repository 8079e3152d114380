"""The demo's world: the project's own synthetic declarations (engine.synthetic, with its
planted fraud, traders, offices and a year of outcomes), invoiced in several currencies at
the ECB's rates, written as canonical flat files and imported like any other file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from portcullis.engine.conversion import RateBook
from portcullis.engine.synthetic import SyntheticSettings, generate

# A year of history to learn from, then a quarter streamed through the engine; one world.
POPULATION = 15_000
HISTORY = SyntheticSettings(
    declarations=12_000, start=date(2025, 1, 1), days=365, seed=1, population=POPULATION
)
STREAM = SyntheticSettings(
    declarations=3_000, start=date(2026, 1, 1), days=90, seed=2, population=POPULATION
)


@dataclass(frozen=True)
class WorldFile:
    name: str
    path: Path


def _text(values: pl.Series, places: int) -> pl.Series:
    """Amounts as the decimal text a declaration carries (never a float's repr)."""
    return pl.Series(
        values.name,
        [None if v is None else f"{v:.{places}f}" for v in values.to_list()],
        dtype=pl.String,
    )


def flat_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """An item frame as the canonical flat layout (docs/formats.md): amounts as declared."""
    return frame.select(
        "declaration_id",
        pl.col("lodged_at").dt.strftime("%Y-%m-%dT%H:%M:%S%:z"),
        "office", "procedure", "process_type", "import_use", "payment_type",
        "transport_mode", "declarant", "importer", "seller", "courier",
        "importer_name", "seller_name", "country_of_departure",
        _text(frame.get_column("declared_rate").alias("exchange_rate"), 6),
        "line_no", "hs_code", "additional_codes", "description", "origin_country",
        "origin_indicator",
        _text(frame.get_column("net_mass_kg"), 3),
        _text(frame.get_column("quantity"), 3),
        "quantity_unit",
        _text(frame.get_column("invoice_value").alias("customs_value"), 2),
        "currency", "tax_type",
        _text(frame.get_column("tax_rate"), 3),
        _text(frame.get_column("duty"), 2),
        pl.col("finding").alias("outcome_finding"),
        pl.col("finding_type").alias("outcome_finding_type"),
        pl.col("critical").alias("outcome_critical"),
        _text(frame.get_column("additional_duties").alias("outcome_additional_duties"), 2),
        pl.col("known_at").dt.strftime("%Y-%m-%dT%H:%M:%S%:z").alias("outcome_inspected_at"),
    )  # fmt: skip


def write_world(folder: Path, book: RateBook) -> tuple[WorldFile, WorldFile]:
    """The history and the stream as CSV files in ``folder`` (made again each time: the same
    settings give the same rows, so a second import stores nothing)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for name, settings in (("history-2025.csv", HISTORY), ("stream-2026q1.csv", STREAM)):
        frame = generate(_with_rates(settings, book))
        path = folder / name
        flat_rows(frame).write_csv(path)
        path.chmod(0o600)
        written.append(WorldFile(name, path))
    return written[0], written[1]


def _with_rates(settings: SyntheticSettings, book: RateBook) -> SyntheticSettings:
    from dataclasses import replace

    return replace(settings, rates=book)

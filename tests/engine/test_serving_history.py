"""A serving process's history (kept by key from an instant on, then added to) gives exactly
the figures of the whole history, for every declaration lodged from that instant on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import polars as pl
import pytest

from portcullis.engine.features import Features, lookup, totals
from portcullis.engine.features.compliance import BeforeReach, ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.lookup import KeyedTable, SortedIndex
from portcullis.engine.items import declaration_starts
from portcullis.engine.synthetic import SyntheticSettings, generate

WORLD = SyntheticSettings(declarations=3_000, seed=5, start=date(2025, 1, 1), days=150)


@cache
def _history() -> pl.DataFrame:
    return add_derived(generate(WORLD))


def _end(frame: pl.DataFrame) -> datetime:
    latest = frame.select(pl.max_horizontal(pl.col("lodged_at").max(), pl.col("known_at").max()))
    return latest.item()  # type: ignore[no-any-return]


def _new(start: date, seed: int, declarations: int = 150) -> pl.DataFrame:
    """Declarations of the same world (same traders and goods), no outcome known."""
    flow = SyntheticSettings(
        declarations=declarations,
        seed=seed,
        start=start,
        days=10,
        population=WORLD.declarations,
        inspected_share=0.0,
    )
    return add_derived(generate(flow))


def _figures(history: ComplianceHistory, items: pl.DataFrame) -> dict[str, list[Any]]:
    features = Features(items, history.fields(items, declaration_starts(items)))
    return {name: features.series(name).to_list() for name in features.columns}


def _same(kept: ComplianceHistory, whole: ComplianceHistory, items: pl.DataFrame) -> None:
    mine, theirs = _figures(kept, items), _figures(whole, items)
    assert mine.keys() == theirs.keys()
    for name, values in theirs.items():
        assert mine[name] == values, name


def _same_one_by_one(
    kept: ComplianceHistory, whole: ComplianceHistory, items: pl.DataFrame, count: int
) -> None:
    """The first ``count`` declarations of ``items``, each by the one-declaration path."""
    for one in items.partition_by("declaration_id", maintain_order=True)[:count]:
        rows_kept, rows_whole = one.to_dicts(), one.to_dicts()
        kept.one(rows_kept)
        whole.one(rows_whole)
        assert rows_kept == rows_whole


def test_kept_from_an_instant_on_it_gives_the_whole_historys_figures() -> None:
    history = _history()
    since = _end(history) - timedelta(days=20)
    kept = ComplianceHistory(history, since=since)
    whole = ComplianceHistory(history)
    assert kept.tallies.size() < whole.tallies.size() / 2
    # After all of history (the latest totals) and within its last days (point in time).
    later = _new((_end(history) + timedelta(days=1)).date(), seed=21)
    within = _new((since + timedelta(days=1)).date(), seed=22)
    _same(kept, whole, later)
    _same(kept, whole, within)
    for one in later.partition_by("declaration_id", maintain_order=True)[:20]:
        _same(kept, whole, one)
        rows_kept, rows_whole = one.to_dicts(), one.to_dicts()
        kept.one(rows_kept)
        whole.one(rows_whole)
        assert rows_kept == rows_whole


def test_a_declaration_before_the_instant_is_refused_not_misjudged() -> None:
    history = _history()
    since = _end(history) - timedelta(days=20)
    early = _new((since - timedelta(days=15)).date(), seed=23)
    with pytest.raises(BeforeReach, match="assessed with the whole history"):
        ComplianceHistory(history, since=since).fields(early)


def test_declarations_and_outcomes_added_later_count_as_if_read_with_history() -> None:
    """Cut history at an instant: what was lodged before it, with the outcomes known by then,
    kept from a few weeks before; then the declarations lodged after, and the outcomes of the
    earlier ones that became known after, added."""
    history = _history()
    cut = _end(history) - timedelta(days=12)
    before = history.filter(pl.col("lodged_at") < cut)
    unknown = pl.col("known_at") > cut
    first = before.with_columns(
        pl.when(unknown).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("finding", "finding_type", "critical", "additional_duties", "known_at")
    )
    late_outcomes = before.filter(pl.col("declaration_id").is_in(
        before.filter(unknown).get_column("declaration_id").unique().implode()
    ))  # fmt: skip
    added = history.filter(pl.col("lodged_at") >= cut)
    assert late_outcomes.height
    assert added.height

    kept = ComplianceHistory(first, since=cut - timedelta(days=10)).plus(added, late_outcomes)
    whole = ComplianceHistory(history)
    later = _new((_end(history) + timedelta(days=1)).date(), seed=24)
    _same(kept, whole, later)  # the latest totals, added to
    _same(kept, whole, _new((cut + timedelta(days=2)).date(), seed=26))  # point in time
    _same_one_by_one(kept, whole, later, 20)
    assert (kept.outcomes, kept.findings) == (whole.outcomes, whole.findings)
    assert kept.latest_lodged == whole.latest_lodged


def test_changed_keys_folded_into_their_table_give_the_same_figures(monkeypatch) -> None:
    """A serving process up for days changes a good part of a table's keys: once they are
    many they are folded into a new table, which answers as the table and its changed keys
    did."""
    monkeypatch.setattr(totals, "FOLD_AT", 1)
    history = _history()
    cut = _end(history) - timedelta(days=12)
    first = ComplianceHistory(history.filter(pl.col("lodged_at") < cut), since=cut)
    kept = first.plus(history.filter(pl.col("lodged_at") >= cut).pipe(_without_outcomes))
    folded = [k for k, table in kept._totals.items() if table.base is not first._totals[k].base]
    assert ("importer",) in folded  # an eighth of the importers declared again
    assert all(not kept._totals[keys].changed for keys in folded)
    cut_whole = ComplianceHistory(
        pl.concat([
            history.filter(pl.col("lodged_at") < cut),
            history.filter(pl.col("lodged_at") >= cut).pipe(_without_outcomes),
        ])
    )  # fmt: skip
    later = _new((_end(history) + timedelta(days=1)).date(), seed=27)
    _same(kept, cut_whole, later)
    _same_one_by_one(kept, cut_whole, later, 20)


def _without_outcomes(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(None, dtype=frame.schema[c]).alias(c)
        for c in ("finding", "finding_type", "critical", "additional_duties", "known_at")
    )


def test_a_large_table_of_traders_answers_as_its_dictionary_does() -> None:
    codes = ["IMP9", "IMP10", "Ünal Gıda", "imp9", "A", "IMP1"]
    table = KeyedTable(
        pl.DataFrame({"importer": codes, "_f": [1, None, 3, 4, 5, 6], "_n": [2.0, 3, 4, 5, 6, 7]}),
        ["importer"],
    )
    compact, plain = table.compact_index(above=0), table.index()
    assert isinstance(compact, SortedIndex)
    assert len(compact) == len(plain)
    for code in [*codes, "IMP", "IMP99", "", "Z", None, 7]:
        expected = plain.get(code)  # type: ignore[arg-type]
        found = compact.get(code)
        if expected is None:
            assert found is None, code
        else:
            assert found == tuple(0.0 if v is None else v for v in expected), code


def test_the_serving_history_with_its_traders_in_sorted_tables_gives_the_same_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lookup, "LARGE_TABLE", 0)
    history = _history()
    kept = ComplianceHistory(history, since=_end(history) - timedelta(days=20))
    kept._one_plan  # noqa: B018 (made now, with every trader table sorted)
    whole = ComplianceHistory(history)
    monkeypatch.undo()
    later = _new((_end(history) + timedelta(days=1)).date(), seed=25)
    _same_one_by_one(kept, whole, later, 30)
    assert any(isinstance(lookup.index, SortedIndex) for lookup in kept._one_plan[0])

    # Declarations added after: their traders' new counts read before the sorted tables.
    arrived, next_ones = later.head(200), _new((_end(history) + timedelta(days=12)).date(), 27)
    added = kept.plus(arrived)
    whole = ComplianceHistory(pl.concat([history, arrived], how="diagonal_relaxed"))
    _same(added, whole, next_ones)
    _same_one_by_one(added, whole, next_ones, 30)


def test_a_large_table_of_goods_by_origin_answers_as_its_dictionary_does() -> None:
    frame = pl.DataFrame(
        {"hs6": ["010121", "010121", "8703", None], "origin": ["CN", "KR", "CN", "CN"]}
    ).with_columns(pl.Series("_n", [1.0, 2.0, 3.0, 4.0]))
    table = KeyedTable(frame, ["hs6", "origin"])
    compact, plain = table.compact_index(above=0), table.index()
    assert isinstance(compact, SortedIndex)
    assert dict(plain) == {key: compact[key] for key in compact}
    for key in [("010121", "KR"), ("010121", "JP"), ("8703", None), ("0101", "21CN"), "x"]:
        assert compact.get(key) == plain.get(key), key
    # A code holding the separator cannot be told apart when joined: the dictionary it is.
    odd = KeyedTable(frame.with_columns(pl.lit("C\x1fN").alias("origin")), ["hs6", "origin"])
    assert not isinstance(odd.compact_index(above=0), SortedIndex)

"""Synthetic import declarations with known, planted fraud patterns, in any number.

For tests and benchmarks at scales no public data set reaches. Distributions are skewed the
way real flows are (a few offices, importers, goods and origins carry most declarations);
goods are real HS 2022 subheadings; values follow a per-subheading price level. Fraud is
planted by patterns a risk system should find, each with its own finding type:

- undervaluation by a small set of risky importers (value declared at 15-50 % of the price);
- risky origin × HS chapter pairs (misclassification and origin fraud);
- risky sellers (IPR and prohibited goods);
- new importers lodging unusually valuable declarations;
- a low background rate that nothing explains.

With ``rates`` (a book of exchange rates to a national currency) the flow has the real
world's variety too (engine.synthetic_variety): invoices in several currencies at those
rates, national tariff lines, declared exchange rates and duties, and a few staple goods
(roasted coffee, cars, smartphones, ...) common enough to have references of their own.

Everything follows from the seed: the same settings give the same frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.conversion import RateBook
from portcullis.engine.items import SCHEMA
from portcullis.engine.reference import nomenclature
from portcullis.engine.schema import FindingType
from portcullis.engine.synthetic_variety import vary

# Main origins and their shares of the flow; the rest share what is left.
_ORIGINS = {
    "CN": 0.30, "US": 0.09, "VN": 0.07, "DE": 0.06, "JP": 0.06, "KR": 0.04, "IT": 0.03,
    "IN": 0.03, "TH": 0.03, "FR": 0.025, "GB": 0.02, "MY": 0.02, "ID": 0.02, "TR": 0.015,
    "MX": 0.015, "BR": 0.01, "ES": 0.01, "NL": 0.01, "PL": 0.01, "TW": 0.01,
}  # fmt: skip
_OTHER_ORIGINS = (
    "AU", "BD", "BE", "CA", "CH", "CL", "CZ", "DK", "EG", "FI", "HK", "HU", "IE", "IL", "KH",
    "LK", "MA", "NO", "NZ", "PE", "PH", "PK", "PT", "RO", "RU", "SE", "SG", "UA", "ZA", "AE",
)  # fmt: skip
_PROCEDURES = (("40", 0.8), ("71", 0.1), ("51", 0.05), ("21", 0.05))
_TRANSPORT = (("1", 0.55), ("4", 0.3), ("3", 0.1), ("5", 0.05))
_TAX_RATES = np.array([0.0, 2.5, 4.0, 6.5, 8.0, 12.0])
# Goods every customs office sees, with their price level (USD per kg) and share of items.
_STAPLES = {
    "090121": 12.0, "090111": 4.0, "870323": 15.0, "851713": 300.0, "610910": 20.0,
    "220830": 15.0, "240220": 40.0,
}  # fmt: skip
_STAPLE_SHARE = 0.01


@dataclass(frozen=True)
class SyntheticSettings:
    """``seed`` draws the flow (which declarations, when, with what noise); ``world_seed`` and
    ``population`` fix the world it is drawn from (trader and goods populations, price levels,
    who is risky), so that two flows from one world (a history and the month after it) agree.
    ``population`` defaults to ``declarations``."""

    declarations: int = 10_000
    start: date = date(2024, 1, 1)
    days: int = 365
    seed: int = 0
    world_seed: int = 0
    population: int | None = None
    mean_items: float = 2.5
    offices: int = 20
    inspected_share: float = 1.0  # declarations that carry a recorded outcome
    background_rate: float = 0.03
    # The real world's variety (see the module's text); None: dollars and euros, HS6 codes.
    rates: RateBook | None = None


def _zipf_weights(count: int, exponent: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    weights = np.asarray(1.0 / np.arange(1, count + 1) ** exponent, dtype=np.float64)
    rng.shuffle(weights)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _labelled(prefix: str, numbers: npt.NDArray[np.int64], width: int) -> pl.Series:
    """Identifiers like IMP0000042."""
    series = pl.Series("n", numbers, dtype=pl.Int64)
    return pl.select(
        pl.concat_str(pl.lit(prefix), pl.lit(series).cast(pl.String).str.zfill(width))
    ).to_series()


def _pick(
    rng: np.random.Generator, options: tuple[tuple[str, float], ...], size: int
) -> npt.NDArray[np.str_]:
    values = np.array([value for value, _ in options])
    weights = np.array([weight for _, weight in options])
    return values[rng.choice(len(values), size=size, p=weights / weights.sum())]


@dataclass(frozen=True)
class _World:
    """What stays the same from one flow to the next."""

    office_weights: npt.NDArray[np.float64]
    importer_weights: npt.NDArray[np.float64]
    declarant_weights: npt.NDArray[np.float64]
    seller_weights: npt.NDArray[np.float64]
    risky_importers: npt.NDArray[np.bool_]
    risky_sellers: npt.NDArray[np.bool_]
    subheadings: npt.NDArray[np.str_]
    code_weights: npt.NDArray[np.float64]
    log_price: npt.NDArray[np.float64]
    log_mass: npt.NDArray[np.float64]
    tax_rate: npt.NDArray[np.float64]
    risky_pairs: frozenset[tuple[str, str]]


def _world(s: SyntheticSettings) -> _World:
    rng = np.random.default_rng(s.world_seed)
    population = s.population or s.declarations
    n_importers = max(50, population // 12)
    n_declarants = max(20, population // 250)
    n_sellers = max(50, population // 8)
    edition = nomenclature().edition("HS2022")
    subheadings = np.array(sorted(code for code, e in edition.entries.items() if e.level == 6))
    chapters = np.unique([code[:2] for code in subheadings])
    pairs = zip(rng.choice(list(_ORIGINS)[:10], 10), rng.choice(chapters, 10), strict=True)
    code_weights = _zipf_weights(len(subheadings), 0.8, rng)
    log_price = rng.normal(3.0, 1.5, len(subheadings))
    if s.rates is not None:
        code_weights, log_price = _with_staples(subheadings, code_weights, log_price)
    return _World(
        office_weights=_zipf_weights(s.offices, 1.0, rng),
        # Skewed, as real registers are, without one trader carrying a tenth of the flow.
        importer_weights=_zipf_weights(n_importers, 0.9, rng),
        declarant_weights=_zipf_weights(n_declarants, 0.8, rng),
        seller_weights=_zipf_weights(n_sellers, 0.8, rng),
        risky_importers=rng.random(n_importers) < 0.04,
        risky_sellers=rng.random(n_sellers) < 0.02,
        subheadings=subheadings,
        code_weights=code_weights,
        log_price=log_price,
        log_mass=rng.normal(4.0, 1.6, len(subheadings)),
        tax_rate=_TAX_RATES[rng.integers(0, len(_TAX_RATES), len(subheadings))],
        risky_pairs=frozenset((str(o), str(c)) for o, c in pairs),
    )


def _with_staples(
    subheadings: npt.NDArray[np.str_],
    weights: npt.NDArray[np.float64],
    log_price: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    weights, log_price = weights.copy(), log_price.copy()
    for code, price in _STAPLES.items():
        (found,) = np.flatnonzero(subheadings == code)
        weights[found] = max(weights[found], _STAPLE_SHARE)
        log_price[found] = np.log(price)
    return weights / weights.sum(), log_price


def generate(settings: SyntheticSettings | None = None) -> pl.DataFrame:
    """An item frame (``portcullis.engine.items.SCHEMA``) of synthetic declarations."""
    s = settings or SyntheticSettings()
    world = _world(s)
    rng = np.random.default_rng(s.seed)
    n_decl = s.declarations

    # -- declarations ----------------------------------------------------------------------
    seconds = np.sort(rng.uniform(0, s.days * 86_400, n_decl))
    start = datetime.combine(s.start, datetime.min.time(), UTC)
    lodged = pl.Series(seconds * 1e6).cast(pl.Int64).cast(pl.Duration("us")) + start
    offices = np.array([str(10 + k) for k in range(s.offices)])
    office = offices[rng.choice(s.offices, n_decl, p=world.office_weights)]
    importer = rng.choice(len(world.importer_weights), n_decl, p=world.importer_weights)
    declarant = rng.choice(len(world.declarant_weights), n_decl, p=world.declarant_weights)
    seller = rng.choice(len(world.seller_weights), n_decl, p=world.seller_weights)
    has_seller = rng.random(n_decl) < 0.9
    courier = rng.integers(0, 30, n_decl)
    has_courier = rng.random(n_decl) < 0.15
    procedure = _pick(rng, _PROCEDURES, n_decl)
    transport = _pick(rng, _TRANSPORT, n_decl)
    risky_importers, risky_sellers = world.risky_importers, world.risky_sellers

    # -- items ---------------------------------------------------------------------------------
    per_declaration = rng.geometric(1.0 / s.mean_items, n_decl)
    owner = np.repeat(np.arange(n_decl), per_declaration)
    n_items = len(owner)
    first_row = np.r_[0, np.cumsum(per_declaration)[:-1]]
    line_no = np.arange(n_items) - np.repeat(first_row, per_declaration) + 1

    subheadings = world.subheadings
    code_index = rng.choice(len(subheadings), n_items, p=world.code_weights)
    hs_code = subheadings[code_index]
    chapter = np.array([code[:2] for code in subheadings])[code_index]

    origin_names = np.array([*_ORIGINS, *_OTHER_ORIGINS])
    main_share = sum(_ORIGINS.values())
    origin_weights = np.array(
        [*_ORIGINS.values(), *([(1 - main_share) / len(_OTHER_ORIGINS)] * len(_OTHER_ORIGINS))]
    )
    declaration_origin = rng.choice(len(origin_names), n_decl, p=origin_weights)
    own_origin = rng.choice(len(origin_names), n_items, p=origin_weights)
    origin_index = np.where(rng.random(n_items) < 0.75, declaration_origin[owner], own_origin)
    origin = origin_names[origin_index]
    departs_elsewhere = rng.random(n_decl) < 0.2
    departure = np.where(
        departs_elsewhere,
        origin_names[rng.choice(len(origin_names), n_decl, p=origin_weights)],
        origin_names[declaration_origin],
    )

    # Price level per subheading (log USD per kg) and mass per item.
    mass = np.round(np.exp(world.log_mass[code_index] + rng.normal(0, 1.0, n_items)), 3) + 0.001
    true_unit = np.exp(world.log_price[code_index] + rng.normal(0, 0.35, n_items))
    true_value = mass * true_unit
    tax_rate = world.tax_rate[code_index]
    eur = rng.random(n_decl) < 0.1
    currency = np.where(eur[owner], "EUR", "USD")
    fx = np.where(eur[owner], 0.92, 1.0)

    # -- planted fraud -------------------------------------------------------------------------
    pairs = world.risky_pairs
    risky_pair = np.array([(o, c) in pairs for o, c in zip(origin, chapter, strict=True)])
    undervalue = risky_importers[importer][owner] & (rng.random(n_items) < 0.6)
    declared_value = np.where(undervalue, true_value * rng.uniform(0.15, 0.5, n_items), true_value)
    declared_value = np.round(declared_value * fx, 2) + 0.01

    first_seen = np.zeros(n_decl, dtype=bool)
    _, first_index = np.unique(importer, return_index=True)
    first_seen[first_index] = True
    declaration_value = np.bincount(owner, weights=declared_value, minlength=n_decl)
    valuable_newcomer = first_seen & (declaration_value > np.quantile(declaration_value, 0.85))

    p_under = np.bincount(owner, weights=undervalue.astype(float), minlength=n_decl) > 0
    p_pair = np.bincount(owner, weights=risky_pair.astype(float), minlength=n_decl) > 0
    p_seller = has_seller & risky_sellers[seller]
    causes = [
        (p_under, 0.85, FindingType.UNDERVALUATION),
        (p_pair, 0.35, FindingType.MISCLASSIFICATION),
        (p_seller, 0.45, FindingType.IPR),
        (valuable_newcomer, 0.3, FindingType.ORIGIN),
    ]
    clean = np.ones(n_decl)
    for applies, chance, _ in causes:
        clean *= np.where(applies, 1 - chance, 1.0)
    clean *= 1 - s.background_rate
    finding = rng.random(n_decl) > clean
    finding_type = np.full(n_decl, FindingType.OTHER.value, dtype=object)
    for applies, _, kind in reversed(causes):
        finding_type[applies] = kind.value
    # Revenue: the duty on the undervalued part, or a share of the duty otherwise.
    item_duty_gap = (true_value * fx - declared_value).clip(0) * tax_rate / 100
    item_other = declared_value * rng.uniform(0.1, 0.4, n_items) * np.maximum(tax_rate, 3.0) / 100
    gap = np.bincount(owner, weights=item_duty_gap, minlength=n_decl)
    other = np.bincount(owner, weights=item_other, minlength=n_decl)
    duties = np.where(finding, np.round(np.where(p_under, gap, 0) + other, 2), np.nan)
    inspected = rng.random(n_decl) < s.inspected_share
    known = lodged + pl.Series(rng.uniform(1, 72, n_decl) * 3600e6).cast(pl.Int64).cast(
        pl.Duration("us")
    )

    # -- the frame -----------------------------------------------------------------------------
    importer_name, seller_name = _no_names(n_decl), _no_names(n_decl)
    if s.rates is not None:  # the real world's variety: parties named as declared
        importer_name = _importer_names(importer)
        seller_name = _seller_names(seller, risky_sellers).zip_with(
            pl.Series(has_seller), _no_names(n_decl)
        )
    ids = _labelled(f"S{s.seed % 100:02d}", np.arange(n_decl), 9)
    header = pl.DataFrame(
        {
            "declaration_id": ids,
            "lodged_at": lodged,
            "office": office,
            "procedure": procedure,
            "process_type": np.full(n_decl, "B"),
            "import_use": np.full(n_decl, "21"),
            "payment_type": np.where(rng.random(n_decl) < 0.9, "11", "43"),
            "transport_mode": transport,
            "declarant": _labelled("DCL", declarant, 5),
            "importer": _labelled("IMP", importer, 7),
            "seller": _labelled("SEL", seller, 7).zip_with(
                pl.Series(has_seller), pl.Series([None] * n_decl, dtype=pl.String)
            ),
            "courier": _labelled("CUR", courier, 3).zip_with(
                pl.Series(has_courier), pl.Series([None] * n_decl, dtype=pl.String)
            ),
            "importer_name": importer_name,
            "declarant_name": _no_names(n_decl),
            "seller_name": seller_name,
            "courier_name": _no_names(n_decl),
            "country_of_departure": departure,
            "declared_rate": pl.Series([None] * n_decl, dtype=pl.Float64),
            "finding": pl.Series(finding).zip_with(
                pl.Series(inspected), pl.Series([None] * n_decl, dtype=pl.Boolean)
            ),
            "critical": pl.Series(finding & (np.nan_to_num(duties) > 5000)).zip_with(
                pl.Series(inspected), pl.Series([None] * n_decl, dtype=pl.Boolean)
            ),
            "additional_duties": pl.Series(np.where(inspected, duties, np.nan), nan_to_null=True),
            "known_at": known.zip_with(
                pl.Series(inspected), pl.Series([None] * n_decl, dtype=known.dtype)
            ),
            "finding_type": pl.Series(finding_type.astype(str)).zip_with(
                pl.Series(finding & inspected), pl.Series([None] * n_decl, dtype=pl.String)
            ),
        }
    )
    items = pl.DataFrame(
        {
            "_owner": owner,
            "line_no": line_no.astype(np.int32),
            "hs_code": hs_code,
            "origin_country": origin,
            "origin_indicator": pl.Series(np.where(rng.random(n_items) < 0.3, "P", "")).replace(
                "", None
            ),
            "net_mass_kg": mass,
            "quantity": pl.Series([None] * n_items, dtype=pl.Float64),
            "quantity_unit": pl.Series([None] * n_items, dtype=pl.String),
            "customs_value": declared_value,
            "invoice_value": declared_value,
            "currency": currency,
            "rate_applied": pl.Series([None] * n_items, dtype=pl.Float64),
            "tax_type": np.where(tax_rate > 0, "A", "F"),
            "tax_rate": tax_rate,
            "duty": pl.Series([None] * n_items, dtype=pl.Float64),
            "description": _descriptions(hs_code, rng),
            "additional_codes": pl.Series([None] * n_items, dtype=pl.String),
        }
    )
    frame = items.join(
        header.with_row_index("_owner"), on="_owner", how="left", maintain_order="left"
    )
    frame = frame.select(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items())
    return frame if s.rates is None else vary(frame, s.rates, s.seed)


# Goods descriptions as declarants write them, by HS chapter (the rest: by heading), so that
# text criteria ("parts" under chapter 85) have something real to find.
_WORDS_BY_CHAPTER = {
    "84": ("Spare parts for pumps", "Machine parts, steel", "Industrial valves"),
    "85": ("Electrical parts", "Parts for shavers", "Lithium batteries", "Mobile phones"),
    "87": ("Passenger car", "Motor vehicle parts", "Used car, petrol"),
    "61": ("Cotton T-shirts, knitted", "Women's blouses"),
    "62": ("Men's trousers, cotton", "Jackets, synthetic"),
    "09": ("Coffee, not roasted", "Green tea"),
    "0901": ("Roasted coffee beans", "Coffee, green, in bags"),
    "22": ("Whisky", "Red wine in bottles"),
    "24": ("Cigarettes", "Tobacco, unmanufactured"),
}


def _descriptions(hs_code: npt.NDArray[np.str_] | pl.Series, rng: np.random.Generator) -> pl.Series:
    codes = pl.Series(hs_code).cast(pl.String).to_list()
    picks = rng.random(len(codes))
    written = []
    for code, pick in zip(codes, picks, strict=True):
        words = _WORDS_BY_CHAPTER.get(code[:4]) or _WORDS_BY_CHAPTER.get(code[:2])
        written.append(words[int(pick * len(words))] if words else f"Goods of heading {code[:4]}")
    return pl.Series(written, dtype=pl.String)


# Parties' names, made from their numbers (no random draw, so that the flows of a world keep
# their other values): most risky sellers are trading intermediaries, as are a few others.
_NAME_STEMS = (
    "Hanil", "Daesung", "Pacific", "Golden Bridge", "Sunrise", "Orient", "Nova", "Evergreen",
    "Blue Harbour", "Silk Road", "Meridian", "Jade", "Northstar", "Lotus", "Atlas", "Crown",
)  # fmt: skip
_IMPORTER_FORMS = ("Co., Ltd.", "Corporation", "Trading Co., Ltd.", "Industries", "Retail")
_SELLER_FORMS = (
    "Manufacturing Co", "Industrial Ltd", "Export Co", "Factory", "Supply Ltd", "Group",
    "Textiles", "Electronics", "Foods", "Trading Co",
)  # fmt: skip
_RISKY_SELLER_FORMS = ("Trading Co", "Global Trading Ltd", "Trading", "Export Co")


def _no_names(count: int) -> pl.Series:
    return pl.Series([None] * count, dtype=pl.String)


_IMPORTER_PLACES = ("", "Seoul", "Busan", "Incheon", "Daegu", "Gwangju", "Ulsan", "Suwon")
_SELLER_PLACES = (
    "", "Shenzhen", "Hanoi", "Ningbo", "Osaka", "Penang", "Guangzhou", "Xiamen", "Bangkok",
    "Yiwu", "Ho Chi Minh", "Los Angeles",
)  # fmt: skip


def _party_name(number: int, places: tuple[str, ...], forms: tuple[str, ...]) -> str:
    stem = _NAME_STEMS[number % len(_NAME_STEMS)]
    number //= len(_NAME_STEMS)
    place = places[number % len(places)]
    form = forms[(number // len(places)) % len(forms)]
    return " ".join(part for part in (stem, place, form) if part)


def _importer_names(importer: npt.NDArray[np.int64]) -> pl.Series:
    names = [
        _party_name(n, _IMPORTER_PLACES, _IMPORTER_FORMS) for n in range(int(importer.max()) + 1)
    ]
    return pl.Series(np.array(names, dtype=object)[importer], dtype=pl.String)


def _seller_names(seller: npt.NDArray[np.int64], risky: npt.NDArray[np.bool_]) -> pl.Series:
    names = [
        _party_name(n, _SELLER_PLACES, _RISKY_SELLER_FORMS if risky[n] else _SELLER_FORMS)
        for n in range(len(risky))
    ]
    return pl.Series(np.array(names, dtype=object)[seller], dtype=pl.String)


__all__ = ["SyntheticSettings", "generate"]

"""Reference data an administrator keeps: the nomenclature and countries, offices' names, and
traders' names and AEO status (a trader's AEO status changes what the engine decides, so a
change to it tells the serving engines)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.holiday_table import HolidayError, csv_holidays, package_holidays
from portcullis.engine.nomenclature_files import EditionSpec, NomenclatureError, keep_edition
from portcullis.engine.rates import Rate, RatesError, csv_rates, ecb_rates
from portcullis.engine.reference import forget_nomenclature
from portcullis.web.audit.services import record
from portcullis.web.bulk import bulk_insert
from portcullis.web.errors import Invalid, NotFound
from portcullis.web.reference.loading import ReferenceCounts, load_reference
from portcullis.web.reference.models import ExchangeRate, Office, PublicHoliday
from portcullis.web.scoring.state import engine_changed
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic


@use_case("reference.load", N_("load reference data"), permission="reference.add_hscode")
def load(actor: Actor) -> ReferenceCounts:
    counts = load_reference()
    record(
        actor.account,
        "reference.load",
        "reference",
        f"reference data loaded: {counts.editions} HS editions, {counts.hs_codes:,} codes, "
        f"{counts.countries} countries",
        **actor.audit_details(),
    )
    return counts


@use_case("trader.update", N_("change traders' reference data"), permission="traders.change_trader")
def update_trader(actor: Actor, pk: int, *, name: str, aeo_status: str) -> Trader:
    if aeo_status not in Trader.AeoStatus.values:
        raise Invalid(f"unknown AEO status {aeo_status!r}")

    def work() -> Trader:
        trader = Trader.objects.select_for_update().filter(pk=pk).first()
        if trader is None:
            raise NotFound(f"trader {pk} does not exist")
        before = {"name": trader.name, "aeo_status": trader.aeo_status}
        trader.name, trader.aeo_status = name.strip(), aeo_status
        trader.save(update_fields=["name", "aeo_status"])
        if before["aeo_status"] != aeo_status:
            engine_changed()  # AEO importers are facilitated: what decides has changed
        record(
            actor.account,
            "trader.update",
            trader,
            f"{trader.role} {trader.code}: name and AEO status set",
            before=before,
            after={"name": trader.name, "aeo_status": aeo_status},
            **actor.audit_details(),
        )
        return trader

    return atomic(work)


@use_case(
    "office.update", N_("change offices' reference data"), permission="reference.change_office"
)
def update_office(actor: Actor, pk: int, *, name: str) -> Office:
    def work() -> Office:
        office = Office.objects.select_for_update().filter(pk=pk).first()
        if office is None:
            raise NotFound(f"office {pk} does not exist")
        before = office.name
        office.name = name.strip()
        office.save(update_fields=["name"])
        record(
            actor.account,
            "office.update",
            office,
            f"office {office.code} renamed",
            before=before,
            after=office.name,
            **actor.audit_details(),
        )
        return office

    return atomic(work)


@dataclass
class RatesLoaded:
    source: str
    national: str
    stored: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # one line each, never written over


_RATE_CHUNK = 20_000


@use_case(
    "reference.load_rates", N_("load exchange rates"), permission="reference.add_exchangerate"
)
def load_rates(
    actor: Actor, path: Path | None = None, progress: Callable[[int, int], None] | None = None
) -> RatesLoaded:
    """Exchange rates to the national currency (PORTCULLIS_NATIONAL_CURRENCY): the ECB's
    daily reference rates shipped with the product, or the CSV at ``path``. A rate already
    kept is left as it is: the same again is "unchanged", a different one a conflict."""
    national = settings.PORTCULLIS_NATIONAL_CURRENCY
    try:
        rates = ecb_rates(national) if path is None else list(csv_rates(path, path.stem[:40]))
    except RatesError as error:
        raise Invalid(str(error)) from None
    for rate in rates:
        if rate.currency == national:
            raise Invalid(
                f"a rate of {national}, the national currency, to itself is always 1: "
                f"remove it (from {rate.valid_from})"
            )
    loaded = RatesLoaded(source=path.name if path else "ECB", national=national)

    def work() -> None:
        kept = {
            (currency, source, valid_from): rate
            for currency, source, valid_from, rate in ExchangeRate.objects.filter(
                national=national
            ).values_list("currency", "source", "valid_from", "rate")
        }
        now = timezone.now()
        new: list[dict[str, object]] = []
        for rate in rates:
            key = (rate.currency, rate.source, rate.valid_from)
            if key in kept:
                if kept[key] == rate.rate:
                    loaded.unchanged += 1
                else:
                    loaded.conflicts.append(_conflict(rate, kept[key], national))
                continue
            kept[key] = rate.rate
            new.append(_row(rate, national, now))
        for start in range(0, len(new), _RATE_CHUNK):
            bulk_insert(ExchangeRate, new[start : start + _RATE_CHUNK])
            if progress:
                progress(min(start + _RATE_CHUNK, len(new)), len(new))
        loaded.stored = len(new)
        if new:
            # The live book changes, and so does the history the references are fitted on.
            engine_changed()
            engine_changed("outcomes")
        record(
            actor.account,
            "reference.load_rates",
            "exchange rates",
            f"exchange rates to {national} from {loaded.source}: {loaded.stored:,} stored, "
            f"{loaded.unchanged:,} unchanged, {len(loaded.conflicts):,} conflicts",
            **actor.audit_details(),
        )

    atomic(work)
    return loaded


def _row(rate: Rate, national: str, now: object) -> dict[str, object]:
    return {
        "national": national,
        "currency": rate.currency,
        "valid_from": rate.valid_from,
        "valid_to": rate.valid_to,
        "rate": rate.rate,
        "source": rate.source,
        "loaded_at": now,
    }


def _conflict(rate: Rate, kept: object, national: str) -> str:
    return (
        f"{rate.currency} from {rate.valid_from} ({rate.source}): {rate.rate} {national} "
        f"differs from the {kept} kept; not changed (a correction is a new rate of its own "
        "source)"
    )


@use_case(
    "reference.load_nomenclature",
    N_("load a nomenclature edition"),
    permission="reference.add_hscode",
)
def load_nomenclature(actor: Actor, path: Path, spec: EditionSpec) -> ReferenceCounts:
    """Keep the nomenclature file at ``path`` as edition ``spec`` (a national tariff, or an
    HS edition the product does not ship) and load it into the reference tables; a later
    load of the same edition replaces it whole. Declarations are validated against it from
    the next one received (every process sees the new edition)."""
    try:
        kept = keep_edition(Path(settings.PORTCULLIS_NOMENCLATURE_DIR), spec, path)
    except NomenclatureError as error:
        raise Invalid(str(error)) from None
    forget_nomenclature()  # this process at once; the others see the folder change
    counts = atomic(load_reference)
    record(
        actor.account,
        "reference.load_nomenclature",
        "reference",
        f"nomenclature {spec.code} ({spec.name}, in force {spec.valid_from}"
        f"{' to ' + spec.valid_to.isoformat() if spec.valid_to else ''}) loaded from "
        f"{path.name}: {len(kept.codes):,} codes",
        **actor.audit_details(),
    )
    return counts


@dataclass
class HolidaysLoaded:
    source: str
    stored: int = 0
    unchanged: int = 0


@use_case(
    "reference.load_holidays", N_("load public holidays"), permission="reference.add_publicholiday"
)
def load_holidays(
    actor: Actor,
    path: Path | None = None,
    *,
    country: str | None = None,
    years: range | None = None,
) -> HolidaysLoaded:
    """Public holidays for ``lodged_on_holiday``: the holidays package's table for
    ``country`` (default PORTCULLIS_HOLIDAY_COUNTRY) in ``years`` (default: 2015 to next
    year), or the ``date,name`` CSV at ``path``. A holiday already kept is left as it is."""
    try:
        if path is not None:
            found = csv_holidays(path)
        else:
            chosen = country or settings.PORTCULLIS_HOLIDAY_COUNTRY
            found = package_holidays(chosen, years or range(2015, timezone.now().year + 2))
    except HolidayError as error:
        raise Invalid(str(error)) from None
    loaded = HolidaysLoaded(source=found[0].source if found else "")

    def work() -> None:
        kept = set(PublicHoliday.objects.values_list("day", "name"))
        new = [h for h in dict.fromkeys(found) if (h.day, h.name) not in kept]
        PublicHoliday.objects.bulk_create(
            PublicHoliday(day=h.day, name=h.name, source=h.source) for h in new
        )
        loaded.stored, loaded.unchanged = len(new), len(found) - len(new)
        if new:
            engine_changed()
        record(
            actor.account,
            "reference.load_holidays",
            "public holidays",
            f"public holidays from {loaded.source}: {loaded.stored:,} stored, "
            f"{loaded.unchanged:,} already kept",
            **actor.audit_details(),
        )

    atomic(work)
    return loaded

"""Reference data an administrator keeps: the nomenclature and countries, offices' names, and
traders' names and AEO status (a trader's AEO status changes what the engine decides, so a
change to it tells the serving engines)."""

from __future__ import annotations

from portcullis.web.audit.services import record
from portcullis.web.errors import Invalid, NotFound
from portcullis.web.reference.loading import ReferenceCounts, load_reference
from portcullis.web.reference.models import Office
from portcullis.web.scoring.state import engine_changed
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic


@use_case("reference.load", "load reference data", permission="reference.add_hscode")
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


@use_case("trader.update", "change traders' reference data", permission="traders.change_trader")
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


@use_case("office.update", "change offices' reference data", permission="reference.change_office")
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

"""The demo's risk set-up: sample targeting profiles and watchlist entries.

Profiles are written by the demo analyst and approved by the administrator (never by their
author). Watchlist entries name the seller, importer and route whose inspections found
something most often in the history, as an analyst reading last year's results would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, FloatField, Q
from django.db.models.functions import Cast

from portcullis.web.declarations.models import Declaration
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.profiles.models import Profile
from portcullis.web.usecases import profiles, watchlist
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.watchlist import EntryInput


@dataclass(frozen=True)
class SampleProfile:
    name: str
    criteria: str
    settings: dict[str, Any]


SAMPLE_PROFILES = (
    SampleProfile(
        "Goods declared far below their reference price",
        "value_ratio <= 0.25 and customs_value > 100000",
        {
            "mandatory": True,
            "channel": "yellow",
            "weight": 0.3,
            "risk_category": "valuation",
            "rationale": (
                "Undervaluation is the commonest revenue fraud: a unit value a quarter or less "
                "of what the same goods (from the same origin) usually declare, whatever the "
                "invoice currency. The invoice and the proof of payment are checked."
            ),
        },
    ),
    SampleProfile(
        "Invoice converted at a rate well below the customs rate",
        "declared_rate_ratio < 0.95",
        {
            "weight": 0.25,
            "risk_category": "valuation",
            "rationale": (
                "A declarant who converts the invoice at a rate a twentieth or more below the "
                "customs rate of the day lowers the customs value as surely as a false invoice."
            ),
        },
    ),
    SampleProfile(
        "Vehicles and parts from China or Vietnam below reference",
        'hs_chapter == "87" and origin_country in ["CN", "VN"] and value_ratio < 0.5',
        {
            "weight": 0.4,
            "risk_category": "valuation",
            "rationale": (
                "Chapter 87 from these origins showed undervaluation in last year's audits."
            ),
        },
    ),
    SampleProfile(
        "New importer with a valuable first declaration",
        "is_new_importer and declaration_value > 50000000",
        {
            "mandatory": True,
            "channel": "yellow",
            "selection_pct": 50.0,
            "risk_category": "other",
            "rationale": "Newcomers with large consignments: check documents for half of them.",
        },
    ),
    SampleProfile(
        "Seller on the watchlist",
        "seller_watchlisted",
        {
            "mandatory": True,
            "channel": "red",
            "risk_category": "ipr",
            "rationale": "Intelligence names this seller; every consignment is inspected.",
        },
    ),
    SampleProfile(
        "Importer with a history of findings",
        "importer_finding_rate > 0.5 and importer_inspections >= 5",
        {
            "weight": 0.5,
            "risk_category": "other",
            "rationale": "More than half of this importer's inspections found something.",
        },
    ),
    SampleProfile(
        "Goods and origin with a high finding rate",
        "hs6_origin_finding_rate > 0.6 and hs6_origin_inspections >= 10",
        {
            "weight": 0.4,
            "risk_category": "classification",
            "rationale": (
                "This subheading from this origin is found non-compliant more often than not."
            ),
        },
    ),
    SampleProfile(
        "Clothing shipped from a third country",
        'hs_chapter in ["61", "62"] and not departure_is_origin',
        {
            "weight": 0.2,
            "risk_category": "origin",
            "rationale": "Transshipment to disguise origin is common for garments.",
        },
    ),
    SampleProfile(
        "Trading intermediary shipping from a third country",
        'seller_name contains word "trading" and not departure_is_origin',
        {
            "weight": 0.3,
            "risk_category": "origin",
            "rationale": (
                "Goods sold through a trading company and shipped from a country other than "
                "their origin: the usual route for disguising origin or passing counterfeits."
            ),
        },
    ),
    SampleProfile(
        "Heavy consignments at a very low unit value",
        "net_mass_kg > 10000 and unit_value < 100",
        {
            "weight": 0.2,
            "risk_category": "valuation",
            "rationale": "Bulk goods declared at a few won per kilogram.",
        },
    ),
    SampleProfile(
        "Electronics on a watchlisted route",
        'hs_chapter == "85" and route_watchlisted',
        {
            "mandatory": True,
            "channel": "yellow",
            "risk_category": "ipr",
            "rationale": "Counterfeit electronics reported on this route.",
        },
    ),
    SampleProfile(
        "Established importer with an unknown declarant",
        "importer_declarations > 20 and declarant_declarations < 3",
        {
            "weight": 0.2,
            "risk_category": "other",
            "rationale": "An established importer suddenly using an unknown broker.",
        },
    ),
)


def ensure_sample_profiles() -> int:
    """Create, submit and approve the sample profiles not yet there; returns how many exist."""
    users = get_user_model().objects
    analyst = Actor.person(users.get(username="analyst"))
    approver = Actor.person(users.get(username="admin"))
    existing = set(Profile.objects.values_list("name", flat=True))
    for sample in SAMPLE_PROFILES:
        if sample.name in existing:
            continue
        draft = profiles.create_profile(
            analyst, sample.name, criteria=sample.criteria, **sample.settings
        )
        code = draft.profile.code
        profiles.submit(analyst, code, draft.number)
        profiles.approve(approver, code, draft.number)
    return Profile.objects.filter(name__in=[s.name for s in SAMPLE_PROFILES]).count()


def _worst(*fields: str, at_least: int) -> dict[str, Any] | None:
    """The values of ``fields`` whose inspections found something most often (among those
    inspected at least ``at_least`` times)."""
    rate = Cast("found", FloatField()) / Cast("n", FloatField())
    worst: dict[str, Any] | None = (
        Declaration.objects.filter(inspection__isnull=False)
        .exclude(**{f"{fields[0]}__isnull": True})
        .values(*fields)
        .annotate(n=Count("pk"), found=Count("pk", filter=Q(inspection__finding=True)))
        .filter(n__gte=at_least)
        .annotate(rate=rate)
        .order_by("-rate", *fields)
        .first()
    )
    return worst


def ensure_sample_watchlist() -> int:
    """Three entries chosen from the stored outcomes (once); returns how many are in force."""
    if WatchlistEntry.objects.exists():
        return WatchlistEntry.objects.filter(revoked_at__isnull=True).count()
    analyst = Actor.person(get_user_model().objects.get(username="analyst"))
    for kind, field, weight in (
        ("seller", "seller__code", 0.4),
        ("importer", "importer__code", 0.3),
    ):
        worst = _worst(field, at_least=10)
        if worst:
            reason = f"{worst['found']} of {worst['n']} inspections last year found something"
            watchlist.add_entry(analyst, EntryInput(kind, worst[field], reason, weight))
    route = _worst("country_of_departure", "office__code", at_least=30)
    if route and route["country_of_departure"]:
        value = f"{route['country_of_departure']}>{route['office__code']}"
        reason = f"{route['found']} of {route['n']} inspections on this route found something"
        watchlist.add_entry(analyst, EntryInput("route", value, reason, 0.2))
    return WatchlistEntry.objects.filter(revoked_at__isnull=True).count()

"""Loading the engine's bundled reference data into the reference tables (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from django.db import transaction

from portcullis.engine.reference import UNKNOWN_COUNTRY, country_name, nomenclature
from portcullis.web.reference.models import Country, HsCode, HsEdition, HsSection


@dataclass(frozen=True)
class ReferenceCounts:
    editions: int
    hs_codes: int
    countries: int


@transaction.atomic
def load_reference() -> ReferenceCounts:
    """Create or refresh HS editions (with sections and codes) and countries."""
    for edition in nomenclature().editions:
        row, _ = HsEdition.objects.update_or_create(
            code=edition.code,
            defaults={
                "name": edition.name,
                "valid_from": edition.valid_from,
                "valid_to": edition.valid_to,
            },
        )
        # The bundled edition is the truth: replace its rows wholesale (a few thousand).
        HsSection.objects.filter(edition=row).delete()
        HsCode.objects.filter(edition=row).delete()
        HsSection.objects.bulk_create(
            HsSection(edition=row, numeral=numeral, name=name)
            for numeral, name in edition.sections.items()
        )
        HsCode.objects.bulk_create(
            (
                HsCode(
                    edition=row,
                    code=entry.code,
                    level=entry.level,
                    parent=entry.parent or "",
                    section=entry.section,
                    description=entry.description,
                )
                for entry in edition.entries.values()
            ),
            batch_size=2000,
        )
    codes = [c.alpha_2 for c in pycountry.countries] + [UNKNOWN_COUNTRY]
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(code=code, name=country_name(code)) for code in codes if code not in existing
    )
    return ReferenceCounts(
        editions=HsEdition.objects.count(),
        hs_codes=HsCode.objects.count(),
        countries=Country.objects.count(),
    )

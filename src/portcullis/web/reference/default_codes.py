"""The code labels an installation starts with: written into an empty table after every
migration (``post_migrate``, which also follows a test database's flush), then kept by the
administrator. A table that holds any row is left alone."""

from __future__ import annotations

from typing import Any

# The WCO Data Model's codes, which the demo's world and the UK messages use: transport
# modes from UN/ECE Recommendation 19, procedures as the first two digits of the EU's
# procedure codes. Each administration edits these for its own codes.
SEED = {
    "transport_mode": [
        ("0", "mode not specified", "mode non précisé"),
        ("1", "sea", "mer"),
        ("2", "rail", "rail"),
        ("3", "road", "route"),
        ("4", "air", "air"),
        ("5", "post", "poste"),
        ("6", "multimodal", "multimodal"),
        (
            "7",
            "fixed installation (pipeline, power line)",
            "installation fixe (pipeline, ligne électrique)",
        ),
        ("8", "inland waterway", "voie navigable intérieure"),
        ("9", "own propulsion", "propulsion propre"),
    ],
    "procedure": [
        ("21", "outward processing", "perfectionnement passif"),
        (
            "40",
            "release for free circulation and home use",
            "mise en libre pratique et mise à la consommation",
        ),
        (
            "42",
            "free circulation, VAT exempt onward supply",
            "libre pratique, livraison exonérée de TVA",
        ),
        ("51", "inward processing", "perfectionnement actif"),
        ("53", "temporary admission", "admission temporaire"),
        ("61", "re-importation", "réimportation"),
        ("71", "customs warehousing", "entrepôt douanier"),
    ],
}


def seed_code_labels(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    from portcullis.web.reference.models import CodeLabel

    if CodeLabel.objects.using(using).exists():
        return
    CodeLabel.objects.using(using).bulk_create(
        [
            CodeLabel(kind=kind, code=code, label=label, label_fr=label_fr)
            for kind, rows in SEED.items()
            for code, label, label_fr in rows
        ]
    )

# ruff: noqa: E501  (each check is one sentence, kept whole on its line for reading and editing)
"""The checks an installation starts with, per risk category: written into an empty table
after every migration (``post_migrate``, which also follows a test database's flush), then
kept by the administrator. A table that holds any row is left alone."""

from __future__ import annotations

from typing import Any

# What to check for each risk category, in the words of the WCO's Customs Risk Management
# Compendium and the EU's control guidance; an administrator edits them to local practice.
# (category, on the goods, English, French)
SEED = [
    (
        "valuation",
        False,
        "Commercial invoice, sales contract and proof of payment: do they show the price declared?",
        "Facture commerciale, contrat de vente et preuve de paiement : montrent-ils le prix déclaré ?",
    ),
    (
        "valuation",
        False,
        "Freight, insurance, royalties and buying commissions added to the customs value",
        "Fret, assurance, redevances et commissions à l'achat ajoutés à la valeur en douane",
    ),
    (
        "valuation",
        True,
        "Compare the goods' brand, quality and grade with the invoice description",
        "Comparer la marque, la qualité et le choix des marchandises avec la facture",
    ),
    (
        "classification",
        False,
        "Technical description or data sheet supports the declared HS code",
        "La description technique ou la fiche produit justifie le code SH déclaré",
    ),
    (
        "classification",
        True,
        "Examine the goods against the heading; take a sample for the laboratory where composition decides the code",
        "Examiner les marchandises au regard de la position ; prélever un échantillon pour le laboratoire si la composition décide du code",
    ),
    (
        "origin",
        False,
        "Certificate or statement of origin, and the route in the transport documents",
        "Certificat ou attestation d'origine, et itinéraire dans les documents de transport",
    ),
    (
        "origin",
        True,
        "Marks of origin on the goods and their packaging",
        "Marques d'origine sur les marchandises et leur emballage",
    ),
    (
        "prohibitions",
        False,
        "Licences, permits or certificates required for these goods",
        "Licences, autorisations ou certificats exigés pour ces marchandises",
    ),
    (
        "prohibitions",
        True,
        "Examine the goods for prohibited or restricted articles",
        "Examiner les marchandises à la recherche d'articles prohibés ou restreints",
    ),
    (
        "ipr",
        False,
        "Authorisation from the right holder; is the brand covered by an application for action?",
        "Autorisation du titulaire des droits ; la marque fait-elle l'objet d'une demande d'intervention ?",
    ),
    (
        "ipr",
        True,
        "Brands, logos and packaging for signs of counterfeiting: photograph them",
        "Marques, logos et emballages : signes de contrefaçon, à photographier",
    ),
    (
        "security",
        False,
        "Seal numbers and the container's route against the transport documents",
        "Numéros de scellés et itinéraire du conteneur au regard des documents de transport",
    ),
    (
        "security",
        True,
        "Scan or open the container; check the seals",
        "Scanner ou ouvrir le conteneur ; vérifier les scellés",
    ),
    (
        "other",
        False,
        "The declaration against the invoice, the packing list and the transport documents",
        "La déclaration au regard de la facture, de la liste de colisage et des documents de transport",
    ),
    (
        "other",
        True,
        "Weigh the consignment and count the packages against the declared mass and quantity",
        "Peser l'envoi et compter les colis au regard de la masse et de la quantité déclarées",
    ),
]


def seed_checks(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    from portcullis.web.profiles.models import ControlCheck

    if ControlCheck.objects.using(using).exists():
        return
    positions: dict[str, int] = {}
    rows = []
    for category, on_goods, text, text_fr in SEED:
        positions[category] = positions.get(category, 0) + 1
        rows.append(
            ControlCheck(
                category=category,
                position=positions[category],
                on_goods=on_goods,
                text=text,
                text_fr=text_fr,
            )
        )
    ControlCheck.objects.using(using).bulk_create(rows)

"""A decision in the officer's words: what was unusual about the declaration, and what to
check for it.

Built from what the decision stored (its inputs per item, its profile and watchlist hits,
its reason) and the declaration's own items, at reading time, so it reads in the reader's
language. The model's factors stay on the page for analysts, behind "details"."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portcullis.engine.channels import Channel, Reason
from portcullis.engine.features.valuation import usual_range
from portcullis.engine.glossary import term
from portcullis.engine.model.features import TRANSFORMED
from portcullis.engine.notes import CHEAP_RATIO
from portcullis.engine.rules.syntax import ProfileError, field_names
from portcullis.web.declarations.models import Declaration
from portcullis.web.figures import figure as number
from portcullis.web.profiles.models import ControlCheck, ProfileVersion
from portcullis.web.reference.code_labels import in_reader_language
from portcullis.web.scoring.models import Decision, effective_channel

# A trader's record is worth saying from this many inspections and this finding rate.
RECORD_MIN_INSPECTIONS = 5
RECORD_RATE = 0.2

_BASIS = {
    "national_origin": gettext_lazy("this national tariff line from this origin"),
    "hs6_origin": gettext_lazy("this HS subheading from this origin"),
    "hs6": gettext_lazy("this HS subheading"),
    "hs4": gettext_lazy("this HS heading"),
}
_ROLES = {
    "importer": gettext_lazy("importer"),
    "declarant": gettext_lazy("declarant"),
    "seller": gettext_lazy("seller"),
}
_PERCENT_FIELDS = ("value_ratio", "declared_rate_ratio")
_COUNT_FIELDS = ("item_count", "watchlist_hits", "importer_days_since_first")
_COUNT_SUFFIXES = ("_inspections", "_declarations", "_items", "_sellers")
_MONEY_FIELDS = ("customs_value", "declaration_value", "unit_value", "ref_unit_value")


@dataclass(frozen=True)
class Check:
    category: str
    text: str
    on_goods: bool


@dataclass
class Summary:
    facts: list[str] = field(default_factory=list)  # what was unusual, one sentence each
    categories: list[str] = field(default_factory=list)  # risk categories, first found first
    checks: list[Check] = field(default_factory=list)

    @property
    def category_labels(self) -> list[str]:
        labels = dict(ProfileVersion.RiskCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


def _shown(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        if name in _PERCENT_FIELDS or name.endswith("_finding_rate"):
            return f"{number(float(value) * 100, 0)} %"
        if name in _COUNT_FIELDS or name.endswith(_COUNT_SUFFIXES):
            return number(value, 0)
        return number(value)
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def item_fields(
    declaration: Declaration, row: Mapping[str, Any], inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """One item's fields by catalogue name, as far as the page knows them: the declared
    ones, a few derived, and the inputs the decision stored. ``row`` is the declaration
    page's item row (the item and its value in the national currency)."""
    item = row["item"]
    national = (row.get("national") or {}).get("value")
    customs_value = item.customs_value if row.get("national") is None else national
    fields: dict[str, Any] = {
        "office": declaration.office.code,
        "procedure": declaration.procedure,
        "transport_mode": declaration.transport_mode,
        "country_of_departure": declaration.country_of_departure,
        "hs_code": item.hs_code,
        "hs_chapter": item.hs_code[:2],
        "hs_heading": item.hs_code[:4],
        "hs6": item.hs_code[:6],
        "origin_country": item.origin_country,
        "net_mass_kg": item.net_mass_kg,
        "invoice_value": item.customs_value,
        "currency": item.currency,
        "customs_value": customs_value,
        "tax_rate": item.tax_rate,
        "quantity": item.quantity,
        "departure_is_origin": declaration.country_of_departure == item.origin_country,
    }
    fields.update({k: v for k, v in inputs.items() if not _missing(v)})
    if not _missing(inputs.get("value_ratio")) and not _missing(inputs.get("ref_unit_value")):
        fields["unit_value"] = inputs["value_ratio"] * inputs["ref_unit_value"]
    rate = inputs.get("rate_applied")
    if declaration.exchange_rate is not None and not _missing(rate) and rate:
        fields["declared_rate_ratio"] = float(declaration.exchange_rate) / rate
    return {k: v for k, v in fields.items() if not _missing(v) and v != ""}


def _valuation(line_no: int, fields: Mapping[str, Any], currency: str) -> str | None:
    ratio, reference = fields.get("value_ratio"), fields.get("ref_unit_value")
    if ratio is None or reference is None or ratio > CHEAP_RATIO:
        return None
    values = {
        "line": line_no,
        "hs": fields.get("hs_code", ""),
        "origin": fields.get("origin_country", ""),
        "value": number(ratio * reference),
        "currency": currency,
        "basis": _BASIS.get(str(fields.get("valuation_basis")), _("these goods")),
        "reference": number(reference),
    }
    spread = usual_range(ratio, reference, fields.get("valuation_z"))
    if spread is None:
        return (
            _(
                "Item %(line)s (%(hs)s from %(origin)s) is declared at %(value)s %(currency)s"
                " per kg; the reference for %(basis)s is %(reference)s %(currency)s per kg."
            )
            % values
        )
    values["low"], values["high"] = number(spread[0]), number(spread[1])
    return (
        _(
            "Item %(line)s (%(hs)s from %(origin)s) is declared at %(value)s %(currency)s per kg;"
            " %(basis)s usually declares %(low)s–%(high)s %(currency)s per kg"
            " (reference %(reference)s)."
        )
        % values
    )


def _not_valued(line_no: int, fields: Mapping[str, Any], currency: str) -> str | None:
    """An item in a foreign currency without a rate on its lodging day: not valued."""
    invoiced = fields.get("currency")
    if invoiced in (None, currency) or fields.get("rate_applied") is not None:
        return None
    if fields.get("value_ratio") is not None:  # valued: a decision stored before rates
        return None
    return _(
        "Item %(line)s could not be valued: no exchange rate for %(currency)s on the lodging"
        " day, so no reference price or value threshold applied to it."
    ) % {"line": line_no, "currency": invoiced}


def _newcomers(fields: Mapping[str, Any]) -> list[str]:
    facts = []
    if fields.get("is_new_importer"):
        facts.append(_("This is the importer's first declaration."))
    if fields.get("is_new_seller"):
        facts.append(_("This is the first declaration from this seller."))
    return facts


def _records(fields: Mapping[str, Any]) -> list[str]:
    facts = []
    for role, label in _ROLES.items():
        rate, inspections = fields.get(f"{role}_finding_rate"), fields.get(f"{role}_inspections")
        if rate is None or not inspections or inspections < RECORD_MIN_INSPECTIONS:
            continue
        if rate >= RECORD_RATE:
            facts.append(
                _("The %(role)s's earlier inspections found something in %(rate)s of %(n)s.")
                % {
                    "role": label,
                    "rate": _shown("x_finding_rate", rate),
                    "n": number(inspections, 0),
                }
            )
    return facts


def _fact(name: str, value: Any, currency: str) -> str:
    """A field and its value in words; a true flag is its name alone."""
    if value is True:
        return _(term(name))
    unit = f" {currency}" if name in _MONEY_FIELDS else ""
    return f"{_(term(name))} {_shown(name, value)}{unit}"


def _profile_fact(
    version: ProfileVersion,
    lines: list[int],
    fields: Mapping[int, Mapping[str, Any]],
    currency: str,
) -> str:
    try:
        names = field_names(version.criteria)
    except ProfileError:
        names = []
    first = fields.get(lines[0], {})
    shown = [_fact(n, first[n], currency) for n in names if n in first]
    values = {
        "name": version.profile.name,
        "category": version.get_risk_category_display(),
        "lines": ", ".join(str(n) for n in lines),
        "facts": "; ".join(shown),
    }
    if not shown:
        return (
            ngettext(
                "Profile “%(name)s” (%(category)s) hit item %(lines)s.",
                "Profile “%(name)s” (%(category)s) hit items %(lines)s.",
                len(lines),
            )
            % values
        )
    return ngettext(
        "Profile “%(name)s” (%(category)s) hit item %(lines)s: %(facts)s.",
        "Profile “%(name)s” (%(category)s) hit items %(lines)s (item %(first)s: %(facts)s).",
        len(lines),
    ) % {**values, "first": lines[0]}


def _watchlist(hits: Iterable[Mapping[str, Any]]) -> list[str]:
    facts, seen = [], set()
    for hit in hits:
        if hit.get("entry") in seen:
            continue
        seen.add(hit.get("entry"))
        facts.append(
            _("Watchlist entry %(entry)s (%(kind)s): %(reason)s.")
            % {
                "entry": hit.get("entry"),
                "kind": _(term(str(hit.get("kind")))),
                "reason": hit.get("reason", ""),
            }
        )
    return facts


def line_fields(
    decision: Decision, declaration: Declaration, rows: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """Each item's fields, by line (``rows`` are the declaration page's item rows)."""
    inputs = {row["line_no"]: row for row in decision.inputs}
    return {
        row["item"].line_no: item_fields(declaration, row, inputs.get(row["item"].line_no, {}))
        for row in rows
    }


def factor_text(feature: str, fields: Mapping[str, Any], currency: str) -> str:
    """A model factor in the reader's words: the glossary's term and the item's value."""
    label = _(term(feature))
    if feature in ("valuation_z", "value_ratio"):
        if (ratio := fields.get("value_ratio")) is None:
            return _("%(term)s: no reference price") % {"term": label}
        return _fact("value_ratio", ratio, currency)
    if feature.endswith("_finding_rate"):
        subject = feature.removesuffix("_finding_rate")
        inspections = fields.get(f"{subject}_inspections") or 0
        if not inspections:
            return _("%(term)s: no inspections yet") % {"term": label}
        return _("%(term)s %(rate)s over %(n)s inspections") % {
            "term": label,
            "rate": _shown(feature, fields.get(feature, 0.0)),
            "n": number(inspections, 0),
        }
    source = TRANSFORMED.get(feature, feature)
    if (value := fields.get(source)) is None:
        return _("%(term)s unknown") % {"term": label}
    if value is False:
        return f"{label} {_shown(source, value)}"
    return _fact(source, value, currency)


def summarise(decision: Decision, fields: dict[int, dict[str, Any]], currency: str) -> Summary:
    """``fields``: each item's, by line (line_fields); ``currency``: the national one."""
    summary = Summary()
    categories: list[str] = []
    hit_lines: dict[int, tuple[ProfileVersion, list[int]]] = {}
    for hit in decision.profile_hits.all():
        version = hit.profile_version
        hit_lines.setdefault(version.pk, (version, []))[1].append(hit.line_no)
    for version, lines in hit_lines.values():
        summary.facts.append(_profile_fact(version, sorted(lines), fields, currency))
        categories.append(version.risk_category)
    for line_no, item in sorted(fields.items()):
        if (sentence := _valuation(line_no, item, currency)) is not None:
            summary.facts.append(sentence)
            categories.append(ProfileVersion.RiskCategory.VALUATION)
        if (sentence := _not_valued(line_no, item, currency)) is not None:
            summary.facts.append(sentence)
    summary.facts.extend(_watchlist(decision.watchlist_hits))
    header = fields.get(decision.top_line_no or 1) or next(iter(fields.values()), {})
    summary.facts.extend(_newcomers(header))
    summary.facts.extend(_records(header))
    if decision.reason == Reason.RANDOM:
        summary.facts.append(
            _(
                "Chosen at random for the compliance sample: the check measures compliance, "
                "and nothing unusual has to be found."
            )
        )
    summary.categories = list(dict.fromkeys(categories))
    summary.checks = checks_for(summary.categories, effective_channel(decision))
    return summary


def checks_for(categories: list[str], channel: str) -> list[Check]:
    """What to check: the table's checks for each category (the general ones where none
    is known); those on the goods only for a physical examination. None on release."""
    if channel == Channel.GREEN:
        return []
    wanted = categories or [ProfileVersion.RiskCategory.OTHER]
    on_goods = channel == Channel.RED
    rows = ControlCheck.objects.filter(category__in=wanted, active=True)
    if not on_goods:
        rows = rows.filter(on_goods=False)
    order = {category: position for position, category in enumerate(wanted)}
    return [
        Check(row.category, in_reader_language(row.text, row.text_fr), row.on_goods)
        for row in sorted(rows, key=lambda r: (order[r.category], r.position, r.pk))
    ]

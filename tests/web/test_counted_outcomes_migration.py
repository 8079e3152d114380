"""Upgrading an installation to figures kept by differences: the outcomes and hits stored
before are counted once, and the figures are set to their sums whatever they said before."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("inspections", "0004_finding_revenue"), ("profiles", "0006_profilesetversion_lists")]
AFTER = [("inspections", "0005_countedoutcome"), ("profiles", "0007_profiledeclaration")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    """Migrate the apps of ``targets`` to them, every other app to its latest; the models
    as they then are."""
    executor = MigrationExecutor(connection)
    apps = {app for app, _ in targets}
    nodes = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in apps] + targets
    executor.migrate(nodes)
    executor.loader.build_graph()
    return executor.loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_stored_outcomes_and_hits_are_counted_once_when_upgrading():
    old = _migrate(BEFORE)
    office = old.get_model("reference", "Office").objects.create(code="30", name="")
    trader = old.get_model("traders", "Trader")
    importer = trader.objects.create(role="importer", code="IMP1", inspected=99)
    declarant = trader.objects.create(role="declarant", code="DCL1")
    declaration = old.get_model("declarations", "Declaration")
    stored = []
    for number, day in enumerate((3, 5)):
        stored.append(
            declaration.objects.create(
                declaration_id=f"M-{number}",
                lodged_at=datetime(2021, 2, day, tzinfo=UTC),
                office=office,
                importer=importer,
                declarant=declarant,
                hs_edition="HS2017",
                content_hash="x",
                source="api",
                received_at=datetime(2021, 2, day, tzinfo=UTC),
            )
        )
    inspection = old.get_model("inspections", "Inspection")
    inspection.objects.create(
        declaration=stored[0], finding=True, revenue=Decimal("12.50"), source="api",
        recorded_at=datetime(2021, 2, 6, tzinfo=UTC),
    )  # fmt: skip
    inspection.objects.create(
        declaration=stored[1], finding=False, source="api",
        recorded_at=datetime(2021, 2, 6, tzinfo=UTC),
    )  # fmt: skip
    profile = old.get_model("profiles", "Profile").objects.create(code="PRF-1", name="P")
    version = old.get_model("profiles", "ProfileVersion").objects.create(
        profile=profile, number=1, criteria="true"
    )
    policy = old.get_model("scoring", "PolicyVersion").objects.create(version="p-1", data={})
    profile_set = old.get_model("profiles", "ProfileSetVersion").objects.create(version="s-1")
    decision = old.get_model("scoring", "Decision")
    hit = old.get_model("scoring", "ProfileHit")
    for row in (stored[0], stored[0], stored[1]):  # the first declaration decided twice
        made = decision.objects.create(
            declaration=row, channel="red", reason="mandatory_profile", policy_version=policy,
            profile_set=profile_set, source="api", assessed_at=datetime(2021, 2, 7, tzinfo=UTC),
        )  # fmt: skip
        hit.objects.create(decision=made, profile_version=version, line_no=1)
        hit.objects.create(decision=made, profile_version=version, line_no=2)

    new = _migrate(AFTER)
    counted = new.get_model("inspections", "CountedOutcome").objects.order_by("pk")
    assert [(c.declaration_id, c.finding, c.revenue) for c in counted] == [
        (stored[0].pk, True, Decimal("12.50")),
        (stored[1].pk, False, Decimal("0")),
    ]
    importer = new.get_model("traders", "Trader").objects.get(code="IMP1")
    assert (importer.inspected, importer.findings, importer.revenue) == (2, 1, Decimal("12.50"))
    assert importer.last_finding_lodged_at == datetime(2021, 2, 3, tzinfo=UTC)
    figures = new.get_model("profiles", "Profile").objects.get(code="PRF-1")
    assert (figures.hits, figures.inspected, figures.findings) == (2, 2, 1)
    assert (figures.first_hit_lodged_at, figures.last_hit_lodged_at) == (
        datetime(2021, 2, 3, tzinfo=UTC), datetime(2021, 2, 5, tzinfo=UTC)
    )  # fmt: skip
    _migrate([])  # the latest again, for the tests after this one

"""Stored decisions: one per declaration, explained, replayable, and held when a signal fails."""

import shutil

import pytest
from django.utils import timezone

from portcullis.web.audit.models import AuditEvent
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring import registry
from portcullis.web.scoring.assessing import assess_and_store
from portcullis.web.scoring.engine import build_engine
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.models import Decision, ModelVersion, PolicyVersion, ProfileHit
from portcullis.web.scoring.queries import undecided
from portcullis.web.scoring.replaying import ReplayError, replay
from portcullis.web.usecases import profiles
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.watchlist import EntryInput, add_entry, revoke_entry
from tests.web.acting import active_profile

pytestmark = pytest.mark.django_db


def later_declarations(run_import, kcs_slice) -> list[int]:
    imported = run_import(kcs_slice[1])
    return undecided(imported.result.declaration_ids)


def score(pks: list[int]):
    return assess_and_store(stored_items(pks), build_engine(), Decision.Source.FILE)


def test_training_keeps_an_active_model_and_a_calibrated_policy(trained, settings):
    model = ModelVersion.objects.get()
    assert model == trained.model
    assert model.status == ModelVersion.Status.ACTIVE
    assert (settings.PORTCULLIS_MODELS_DIR / model.version / "meta.json").exists()
    assert model.metadata["training"]["items"] == 2400
    policy = PolicyVersion.objects.get(active=True)
    assert policy == trained.policy
    assert policy.data["thresholds"]["*"]["red"] < 1  # calibrated: something is selected
    assert {"model.register", "model.activate", "policy.activate"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_each_declaration_gets_one_decision_with_what_explains_and_replays_it(
    trained, run_import, kcs_slice, users
):
    profile = active_profile(
        users["analyst"], users["supervisor"], "Chinese goods", criteria='origin_country == "CN"',
        weight=0.1,
    )  # fmt: skip
    pks = later_declarations(run_import, kcs_slice)
    summary = score(pks)
    assert summary.declarations == len(pks) == 600
    assert Decision.objects.count() == 600
    assert undecided(Decision.objects.values_list("declaration__declaration_id", flat=True)) == []
    decision = Decision.objects.filter(declaration__items__origin_country="CN").first()
    assert decision.model_version == trained.model
    assert decision.policy_version == trained.policy
    assert list(decision.profile_set.members.all()) == [profile]
    assert decision.seed_fingerprint
    assert set(decision.draws) == {"random", "explore"}
    assert decision.item_scores[0]["line_no"] == 1
    assert {"importer_finding_rate", "value_ratio", "hs6_origin_inspections"} <= set(
        decision.inputs[0]
    )
    assert ProfileHit.objects.filter(decision=decision, profile_version=profile).exists()
    for stopped in Decision.objects.exclude(channel="green"):
        assert stopped.factors, stopped  # every declaration held or audited is explained
        assert all(f["text"] for f in stopped.factors)
    assert sum(summary.channels.values()) == 600


def test_a_stored_decision_replays_to_the_same_channel_after_history_moved_on(
    trained, run_import, kcs_slice, users
):
    analyst = Actor.person(users["analyst"])
    entry = add_entry(analyst, EntryInput("origin", "CN", "transshipment", 0.3))
    profile = active_profile(
        users["analyst"],
        users["supervisor"],
        "Chinese goods",
        criteria='origin_country == "CN"',
        weight=0.2,
        mandatory=True,
        selection_pct=30,
    )
    score(later_declarations(run_import, kcs_slice))

    # Then outcomes are recorded, the watchlist changes and the profile gets a new version.
    decided = list(Decision.objects.select_related("declaration"))
    for decision in decided[:50]:
        Inspection.objects.filter(declaration=decision.declaration).update(
            finding=True, recorded_at=timezone.now()
        )
    revoke_entry(analyst, entry.code)
    code = profile.profile.code
    profiles.new_version(analyst, code, weight=0.9)
    profiles.submit(analyst, code, 2)
    profiles.approve(Actor.person(users["supervisor"]), code, 2)

    replays = [replay(decision) for decision in decided]
    assert all(r.same for r in replays), [
        (r.decision.pk, r.channel, r.decision.channel) for r in replays if not r.same
    ][:5]
    assert {d.reason for d in decided} >= {"mandatory_profile", "low_risk"}


def test_a_replay_needs_the_seed_the_decision_was_made_with(
    trained, run_import, kcs_slice, settings
):
    score(later_declarations(run_import, kcs_slice)[:20])
    settings.PORTCULLIS_SELECTION_SEED = "an entirely different secret seed"
    with pytest.raises(ReplayError, match="selection seed has changed"):
        replay(Decision.objects.first())


def test_without_a_model_every_declaration_is_held(run_import, kcs_slice):
    run_import(kcs_slice[0])
    summary = score(later_declarations(run_import, kcs_slice))
    assert set(summary.channels) == {"yellow"}  # the default policy's failure channel
    assert set(summary.reasons) == {"signal_failure"}
    decision = Decision.objects.first()
    assert decision.failure == "no model is active"
    assert decision.risk_score is None


def test_a_damaged_model_holds_every_declaration_and_says_why(
    trained, run_import, kcs_slice, settings
):
    folder = settings.PORTCULLIS_MODELS_DIR / trained.model.version
    (folder / "model.txt").write_text("tree\nnonsense", encoding="utf-8")
    registry.load.cache_clear()
    summary = score(later_declarations(run_import, kcs_slice))
    assert set(summary.reasons) == {"signal_failure"}
    assert "green" not in summary.channels
    failure = Decision.objects.first().failure
    assert f"the active model {trained.model.version} cannot be loaded" in failure
    assert "model.txt is missing or was altered" in failure
    shutil.rmtree(folder)
    registry.load.cache_clear()
    assert "meta.json" in build_engine().engine.model_problem


def test_a_profile_on_a_window_over_history_stores_the_figures_it_read_and_replays(
    trained, run_import, kcs_slice, users
):
    profile = active_profile(
        users["analyst"],
        users["supervisor"],
        "Busy importers",
        criteria="importer_declarations_30d >= 1",
        mandatory=True,
    )
    score(later_declarations(run_import, kcs_slice))

    hit = Decision.objects.filter(profile_hits__profile_version=profile).first()
    assert hit is not None
    assert hit.reason == "mandatory_profile"
    assert hit.inputs[0]["importer_declarations_30d"] >= 1
    assert "importer_days_since_first" not in hit.inputs[0]  # not read, not stored
    assert replay(hit).same

"""Targeting profiles: drafts, four-eyes approval, one live version, and a clear no."""

import pytest

from portcullis.web.audit.models import AuditEvent
from portcullis.web.profiles.models import ProfileVersion
from portcullis.web.profiles.services import (
    CriteriaError,
    ProfileWorkflowError,
    approve,
    create_profile,
    edit_draft,
    new_version,
    profile_set,
    reject,
    submit,
    suspend,
)

pytestmark = pytest.mark.django_db
Status = ProfileVersion.Status
CARS = 'hs_chapter == "87" and origin_country in ["CN", "VN"] and value_ratio < 0.5'


def test_it_goes_from_draft_to_active_with_a_second_pair_of_eyes(users):
    draft = create_profile("Cheap cars", users["analyst"], criteria=CARS, weight=0.4)
    assert draft.status == Status.DRAFT
    assert draft.profile.code == f"PRF-{draft.profile.pk:04d}"
    pending = submit(draft, users["analyst"])
    assert pending.status == Status.PENDING
    with pytest.raises(ProfileWorkflowError, match="author of a profile version cannot approve it"):
        approve(pending, users["analyst"])
    active = approve(pending, users["supervisor"])
    assert active.status == Status.ACTIVE
    assert active.approver == users["supervisor"]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_name"))
    assert actions == [
        ("profile.create", "analyst"),
        ("profile.submit", "analyst"),
        ("profile.approve", "supervisor"),
    ]


def test_a_new_version_replaces_the_live_one_only_when_approved(users):
    first = approve(
        submit(create_profile("Cheap cars", users["analyst"], criteria=CARS), users["analyst"]),
        users["supervisor"],
    )
    second = new_version(first.profile, users["analyst"], criteria=CARS.replace("0.5", "0.3"))
    assert second.number == 2
    assert second.weight == first.weight  # the rest carried over
    first.refresh_from_db()
    assert first.status == Status.ACTIVE  # still live while the new one is a draft
    approve(submit(second, users["analyst"]), users["supervisor"])
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert list(ProfileVersion.objects.filter(status=Status.ACTIVE)) == [second]


def test_published_versions_are_frozen(users):
    version = submit(
        create_profile("Cheap cars", users["analyst"], criteria=CARS), users["analyst"]
    )
    with pytest.raises(ProfileWorkflowError, match="only a draft can be edited"):
        edit_draft(version, users["analyst"], weight=0.9)
    rejected = reject(version, users["supervisor"], "too broad")
    assert rejected.status == Status.REJECTED
    with pytest.raises(ProfileWorkflowError, match="pending approval"):
        approve(rejected, users["supervisor"])


def test_a_suspended_profile_leaves_the_set(users):
    live = approve(
        submit(create_profile("Cheap cars", users["analyst"], criteria=CARS), users["analyst"]),
        users["supervisor"],
    )
    engine_set, stored = profile_set([live])
    assert len(engine_set) == 1
    assert list(stored.members.all()) == [live]
    suspend(live, users["supervisor"], "no findings for 90 days")
    with pytest.raises(ProfileWorkflowError, match="only an active version"):
        suspend(live, users["supervisor"])
    again, _ = profile_set([live])
    assert again.version == engine_set.version  # the same versions are the same set


def test_bad_criteria_are_refused_with_where_and_what(users):
    with pytest.raises(CriteriaError) as refused:
        create_profile(
            "Typo", users["analyst"], criteria='improter == "X" and\n  customs_value > "a"'
        )
    problems = [str(p) for p in refused.value.problems]
    assert problems[0] == "line 1, column 1: unknown field 'improter' (did you mean 'importer'?)"
    assert problems[1].startswith("line 2, column 3: cannot compare a number with a text")
    assert not ProfileVersion.objects.exists()


@pytest.mark.parametrize(
    ("choices", "says"),
    [
        ({"weight": 2.0}, "weight must be between 0 and 1"),
        ({"selection_pct": -1}, "selection_pct must be between 0 and 100"),
        ({"colour": "red"}, "unknown profile settings: colour"),
    ],
)
def test_settings_out_of_bounds_are_refused(users, choices, says):
    with pytest.raises(ProfileWorkflowError, match=says):
        create_profile("Bad", users["analyst"], criteria=CARS, **choices)

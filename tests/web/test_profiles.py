"""Targeting profiles: drafts, four-eyes approval, one live version, and a clear no."""

import pytest

from portcullis.web.accounts.roles import Role, ensure_role_groups
from portcullis.web.audit.models import AuditEvent
from portcullis.web.errors import Forbidden, Invalid, NotAllowedNow, TooCostly
from portcullis.web.profiles.compiled import profile_set
from portcullis.web.profiles.models import ProfileVersion
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.profiles import (
    approve,
    create_profile,
    edit_draft,
    new_version,
    reject,
    submit,
    suspend,
)

pytestmark = pytest.mark.django_db
Status = ProfileVersion.Status
CARS = 'hs_chapter == "87" and origin_country in ["CN", "VN"] and value_ratio < 0.5'


@pytest.fixture
def actors(users):
    return {name: Actor.person(user) for name, user in users.items()}


def _active(actors, **settings) -> ProfileVersion:  # type: ignore[no-untyped-def]
    draft = create_profile(actors["analyst"], "Cheap cars", criteria=CARS, **settings)
    submit(actors["analyst"], draft.profile.code, 1)
    return approve(actors["supervisor"], draft.profile.code, 1)


def test_it_goes_from_draft_to_active_with_a_second_pair_of_eyes(actors, users):
    draft = create_profile(actors["analyst"], "Cheap cars", criteria=CARS, weight=0.4)
    assert draft.status == Status.DRAFT
    code = draft.profile.code
    assert code == f"PRF-{draft.profile.pk:04d}"
    pending = submit(actors["analyst"], code, 1)
    assert pending.status == Status.PENDING
    with pytest.raises(Forbidden, match="your role does not allow you to approve"):
        approve(actors["analyst"], code, 1)
    active = approve(actors["supervisor"], code, 1)
    assert active.status == Status.ACTIVE
    assert active.approver == users["supervisor"]
    assert active.cost["single_ms"] > 0  # measured when approved
    actions = list(
        AuditEvent.objects.filter(action__startswith="profile.")
        .order_by("id")
        .values_list("action", "actor_name")
    )
    assert actions == [
        ("profile.create", "analyst"),
        ("profile.submit", "analyst"),
        ("profile.approve", "supervisor"),
    ]


def test_a_new_version_replaces_the_live_one_only_when_approved(actors):
    first = _active(actors)
    code = first.profile.code
    second = new_version(actors["analyst"], code, criteria=CARS.replace("0.5", "0.3"))
    assert second.number == 2
    assert second.weight == first.weight  # the rest carried over
    first.refresh_from_db()
    assert first.status == Status.ACTIVE  # still live while the new one is a draft
    submit(actors["analyst"], code, 2)
    approve(actors["supervisor"], code, 2)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert list(ProfileVersion.objects.filter(status=Status.ACTIVE)) == [second]


def test_published_versions_are_frozen(actors):
    draft = create_profile(actors["analyst"], "Cheap cars", criteria=CARS)
    code = draft.profile.code
    submit(actors["analyst"], code, 1)
    with pytest.raises(NotAllowedNow, match="only a draft can be edited"):
        edit_draft(actors["analyst"], code, 1, weight=0.9)
    rejected = reject(actors["supervisor"], code, 1, "too broad")
    assert rejected.status == Status.REJECTED
    with pytest.raises(NotAllowedNow, match="pending approval"):
        approve(actors["supervisor"], code, 1)


def test_a_suspended_profile_leaves_the_set(actors):
    live = _active(actors)
    engine_set, stored = profile_set([live])
    assert len(engine_set) == 1
    assert list(stored.members.all()) == [live]
    suspend(actors["supervisor"], live.profile.code, 1, "no findings for 90 days")
    with pytest.raises(NotAllowedNow, match="only an active version"):
        suspend(actors["supervisor"], live.profile.code, 1)
    again, _ = profile_set([live])
    assert again.version == engine_set.version  # the same versions are the same set


def test_bad_criteria_are_refused_with_where_and_what(actors):
    with pytest.raises(Invalid) as refused:
        create_profile(
            actors["analyst"], "Typo", criteria='improter == "X" and\n  customs_value > "a"'
        )
    problems = [p.message for p in refused.value.problems]
    assert problems[0] == "line 1, column 1: unknown field 'improter' (did you mean 'importer'?)"
    assert problems[1].startswith("line 2, column 3: cannot compare a number with a text")
    assert {p.field for p in refused.value.problems} == {"criteria"}
    assert not ProfileVersion.objects.exists()


@pytest.mark.parametrize(
    ("choices", "says"),
    [
        ({"weight": 2.0}, "weight must be between 0 and 1"),
        ({"selection_pct": -1}, "selection_pct must be between 0 and 100"),
        ({"colour": "red"}, "unknown profile settings: colour"),
    ],
)
def test_settings_out_of_bounds_are_refused(actors, choices, says):
    with pytest.raises(Invalid, match=says):
        create_profile(actors["analyst"], "Bad", criteria=CARS, **choices)


def test_nobody_who_edited_or_submitted_a_version_approves_it(actors, users, django_user_model):
    """Four eyes hold for whoever touched the version, an administrator included."""
    groups = ensure_role_groups()
    senior = django_user_model.objects.create_user("analyst2", password="x-123-y!")
    senior.groups.set([groups[Role.ANALYST], groups[Role.SUPERVISOR]])  # writes and approves
    other = Actor.person(senior)
    admin = Actor.person(django_user_model.objects.create_superuser("root", password="x-9-y!z"))
    draft = create_profile(actors["analyst"], "Cheap cars", criteria=CARS)
    code = draft.profile.code
    edit_draft(admin, code, 1, weight=0.9)  # the administrator edits the analyst's draft
    submit(other, code, 1)  # a second analyst submits it
    for who in (admin, other):
        with pytest.raises(NotAllowedNow, match="four eyes"):
            approve(who, code, 1)
    active = approve(actors["supervisor"], code, 1)
    assert active.status == Status.ACTIVE
    assert {u.username for u in active.contributors.all()} == {"analyst", "root", "analyst2"}


def test_a_profile_dearer_than_the_bound_is_refused_with_its_measured_cost(actors, settings):
    draft = create_profile(actors["analyst"], "Cheap cars", criteria=CARS)
    submit(actors["analyst"], draft.profile.code, 1)
    settings.PORTCULLIS_PROFILE_MAX_MS = 0.00001  # below any measurable run
    with pytest.raises(TooCostly, match=rf"{draft.profile.code} v1 takes [\d.]+ ms to run on one"):
        approve(actors["supervisor"], draft.profile.code, 1)
    assert ProfileVersion.objects.get(pk=draft.pk).status == Status.PENDING
    settings.PORTCULLIS_PROFILE_MAX_MS = 1.0
    active = approve(actors["supervisor"], draft.profile.code, 1)
    assert active.status == Status.ACTIVE
    assert active.cost["single_ms"] > 0


def test_a_profile_scoped_to_an_office_that_does_not_exist_is_refused_by_name(actors):
    from portcullis.web.errors import Invalid
    from portcullis.web.reference.models import Office
    from portcullis.web.usecases import profiles as profile_cases

    Office.objects.get_or_create(code="30")
    analyst = actors["analyst"]
    with pytest.raises(Invalid) as refused:
        profile_cases.create_profile(
            analyst, "Scoped", criteria='hs_code == "870323"', offices=["30", "99999"]
        )
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("offices", "99999: no such office")
    ]
    kept = profile_cases.create_profile(
        analyst, "Scoped", criteria='hs_code == "870323"', offices=["30"]
    )
    assert kept.offices == ["30"]

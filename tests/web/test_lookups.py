"""``__any``: the many-keys lookup gives what ``__in`` gives, on either database."""

import pytest

from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.importing import import_file
from tests.builders import kcs_row, write_kcs


@pytest.fixture
def stored(tmp_path, settings):
    settings.PORTCULLIS_REJECTS_DIR = tmp_path
    path = write_kcs(tmp_path / "k.csv", [kcs_row(str(n)) for n in range(1, 41)])
    import_file(Actor.system(), path, "kcs")
    return sorted(Declaration.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_any_finds_what_in_finds_by_key_foreign_key_and_through_a_join(stored):
    chosen = stored[::3]
    assert sorted(Declaration.objects.filter(pk__any=chosen).values_list("pk", flat=True)) == (
        sorted(Declaration.objects.filter(pk__in=chosen).values_list("pk", flat=True))
    )
    for lookup in ("declaration_id", "declaration"):
        assert Item.objects.filter(**{f"{lookup}__any": chosen}).count() == (
            Item.objects.filter(declaration_id__in=chosen).count()
        )
    joined = Declaration.objects.filter(pk__any=set(chosen)).values_list(
        "pk", "inspection__finding"
    )
    assert sorted(joined) == sorted(
        Declaration.objects.filter(pk__in=chosen).values_list("pk", "inspection__finding")
    )


@pytest.mark.django_db
def test_any_of_nothing_is_nothing_and_keys_not_stored_are_not_found(stored):
    assert not Declaration.objects.filter(pk__any=[]).exists()
    assert not Declaration.objects.filter(pk__any=[max(stored) + 1]).exists()
    assert Declaration.objects.exclude(pk__any=[]).count() == len(stored)
    assert Declaration.objects.filter(pk__any=stored[:1]).count() == 1


@pytest.mark.django_db
def test_any_takes_keys_only():
    with pytest.raises((TypeError, ValueError)):
        list(Declaration.objects.filter(pk__any=["1 OR 1=1"]))

"""The bulk write helpers, on whichever database the suite runs on."""

import threading

import pytest
from django.db import connection, transaction

from portcullis.web.bulk import get_or_create_many, reserve_ids
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.storing import PartyIds
from portcullis.web.reference.models import Office
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.importing import import_file
from tests.builders import kcs_row, write_kcs


@pytest.mark.django_db
def test_reserved_ids_are_fresh_and_never_reused():
    with transaction.atomic():
        first = reserve_ids(Office, 3)
        Office.objects.bulk_create(Office(pk=pk, code=f"O{pk}") for pk in first)
    with transaction.atomic():
        second = reserve_ids(Office, 2)
    assert len(set(first + second)) == 5
    assert min(second) > max(first)


@pytest.mark.django_db
def test_get_or_create_many_creates_only_what_is_missing():
    existing = Trader.objects.create(role="importer", code="A")
    keys = {("importer", "A"), ("importer", "B"), ("seller", "A")}
    found = get_or_create_many(
        Trader,
        ("role", "code"),
        keys,
        {"name": "", "aeo_status": "none", "first_seen_at": existing.first_seen_at},
    )
    assert found[("importer", "A")] == existing.pk
    assert Trader.objects.count() == 3
    assert get_or_create_many(Trader, ("role", "code"), keys, {}) == found


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_one_file_store_each_declaration_once(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (SQLite serialises them)")
    settings.PORTCULLIS_REJECTS_DIR = tmp_path
    path = write_kcs(tmp_path / "k.csv", [kcs_row(str(n)) for n in range(1, 301)])
    results, errors = [], []

    def run() -> None:
        try:
            results.append(import_file(Actor.system(), path, "kcs").batch)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Declaration.objects.count() == 300
    assert sum(batch.stored for batch in results) == 300
    assert sum(batch.unchanged for batch in results) == 600
    assert Trader.objects.filter(code="IMP0001").count() == 1


def test_forgetting_party_ids_leaves_a_running_attempt_its_ids():
    # A submission thread that found an id among the kept ones reads it again a moment
    # later; another thread's failed attempt forgetting the kept ids must not take it away.
    known = PartyIds()
    known.traders[("importer", "IMP1")] = 7
    running = known.attempt()
    assert ("importer", "IMP1") in running.traders
    known.forget()
    assert running.traders[("importer", "IMP1")] == 7
    assert ("importer", "IMP1") not in known.attempt().traders
    running.traders[("importer", "IMP2")] = 8
    known.keep(running)
    assert dict(known.traders) == {("importer", "IMP2"): 8}

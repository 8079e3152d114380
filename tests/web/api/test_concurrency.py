"""Identical submissions racing each other: one declaration, one decision, one answer."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from portcullis.web.accounts.scopes import Scope
from portcullis.web.declarations.models import Declaration
from portcullis.web.scoring.models import Decision
from tests.builders import declaration


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_submissions_make_one_decision(trained, api_as):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (SQLite serialises them)")
    # One clearance system retrying over four connections (another system's declaration
    # under the same id would be a conflict: it is not this system's to read).
    apis = [api_as("clearance", Scope.SUBMIT) for _ in range(4)]
    start = threading.Barrier(len(apis))
    replies, errors = [], []

    def send(api) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            replies.append(api.post("/declarations", declaration("RACE-1")))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(api,)) for api in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.status_code for r in replies) == [200, 200, 200, 201]
    assert len({r.json()["decision"]["id"] for r in replies}) == 1
    assert Declaration.objects.filter(declaration_id="RACE-1").count() == 1
    assert Decision.objects.filter(declaration__declaration_id="RACE-1").count() == 1

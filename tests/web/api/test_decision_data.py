"""What a submission answers with, built as plain values, is what the decision's schema
gives: the same fields, nested the same way, with the same values."""

from __future__ import annotations

import pytest

from portcullis.web.api.schemas import DecisionOut, decision_data
from portcullis.web.scoring.models import Decision
from tests.builders import declaration
from tests.web.acting import cars_sent_red, lodge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_engine")]


def test_plain_values_and_the_schema_agree(users, trained):
    cars_sent_red(users)
    (submitted,) = lodge(declaration("DATA-1"))
    for decision in (submitted.decision, Decision.objects.get(pk=submitted.decision.pk)):
        plain = decision_data(decision, "DATA-1")
        assert plain["profile_hits"]
        assert plain["factors"]
        assert plain["items"]
        assert DecisionOut(**plain).model_dump() == plain

"""What a serving history holds, told by keys: new rows and rows committed late are read,
each once; the keys listed stay those of the last minute or so; a row held that is gone, or
a full count that disagrees, makes the history be read again."""

from __future__ import annotations

import math

import pytest
from django.db.models import Max

from portcullis.web.declarations.models import Item
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.held import (
    HORIZON,
    VERIFY,
    Held,
    HeldRows,
    ReadAgain,
    stored_since,
    verified,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(trained):
    """The items stored, and a way to store one more under a chosen key (as a transaction
    that took its key earlier and committed later would)."""
    template = Item.objects.order_by("pk").values().first()
    lines = iter(range(900, 1000))

    def add(key: int) -> int:
        Item.objects.create(**{**template, "id": key, "line_no": next(lines)})
        return key

    last = Item.objects.aggregate(last=Max("pk"))["last"]
    return HeldRows.up_to(Item.objects.count(), last, 0.0), add


def test_new_rows_and_rows_committed_late_are_read_once(stored):
    held, add = stored
    top = held.settled
    add(top + 5)
    new, held = stored_since(Item, held, 1.0)
    assert [key for key, _ in new] == [top + 5]
    add(top + 2)  # committed after a row with a higher key
    add(top + 9)
    new, held = stored_since(Item, held, 2.0)
    assert [key for key, _ in new] == [top + 2, top + 9]
    new, held = stored_since(Item, held, 3.0)
    assert new == []
    assert held.total == Item.objects.count()


def test_the_keys_listed_are_those_of_the_last_horizon(stored):
    held, add = stored
    top = held.settled
    add(top + 1)
    _, held = stored_since(Item, held, 1.0)
    add(top + 2)
    _, held = stored_since(Item, held, 2.0)
    assert held.settled == top
    assert held.above == {top + 1, top + 2}
    _, held = stored_since(Item, held, 1.5 + HORIZON)  # the mark at 1.0 is old enough
    assert held.settled == top + 1
    assert held.above == {top + 2}
    _, held = stored_since(Item, held, 3.0 + 2 * HORIZON)
    assert held.settled == top + 2
    assert held.above == frozenset()


def test_a_row_held_that_is_gone_reads_history_again(stored):
    held, add = stored
    top = held.settled
    add(top + 1)
    add(top + 2)
    _, held = stored_since(Item, held, 1.0)
    Item.objects.filter(pk=top + 1).delete()
    with pytest.raises(ReadAgain):
        stored_since(Item, held, 2.0)


def test_a_full_count_that_disagrees_reads_history_again(stored):
    held, add = stored
    outcomes = HeldRows.up_to(Inspection.objects.count(), 0, 0.0)
    whole = Held(held, outcomes, 0, -math.inf)
    counted = verified(whole, Item, Inspection, 1.0)
    assert counted.verified == 1.0
    add(0)  # under the settled key: only a full count sees it
    assert verified(counted, Item, Inspection, 1.0 + VERIFY / 2) is counted  # not counted yet
    with pytest.raises(ReadAgain):
        verified(counted, Item, Inspection, 1.0 + VERIFY)

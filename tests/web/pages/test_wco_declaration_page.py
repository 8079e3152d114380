"""A declaration received as a WCO message shows on its page what the message left out and
what was put there, with its additional codes, as stored text (never markup)."""

from __future__ import annotations

import pytest

from tests.builders import WCO_SAMPLES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not WCO_SAMPLES.is_dir(), reason="../shared is not beside the checkout"),
]


def test_the_page_says_what_was_filled_in(run_import, as_user):
    run_import(WCO_SAMPLES, "wco")
    page = as_user("admin").get("/declarations/TT_IM01b_v1.7_220322_1/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not in the message, filled in on receipt" in text
    assert "the default office HQ: the message has no SupervisingOffice" in text
    cocoa = as_user("admin").get("/declarations/7849431OU9IZ/").content.decode()
    assert "1804000000" in cocoa
    assert "+ VATZ" in cocoa
    assert "Chicago Cocoa Company" in cocoa  # the exporter, named without an id (DE 3/1)
    assert "filled in on receipt" not in cocoa

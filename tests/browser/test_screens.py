"""A screenshot of every page, each opened by a role that may see it, with no console
error: the watchlist, the trader view, the model registry, the audit trail, sign-in."""

from __future__ import annotations

import pytest

from portcullis.web.scoring.models import ModelVersion

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_every_other_page_renders_cleanly(site, visit):
    visit.go("/login/")
    visit.screenshot("login")
    visit.sign_in("admin")
    for name, path in [
        ("watchlist", "/watchlist/"),
        ("trader", "/traders/importer/IMP0001/"),
        ("models", "/models/"),
        ("model", f"/models/{ModelVersion.objects.get(status='active').version}/"),
        ("audit", "/audit/"),
    ]:
        response = visit.go(path)
        assert response.status == 200, path
        visit.page.wait_for_load_state("networkidle")
        visit.screenshot(name)
    visit.go("/models/")
    visit.page.get_by_role("button", name="Retrain: a challenger against the active model").click()
    visit.page.get_by_role("progressbar", name="Training progress").wait_for()  # the job's bar
    visit.screenshot("models-training")

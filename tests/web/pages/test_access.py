"""Each role against each page, allowed and denied; anonymous visitors sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from portcullis.web.scoring.models import Decision, ModelVersion

pytestmark = pytest.mark.django_db

ALL = {"admin", "analyst", "supervisor", "officer", "auditor"}
# page -> the roles that may open it; every other role gets 403 (or 404, noted)
PAGES = {
    "dashboard": ALL,
    "monthly report": ALL,
    "worklist": {"admin", "supervisor", "officer", "auditor"},
    "declaration mine": ALL,
    "declaration theirs": ALL - {"officer"},  # the officer is posted elsewhere: 404
    "inspection form": {"admin", "officer"},
    "profiles": {"admin", "analyst", "supervisor", "auditor"},
    "profile": {"admin", "analyst", "supervisor", "auditor"},
    "new profile": {"admin", "analyst"},
    "watchlist": {"admin", "analyst", "supervisor", "auditor"},
    "trader": ALL,
    "models": {"admin", "analyst", "supervisor", "auditor"},
    "model": {"admin", "analyst", "supervisor", "auditor"},
    "audit": {"admin", "supervisor", "auditor"},
}


def _url(page: str, site) -> str:  # type: ignore[no-untyped-def]
    return {
        "dashboard": reverse("dashboard"),
        "monthly report": reverse("report_xlsx"),
        "worklist": reverse("worklist"),
        "declaration mine": reverse("declaration", args=[site.mine]),
        "declaration theirs": reverse("declaration", args=[site.theirs]),
        "inspection form": reverse("inspection_record", args=[site.mine]),
        "profiles": reverse("profiles"),
        "profile": reverse("profile", args=[site.profile]),
        "new profile": reverse("profile_create"),
        "watchlist": reverse("watchlist"),
        "trader": reverse("trader", args=["importer", "IMP0001"]),
        "models": reverse("models"),
        "model": reverse("model", args=[ModelVersion.objects.get(status="active").version]),
        "audit": reverse("audit"),
    }[page]


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_opens_its_pages_and_no_others(site, as_user, role):
    client = as_user(role)
    for page, allowed in PAGES.items():
        status = client.get(_url(page, site)).status_code
        denied = 404 if page == "declaration theirs" else 403
        assert status == (200 if role in allowed else denied), f"{role} on {page}: {status}"


def _post_url(action: str, site) -> str:  # type: ignore[no-untyped-def]
    decision = Decision.objects.get(declaration__declaration_id=site.mine)
    return {
        "assign": reverse("worklist_assign", args=[site.mine]),
        "record": reverse("inspection_record", args=[site.mine]),
        "override": reverse("decision_override", args=[decision.pk]),
        "replay": reverse("decision_replay", args=[decision.pk]),
        "approve": reverse("profile_step", args=[site.profile, 1, "approve"]),
        "new version": reverse("profile_step", args=[site.profile, 1, "new"]),
        "suspend": reverse("profile_step", args=[site.profile, 1, "suspend"]),
        "watchlist add": reverse("watchlist"),
        "train": reverse("models_train"),
        "drift": reverse("models_drift"),
        "check criteria": reverse("profile_check"),
    }[action]


ACTIONS = {
    "assign": {"admin", "officer"},
    "record": {"admin", "officer"},
    "override": {"admin", "supervisor"},
    "replay": ALL,
    "approve": {"admin", "supervisor"},
    "new version": {"admin", "analyst"},
    "suspend": {"admin", "analyst", "supervisor"},
    "watchlist add": {"admin", "analyst"},
    "train": {"admin"},
    "drift": {"admin"},
    "check criteria": {"admin", "analyst"},
}


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_may_do_only_what_its_role_allows(site, as_user, role):
    client = as_user(role)
    for action, allowed in ACTIONS.items():
        status = client.post(_post_url(action, site), {}).status_code
        if role in allowed:
            assert status != 403, f"{role} refused {action}"
        else:
            assert status == 403, f"{role} allowed {action}: {status}"


def _page_patterns() -> list[URLPattern]:
    skipped = ("login", "logout", "set_language")
    return [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and p.name and p.name not in skipped
    ]


@pytest.mark.parametrize("pattern", _page_patterns(), ids=lambda p: p.name)
def test_every_page_sends_anonymous_visitors_to_sign_in(client, pattern):
    arguments = {
        name: "1" if name in ("pk", "number") else "X" for name in pattern.pattern.converters
    }
    url = reverse(pattern.name, kwargs=arguments)
    for send in (client.get, client.post):
        response = send(url)
        assert response.status_code in (302, 405), f"{url}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))


def test_the_navigation_shows_each_role_only_its_pages(site, as_user):
    officer = as_user("officer").get(reverse("dashboard")).content.decode()
    assert 'href="/worklist/"' in officer
    assert 'href="/profiles/"' not in officer
    assert 'href="/audit/"' not in officer
    analyst = as_user("analyst").get(reverse("dashboard")).content.decode()
    assert 'href="/profiles/"' in analyst
    assert 'href="/worklist/"' not in analyst

"""Django's administration site is the administrator's alone: every other role works in the
application's own pages (tests/web/pages), and is sent to sign in there."""

import pytest
from django.urls import reverse

from portcullis.web.cli.demo.users import ensure_demo_users
from portcullis.web.declarations.models import Declaration
from tests.builders import declaration, kcs_row, write_json, write_kcs

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(tmp_path, run_import):
    run_import(write_kcs(tmp_path / "k.csv", [kcs_row("A-1")]))
    ensure_demo_users(tmp_path)
    from django.contrib.auth import get_user_model

    return {user.username: user for user in get_user_model().objects.all()}


@pytest.mark.parametrize("username", ["analyst", "supervisor", "officer", "auditor"])
def test_only_the_administrator_opens_the_administration_site(client, users, username):
    url = reverse("admin:declarations_declaration_changelist")
    client.force_login(users[username])
    assert client.get(url).status_code == 302  # to the admin's own sign-in: not staff
    client.force_login(users["admin"])
    assert client.get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("admin:declarations_declaration_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_imported_text_is_shown_escaped(client, users, tmp_path, run_import):
    items = [{**declaration()["items"][0], "description": "<script>alert('x')</script>"}]
    run_import(write_json(tmp_path / "d.json", [declaration("X-1", items=items)]), "json")
    pk = Declaration.objects.get(declaration_id="X-1").pk
    url = reverse("admin:declarations_declaration_change", args=[pk])
    client.force_login(users["admin"])
    page = client.get(url)
    assert page.status_code == 200
    assert b"<script>alert(" not in page.content
    assert b"&lt;script&gt;alert(" in page.content

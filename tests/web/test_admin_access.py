"""Until the application's own pages exist, the administration site is how people look at
the data: each role may look at what it works with and change nothing there."""

import pytest
from django.urls import reverse

from portcullis.web.accounts.demo_users import ensure_demo_users
from portcullis.web.declarations.models import Declaration
from tests.builders import declaration, kcs_row, write_json, write_kcs

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(tmp_path, run_import):
    run_import(write_kcs(tmp_path / "k.csv", [kcs_row("A-1")]))
    return {user.username: user.password for user in ensure_demo_users(tmp_path)}


def login(client, users, username):
    assert client.login(username=username, password=users[username])
    return client


@pytest.mark.parametrize("username", ["admin", "analyst", "officer"])
def test_every_role_can_list_declarations_but_not_add_or_delete_them(client, users, username):
    login(client, users, username)
    pk = Declaration.objects.get().pk
    assert client.get(reverse("admin:declarations_declaration_changelist")).status_code == 200
    assert client.get(reverse("admin:declarations_declaration_add")).status_code == 403
    delete = reverse("admin:declarations_declaration_delete", args=[pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Declaration.objects.filter(pk=pk).exists()


def test_officers_do_not_see_import_runs_but_analysts_do(client, users):
    url = reverse("admin:declarations_importbatch_changelist")
    assert login(client, users, "officer").get(url).status_code == 403
    client.logout()
    assert login(client, users, "analyst").get(url).status_code == 200


@pytest.mark.parametrize(
    ("page", "officer", "analyst"),
    [
        ("admin:scoring_decision_changelist", 200, 200),
        ("admin:profiles_profileversion_changelist", 403, 200),
        ("admin:intelligence_watchlistentry_changelist", 403, 200),
        ("admin:scoring_modelversion_changelist", 403, 200),
        ("admin:audit_auditevent_changelist", 403, 200),
    ],
)
def test_risk_records_are_shown_to_the_roles_that_work_with_them(
    client, users, page, officer, analyst
):
    url = reverse(page)
    assert login(client, users, "officer").get(url).status_code == officer
    client.logout()
    assert login(client, users, "analyst").get(url).status_code == analyst
    assert client.get(url + "add/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("admin:declarations_declaration_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_imported_text_is_shown_escaped(client, users, tmp_path, run_import):
    items = [{**declaration()["items"][0], "description": "<script>alert('x')</script>"}]
    run_import(write_json(tmp_path / "d.json", [declaration("X-1", items=items)]), "json")
    pk = Declaration.objects.get(declaration_id="X-1").pk
    url = reverse("admin:declarations_declaration_change", args=[pk])
    page = login(client, users, "admin").get(url)
    assert page.status_code == 200
    assert b"<script>alert(" not in page.content
    assert b"&lt;script&gt;alert(" in page.content

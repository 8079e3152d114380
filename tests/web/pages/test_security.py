"""Sign-in, passwords, headers and escaping."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portcullis.web import settings as configured
from portcullis.web.declarations.models import Declaration
from tests.web.pages.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2():
    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()  # argon2-cffi is installed and works
    hashed = hasher.encode("s3cret-enough", hasher.salt())
    assert hashed.startswith("argon2$")
    assert hasher.verify("s3cret-enough", hashed)


def test_signing_in_through_the_page(people):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    wrong = client.post(reverse("login"), {"username": "officer", "password": "nope"})
    assert "The username or password is wrong" in wrong.content.decode()
    right = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert right.status_code == 302
    assert right["Location"] == reverse("dashboard")
    assert client.get(reverse("worklist")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("worklist")).status_code == 302


def test_repeated_wrong_passwords_lock_the_username_out(people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "analyst", "password": "guess"})
    locked = client.post(reverse("login"), {"username": "analyst", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    # Another user from the same address is not locked out.
    other = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert other.status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_scripts(site, as_user):
    latest = timezone.localtime(Declaration.objects.latest("lodged_at").lodged_at).date()
    response = as_user("admin").get(f"{reverse('dashboard')}?until={latest:%Y-%m-%d}")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html  # only <script src=...> and JSON data blocks
    assert 'type="application/json"' in html


def test_imported_text_is_shown_as_text(site, as_user):
    from tests.builders import declaration
    from tests.web.acting import lodge

    items = [{**declaration()["items"][0], "description": "<script>alert('x')</script>"}]
    lodge(declaration("X-1", items=items, office="30"))
    page = as_user("officer").get(reverse("declaration", args=["X-1"])).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page


def test_session_cookies_are_http_only_and_end_with_the_browser():
    assert configured.SESSION_COOKIE_HTTPONLY
    assert configured.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert configured.CSRF_COOKIE_SAMESITE == "Lax"

"""Response headers that make the pages safe to show data from outside in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Scripts, styles and everything else come from Portcullis itself: no inline script, no
# inline style, nothing evaluated from text. Data reaches scripts as JSON in <script
# type="application/json"> (json_script), which the browser never runs.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The API's answers are data, never a page: nothing in them may load or run anything. Its
# docs page (django-ninja's Swagger UI, from our own assets) is a page like the others, but
# Swagger UI sets style attributes as it draws.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
_DOCS = "/api/v1/docs"


class ContentSecurityPolicyMiddleware:
    """The content security policy of every answer, and no caching of what a signed-in
    person or an API client was shown (a shared terminal at the border, a proxy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        api = request.path.startswith("/api/")
        docs = request.path.startswith(_DOCS)
        policy = DOCS_POLICY if docs else API_POLICY if api else POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        if api or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response

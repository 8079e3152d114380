"""Response headers that make the pages safe to show data from outside in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
# The API answers JSON (no policy needed) and its Swagger page is django-ninja's own, which
# needs an inline script; it is served from our own assets all the same.
_EXEMPT = ("/api/",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(_EXEMPT):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response

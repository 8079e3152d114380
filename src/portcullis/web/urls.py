from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views import defaults
from django.views.generic import RedirectView

from portcullis.web.api import problems
from portcullis.web.api.app import api
from portcullis.web.api.problems import Problem

urlpatterns = [
    # Until the application's own pages exist, the administration site is the way in.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]


def _not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Under /api/, a problem+json answer like every other API error; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        detail = "no such resource; the operations are listed at /api/v1/docs"
        return problems.response(request, Problem(404, "not-found", "Not found", detail))
    return defaults.page_not_found(request, exception)


handler404 = _not_found

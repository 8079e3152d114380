import sys

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from django.views.generic import RedirectView

from portcullis.web.api import problems
from portcullis.web.api.app import api
from portcullis.web.api.problems import Problem
from portcullis.web.pages import errors as page_errors
from portcullis.web.pages.views import accounts as accounts
from portcullis.web.pages.views import audit as audit
from portcullis.web.pages.views import decisions as decisions_pages
from portcullis.web.pages.views import declarations as declarations
from portcullis.web.pages.views import docs as docs_pages
from portcullis.web.pages.views import inspections as inspections
from portcullis.web.pages.views import lists as list_pages
from portcullis.web.pages.views import models as model_pages
from portcullis.web.pages.views import monitoring as monitoring
from portcullis.web.pages.views import profiles as profiles
from portcullis.web.pages.views import search as search_pages
from portcullis.web.pages.views import traders as traders
from portcullis.web.pages.views import watchlist as watchlist_pages

# Declaration ids are the clearance system's (letters, digits, dashes): no slashes.
DECLARATION = "declarations/<str:declaration_id>/"
PROFILE = "profiles/<str:code>/"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
    path("login/", accounts.SignIn.as_view(), name="login"),
    path("logout/", accounts.SignOut.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", monitoring.dashboard, name="dashboard"),
    path("dashboard/compliance.csv", monitoring.compliance_csv, name="dashboard_compliance"),
    path("reports/monthly.xlsx", monitoring.monthly_report_file, {"kind": "xlsx"}, "report_xlsx"),
    path("reports/monthly.pdf", monitoring.monthly_report_file, {"kind": "pdf"}, "report_pdf"),
    path("worklist/", inspections.worklist_page, name="worklist"),
    path(DECLARATION, declarations.detail, name="declaration"),
    path(DECLARATION + "assign/", inspections.assign, name="worklist_assign"),
    path(DECLARATION + "inspection/", inspections.record, name="inspection_record"),
    path(DECLARATION + "inspection/correct/", inspections.correct, name="inspection_correct"),
    path(
        DECLARATION + "amendment-authorisation/",
        declarations.authorise_amendment,
        name="amendment_authorise",
    ),
    path("decisions/<int:pk>/replay/", decisions_pages.replay_decision, name="decision_replay"),
    path(
        "decisions/<int:pk>/override/", decisions_pages.override_decision, name="decision_override"
    ),
    path("profiles/", profiles.index, name="profiles"),
    path("profiles/new/", profiles.create, name="profile_create"),
    path("profiles/check/", profiles.check, name="profile_check"),
    path("profiles/preview/", profiles.preview, name="profile_preview"),
    path("profiles/backtest/", profiles.backtest, name="profile_backtest"),
    path(PROFILE, profiles.detail, name="profile"),
    path(PROFILE + "draft/", profiles.edit, name="profile_edit"),
    path(PROFILE + "<int:number>/<str:step>/", profiles.step, name="profile_step"),
    path("watchlist/", watchlist_pages.index, name="watchlist"),
    path("watchlist/<str:code>/revoke/", watchlist_pages.revoke_entry, name="watchlist_revoke"),
    path("lists/", list_pages.index, name="lists"),
    path("lists/<str:code>/", list_pages.detail, name="lists_detail"),
    path("traders/<str:role>/<str:code>/", traders.detail, name="trader"),
    path("search/", search_pages.index, name="search"),
    path("models/", model_pages.models, name="models"),
    path("models/train/", model_pages.train, name="models_train"),
    path("models/drift/", model_pages.check_drift, name="models_drift"),
    path("models/<str:version>/", model_pages.model_detail, name="model"),
    path("models/<str:version>/activate/", model_pages.activate, name="models_activate"),
    path("jobs/<int:pk>/progress/", model_pages.job_progress, name="job_progress"),
    path("audit/", audit.trail, name="audit"),
    path("docs/<slug:name>/", docs_pages.page, name="doc"),
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


def _server_error(request: HttpRequest) -> HttpResponse:
    """A fault outside any view (saving the session, say): problem+json under /api/."""
    if request.path.startswith("/api/"):
        return problems.response(request, problems.fault(request, sys.exc_info()[1]))
    return page_errors.server_error(request)


handler500 = _server_error

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from portcullis.web.api.app import api

urlpatterns = [
    # Until the application's own pages exist, the administration site is the way in.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

"""Signing in and out."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views


class SignIn(views.LoginView):
    template_name = "pages/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "limit": settings.AXES_FAILURE_LIMIT}


class SignOut(views.LogoutView):
    pass

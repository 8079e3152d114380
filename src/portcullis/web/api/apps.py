from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portcullis.web.api"
    label = "api"
    verbose_name = "API and serving"

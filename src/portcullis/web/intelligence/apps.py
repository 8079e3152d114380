from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "portcullis.web.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence and watchlists"

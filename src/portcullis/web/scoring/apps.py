from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "portcullis.web.scoring"
    label = "scoring"
    verbose_name = "Risk assessment"

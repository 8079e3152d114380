from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "portcullis.web.inspections"
    label = "inspections"

from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "portcullis.web.reference"
    label = "reference"
    verbose_name = "Reference data"

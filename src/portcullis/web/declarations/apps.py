from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "portcullis.web.declarations"
    label = "declarations"

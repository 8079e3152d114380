from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "portcullis.web.demo"
    label = "demo"

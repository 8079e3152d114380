from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "portcullis.web.jobs"
    label = "jobs"

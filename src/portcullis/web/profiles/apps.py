from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "portcullis.web.profiles"
    label = "profiles"
    verbose_name = "Targeting profiles"

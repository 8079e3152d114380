from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProfilesConfig(AppConfig):
    name = "portcullis.web.profiles"
    label = "profiles"
    verbose_name = "Targeting profiles"

    def ready(self) -> None:
        from portcullis.web.profiles.default_checks import seed_checks

        post_migrate.connect(seed_checks, sender=self, dispatch_uid="profiles.seed_checks")

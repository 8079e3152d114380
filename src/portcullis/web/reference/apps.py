from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReferenceConfig(AppConfig):
    name = "portcullis.web.reference"
    label = "reference"
    verbose_name = "Reference data"

    def ready(self) -> None:
        from portcullis.web.reference.default_codes import seed_code_labels

        post_migrate.connect(
            seed_code_labels, sender=self, dispatch_uid="reference.seed_code_labels"
        )

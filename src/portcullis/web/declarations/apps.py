from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "portcullis.web.declarations"
    label = "declarations"

    def ready(self) -> None:
        from portcullis.web.lookups import register

        register()  # ``__any``, for the many keys of a batch (web.lookups)

from django.apps import AppConfig


class CliConfig(AppConfig):
    """The `portcullis <command>` entry point: every management command lives here."""

    name = "portcullis.web.cli"
    label = "cli"

from django.apps import AppConfig


class PagesConfig(AppConfig):
    """What every page shares: the layout, navigation, access checks, assets, sign-in."""

    name = "portcullis.web.pages"
    label = "pages"

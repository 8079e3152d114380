from django.apps import AppConfig


class TradersConfig(AppConfig):
    name = "portcullis.web.traders"
    label = "traders"

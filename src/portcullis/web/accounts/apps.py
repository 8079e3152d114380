from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portcullis.web.accounts"
    label = "accounts"

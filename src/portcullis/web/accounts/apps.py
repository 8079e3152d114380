from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _role_groups(sender: AppConfig, **kwargs: object) -> None:
    """Every migration leaves the role groups holding what roles.py grants them, so that a
    permission added by an upgrade reaches the people who hold the role."""
    from portcullis.web.accounts.roles import ensure_role_groups

    ensure_role_groups()


class AccountsConfig(AppConfig):
    name = "portcullis.web.accounts"
    label = "accounts"

    def ready(self) -> None:
        # After the last app's permissions exist (contenttypes and auth create them on
        # post_migrate too): connected for this app, which is installed after theirs.
        post_migrate.connect(_role_groups, sender=self, dispatch_uid="portcullis-role-groups")

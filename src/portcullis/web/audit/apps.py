from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "portcullis.web.audit"
    label = "audit"
    verbose_name = "Audit trail"

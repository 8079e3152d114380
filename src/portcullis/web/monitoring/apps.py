from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Figures on how the flow and the selection are doing: the dashboard."""

    name = "portcullis.web.monitoring"
    label = "monitoring"

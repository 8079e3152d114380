from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The outbox: what the clearance system is told of, and to whom it is delivered."""

    name = "portcullis.web.events"
    label = "events"
    verbose_name = "Events"

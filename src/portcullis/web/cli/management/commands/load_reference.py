from django.core.management.base import BaseCommand

from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor


class Command(BaseCommand):
    help = "Load the bundled HS nomenclature editions and the country list (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts = reference.load(Actor.command())
        self.stdout.write(
            f"Reference data: {counts.editions} HS editions, {counts.hs_codes:,} HS codes, "
            f"{counts.countries} countries."
        )

from django.core.management.base import BaseCommand

from portcullis.web.reference.services import load_reference


class Command(BaseCommand):
    help = "Load the bundled HS nomenclature editions and the country list (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts = load_reference()
        self.stdout.write(
            f"Reference data: {counts.editions} HS editions, {counts.hs_codes:,} HS codes, "
            f"{counts.countries} countries."
        )

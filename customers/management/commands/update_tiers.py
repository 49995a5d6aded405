from django.core.management.base import BaseCommand

from customers.tiers import update_tiers


class Command(BaseCommand):
    help = "Moves down the customers whose tier measure fell below their tier (promotions.md)."

    def handle(self, *args, **options):
        self.stdout.write(f"moved {update_tiers()} customers down")

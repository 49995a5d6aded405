from django.core.management.base import BaseCommand

from customers.ledger import expire_lots


class Command(BaseCommand):
    help = "Posts expiry entries for the lots of points that have expired (idempotent)."

    def handle(self, *args, **options):
        count = expire_lots()
        self.stdout.write(f"expired {count} lots")

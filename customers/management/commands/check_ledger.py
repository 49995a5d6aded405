from django.core.management.base import BaseCommand, CommandError

from customers.models import Account
from customers.selectors import check_ledger


class Command(BaseCommand):
    help = "Verifies every account's balance against its entries and its lots."

    def handle(self, *args, **options):
        problems = check_ledger()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"ledger has {len(problems)} mismatches")
        self.stdout.write(f"ledger OK: {Account.objects.count()} accounts")

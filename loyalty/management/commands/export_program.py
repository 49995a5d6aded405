"""`manage.py export_program <program-id>`: the program document on stdout."""

import json

from django.core.management.base import BaseCommand, CommandError

from loyalty.models import Program
from loyalty.program_io import export_program


class Command(BaseCommand):
    help = "Print a loyalty program as a JSON document (docs/program-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("program_id", type=int, help="the program's database id")

    def handle(self, *args, program_id, **options):
        # An operator command: it sees every business, so the id alone names the program.
        program = Program.objects.select_related("business").filter(pk=program_id).first()
        if program is None:
            raise CommandError(f"There is no program with id {program_id}.")
        document = export_program(program)
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))

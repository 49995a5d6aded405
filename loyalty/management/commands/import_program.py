"""`manage.py import_program <file> --business <slug>`: load a program document."""

import sys

from django.core.management.base import BaseCommand, CommandError

from loyalty.models import Business
from loyalty.program_io import ProgramImportError, import_program, parse_document


class Command(BaseCommand):
    help = (
        "Import a loyalty program document (docs/program-format.md) into a business; "
        "all or nothing, and importing the same document again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the JSON document, or - for stdin")
        parser.add_argument("--business", required=True, help="slug of the target business")
        parser.add_argument(
            "--create-business",
            action="store_true",
            help="create the business first when no business has that slug",
        )
        parser.add_argument("--name", help="name of a created business (default: the brand)")
        parser.add_argument("--currency", default="UAH")
        parser.add_argument("--timezone", default="Europe/Kyiv")
        parser.add_argument("--phone-region", default="UA")
        parser.add_argument("--language", default="uk")

    def handle(self, *args, **options):
        raw = self.read(options["file"])
        slug = options["business"]
        create_kwargs = None
        if options["create_business"]:
            create_kwargs = {
                "currency": options["currency"],
                "timezone": options["timezone"],
                "phone_region": options["phone_region"],
                "language": options["language"],
            }
            if options["name"]:
                create_kwargs["name"] = options["name"]
        elif not Business.objects.filter(slug=slug).exists():
            raise CommandError(
                f"There is no business {slug!r} (add --create-business to create it)."
            )
        try:
            result = import_program(
                parse_document(raw), business=slug, create_business_kwargs=create_kwargs
            )
        except ProgramImportError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            sys.exit(1)
        if result.business_created:
            self.stdout.write(f"Created business “{result.business.slug}”.")
        self.stdout.write(result.summary())

    def read(self, path: str) -> bytes:
        if path == "-":
            return sys.stdin.buffer.read()
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc

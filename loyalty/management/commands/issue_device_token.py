"""`manage.py issue_device_token --business <slug> --pos <key> --kind terminal|kiosk`."""

from django.core.management.base import BaseCommand, CommandError

from core.tenancy import scoped
from loyalty.models import Business, Device, PointOfSale
from loyalty.services.devices import issue_device


class Command(BaseCommand):
    help = "Create a terminal or kiosk key for a point of sale; the key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("--business", required=True, help="slug of the business")
        parser.add_argument("--pos", required=True, help="key of the point of sale")
        parser.add_argument("--kind", required=True, choices=[k for k, _ in Device.KINDS])
        parser.add_argument("--name", default="", help="device name shown in the panel")

    def handle(self, *args, business, pos, kind, name, **options):
        found = Business.objects.filter(slug=business).first()
        if found is None:
            raise CommandError(f"There is no business {business!r}.")
        point_of_sale = scoped(PointOfSale, found).filter(key=pos).first()
        if point_of_sale is None:
            raise CommandError(f"Business {business!r} has no point of sale {pos!r}.")
        device, key = issue_device(point_of_sale=point_of_sale, kind=kind, name=name)
        self.stdout.write(
            f"Device #{device.pk} “{device.name}” ({device.kind}) at {point_of_sale.key} "
            f"of {found.slug}. Use the header: Authorization: Token <key>. "
            "The key is shown only now:"
        )
        # The last line is the key alone, so scripts can take it with `tail -n 1`.
        self.stdout.write(key)

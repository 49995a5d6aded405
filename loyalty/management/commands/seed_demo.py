"""`manage.py seed_demo [--password ...]`: the demo coffee shop, idempotent."""

from django.core.management.base import BaseCommand

from loyalty.demo import DEFAULT_PASSWORD, seed_demo

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Create the demo business (Bean There Coffee): program, staff logins, device keys, "
        "customers, sales, prepaid balances and gift cards. "
        "Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of the demo logins, set on every run (default {DEFAULT_PASSWORD})",
        )

    def handle(self, *args, password, **options):
        report = seed_demo(password=password)
        for note in report.notes:
            self.stderr.write(note)
        self.stdout.write(self.block(report))

    def block(self, report) -> str:
        """What to print: the same on every run once the demo exists."""
        business, program = report.business, report.program
        width = max(len(email) for email, _role, _pos in report.staff)
        lines = [
            f"Demo business “{business.name}” ({business.slug}), "
            f"program “{program.name}” (id {program.pk}): "
            f"{report.customers} demo customers, {report.sales} sales.",
            "",
            f"Open {URL}",
            f"Logins (password: {report.password}):",
        ]
        for email, role, pos_keys in report.staff:
            where = f" at {', '.join(pos_keys)}" if pos_keys else ""
            lines.append(f"  {email.ljust(width)}  {role}{where}")
        lines.append("Device keys (demo only, public: never use them in production):")
        for kind, pos_key, key in report.devices:
            lines.append(f"  {f'{kind} at {pos_key}:'.ljust(20)} {key}")
        terminal_key = next(key for kind, _pos, key in report.devices if kind == "terminal")
        if report.certificate_codes:
            lines.append(f"Gift certificate codes: {', '.join(report.certificate_codes)}")
        if report.balances:
            lines.append(
                "Prepaid balances to spend on the cashier page (find the customer by phone):"
            )
            for phone, name, kind, balance in report.balances:
                amount = (
                    f"{balance:.0f} units" if kind == "goods" else f"{balance} {business.currency}"
                )
                lines.append(f"  {phone}  {name}: {amount}")
        if report.gift_cards:
            lines.append("Gift cards (demo only, public codes; pay with them on the cashier page):")
            for code, state, balance in report.gift_cards:
                lines.append(f"  {code}  {state}, balance {balance} {business.currency}")
        lines += [
            "Try the terminal API:",
            f'  curl -H "Authorization: Token {terminal_key}" {URL}api/v1/terminal/ping',
        ]
        return "\n".join(lines)

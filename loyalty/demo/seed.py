"""The demo business: a coffee shop with its program, staff, devices, customers and sales.

Every step finds what an earlier run made and makes only what is missing, so `seed_demo`
can run on every `make run` without undoing what a demo user changed. The program comes
from the committed demo document through the normal importer; customers and sales go
through the same services as the tills.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from certificates.models import GiftCertificate
from core.errors import DomainError
from core.tenancy import scoped
from coupons.codes import normalize_code
from customers.ledger import credit as ledger_credit
from customers.ledger import get_account
from customers.models import AccountType, Customer, CustomerCategory, LedgerEntry
from customers.selectors import customer_category_key
from customers.services import find_customer, register_customer, set_category
from giftcards.models import GiftCard, GiftCardSeries
from loyalty.models import Business, Device, Membership, PointOfSale, Program, Sale
from loyalty.program_io import import_program
from loyalty.program_io.schema import read_document
from loyalty.services.devices import KEY_PREFIX_LEN, hash_key

logger = logging.getLogger(__name__)

DOCUMENT = Path(__file__).resolve().parent.parent / "fixtures" / "demo_program.json"
DEFAULT_PASSWORD = "perkline-demo"
BUSINESS = {
    "slug": "demo-coffee",
    "name": "Bean There Coffee",
    "currency": "UAH",
    "timezone": "Europe/Kyiv",
    "phone_region": "UA",
    "language": "uk",
}
STAFF = [  # (e-mail, role, points of sale of a cashier)
    ("owner@example.com", Membership.OWNER, ()),
    ("manager@example.com", Membership.MANAGER, ()),
    ("cashier@example.com", Membership.CASHIER, ("center",)),
]
# Public, fixed keys so that every run can print them: a demo only, never production.
DEVICES = [
    ("terminal", "center", "demo-terminal-center-key"),
    ("kiosk", "center", "demo-kiosk-center-key"),
    ("terminal", "podil", "demo-terminal-podil-key"),
]
CUSTOMERS = [  # (phone, name, category key or None for the default)
    ("+380501110001", "Олена Коваленко", "vip"),
    ("+380501110002", "Андрій Шевченко", None),
    ("+380501110003", "Ірина Бондаренко", None),
    ("+380501110004", "Тарас Мельник", "vip"),
    ("+380501110005", "Оксана Ткаченко", None),
    ("+380501110006", "Дмитро Кравченко", None),
    ("+380501110007", "Наталія Бойко", None),
    ("+380501110008", "Сергій Коваль", None),
    ("+380501110009", "Юлія Олійник", None),
    ("+380501110010", "Максим Лисенко", None),
    ("+380501110011", "Катерина Руденко", None),
    ("+380501110012", "Богдан Савченко", None),
]
PRICES = {
    "LATTE": ("60.00", "coffee"),
    "CAPPUCCINO": ("55.00", "coffee"),
    "ESPRESSO": ("40.00", "coffee"),
    "FLATWHITE": ("65.00", "coffee"),
    "CROISSANT": ("45.00", "bakery"),
    "CHEESECAKE": ("85.00", "bakery"),
    "BEANS": ("350.00", "coffee-beans"),
    "BEANS-DECAF": ("380.00", "coffee-beans"),
}
# (days ago, local time, point of sale, customer phone or None, {code: quantity}, points)
# Oldest first: period rules count only earlier sales. Within the 30 days a till may
# send late sales for.
SALES = [
    (20, "08:15", "center", "+380501110001", {"LATTE": 1, "CROISSANT": 1}, None),
    (18, "12:40", "podil", "+380501110004", {"ESPRESSO": 2}, None),
    (15, "18:05", "center", "+380501110001", {"BEANS": 2}, None),
    (12, "09:30", "center", "+380501110002", {"LATTE": 1, "CAPPUCCINO": 1}, None),
    (10, "14:10", "podil", None, {"LATTE": 1}, None),
    (9, "11:00", "podil", "+380501110004", {"BEANS-DECAF": 1}, None),
    (8, "16:45", "center", "+380501110001", {"BEANS": 1}, None),
    (6, "09:05", "center", "+380501110001", {"LATTE": 2, "CHEESECAKE": 1}, "20.00"),
    (5, "13:20", "center", "+380501110003", {"LATTE": 3, "CHEESECAKE": 2, "CROISSANT": 1}, None),
    (4, "10:30", "podil", "+380501110005", {"FLATWHITE": 1, "CROISSANT": 1}, None),
    (3, "15:15", "center", "+380501110002", {"FLATWHITE": 2, "CROISSANT": 2}, None),
    (2, "17:30", "center", "+380501110001", {"BEANS": 1}, None),
    (1, "08:50", "podil", "+380501110004", {"LATTE": 1}, None),
    (1, "12:00", "center", None, {"CROISSANT": 1, "ESPRESSO": 1}, None),
]

# Prepaid balances a demo customer starts with, credited once as a top-up (an account that
# has any entry is left as it is, so a rerun never adds them again).
BALANCES = [  # (customer phone, account type key, amount: money, or whole units)
    ("+380501110001", "wallet", "500.00"),
    ("+380501110001", "coffee-card", "5"),
    ("+380501110004", "coffee-card", "3"),
]
GIFT_CARD_SERIES = "gift-card"
# Pre-printed cards with fixed codes, so that every run prints the same ones: public, demo
# only, like the device keys. Sold together on one check; the second then pays part of another.
GIFT_CARDS = [("GC-DEMO-0001", "1000.00"), ("GC-DEMO-0002", "500.00"), ("GC-DEMO-0003", "300.00")]
GIFT_CARD_SPEND = ("GC-DEMO-0002", {"LATTE": 2, "CHEESECAKE": 1}, "150.00")


@dataclass
class DemoReport:
    business: Business
    program: object
    password: str
    staff: list = field(default_factory=list)  # (e-mail, role, points of sale)
    devices: list = field(default_factory=list)  # (kind, point of sale key, key)
    customers: int = 0
    sales: int = 0
    certificate_codes: list = field(default_factory=list)
    balances: list = field(default_factory=list)  # (phone, account name, kind, balance)
    gift_cards: list = field(default_factory=list)  # (code, state, balance)
    notes: list = field(default_factory=list)


def seed_demo(*, password: str = DEFAULT_PASSWORD, now: datetime | None = None) -> DemoReport:
    """Create (or complete) the demo business; returns what there is to print."""
    business = _business()
    program = _program(business)
    report = DemoReport(business=business, program=program, password=password)
    report.staff = _staff(business, password)
    report.devices = _devices(business)
    customers = _customers(business, program)
    report.customers = len(customers)
    now = now or timezone.now()
    report.notes += _history(business, now)
    _payment_setup(business, program)
    _balances(business, program)
    report.notes += _gift_cards(business, program, now)
    report.sales = scoped(Sale, business).count()
    report.balances = _balance_lines(business, program)
    report.gift_cards = list(
        scoped(GiftCard, business)
        .filter(code__in=[code for code, _amount in GIFT_CARDS])
        .order_by("code")
        .values_list("code", "state", "balance")
    )
    report.certificate_codes = list(
        scoped(GiftCertificate, business)
        .filter(program=program)
        .order_by("key")
        .values_list("public_code", flat=True)
    )
    return report


def _business() -> Business:
    fields = {k: v for k, v in BUSINESS.items() if k != "slug"}
    business, created = Business.objects.get_or_create(slug=BUSINESS["slug"], defaults=fields)
    return business


def _program(business):
    """Imported once: later runs keep what a demo user changed in the panel."""
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    program = scoped(Program, business).filter(key=document["program"]["key"]).first()
    if program is None:
        program = import_program(document, business=business).program
    return program


@transaction.atomic
def _staff(business, password) -> list:
    User = get_user_model()
    points_of_sale = {p.key: p for p in scoped(PointOfSale, business)}
    staff = []
    for email, role, pos_keys in STAFF:
        user, _created = User.objects.get_or_create(username=email, defaults={"email": email})
        if not user.check_password(password) or not user.is_active:
            user.set_password(password)
            user.is_active = True
            user.save()
        membership, _created = Membership.objects.get_or_create(
            business=business, user=user, defaults={"role": role}
        )
        if membership.role != role or membership.revoked_at is not None:
            membership.role, membership.revoked_at = role, None
            membership.save(update_fields=["role", "revoked_at"])
        wanted = [points_of_sale[key] for key in pos_keys]
        if set(membership.points_of_sale.all()) != set(wanted):
            membership.points_of_sale.set(wanted)
        staff.append((email, role, pos_keys))
    return staff


@transaction.atomic
def _devices(business) -> list:
    """Demo devices with fixed keys, stored hashed like every key; revived if revoked."""
    devices = []
    for kind, pos_key, key in DEVICES:
        point_of_sale = scoped(PointOfSale, business).get(key=pos_key)
        device = Device.objects.filter(key_hash=hash_key(key)).first()
        if device is None:
            Device.objects.create(
                business=business,
                point_of_sale=point_of_sale,
                kind=kind,
                name=f"Demo {kind} ({pos_key})",
                key_prefix=key[:KEY_PREFIX_LEN],
                key_hash=hash_key(key),
            )
        elif device.revoked_at is not None:
            device.revoked_at = None
            device.save(update_fields=["revoked_at"])
        devices.append((kind, pos_key, key))
    return devices


def _customers(business, program) -> list[Customer]:
    categories = {c.key: c for c in scoped(CustomerCategory, business).filter(program=program)}
    customers = []
    for phone, name, category_key in CUSTOMERS:
        category = categories.get(category_key) if category_key else None
        customer = find_customer(business=business, phone=phone)
        if customer is None:
            customer = register_customer(
                business=business,
                program=program,
                phone=phone,
                name=name,
                language="uk",
                category=category,
                welcome=False,  # no messages to the demo's invented phones
            )
        elif category is not None and (
            customer_category_key(customer=customer, program=program) != category.key
        ):
            set_category(customer=customer, program=program, category=category)
        customers.append(customer)
    return customers


def _history(business, now) -> list[str]:
    """The demo sales, through the sale service; made once, when the business has none."""
    try:
        from loyalty.checks import CheckInput, PositionInput, confirm_check
    except ImportError:
        return ["Sales history skipped: the sale service (loyalty.checks) is not installed."]
    if scoped(Sale, business).exists():
        return []
    tz = ZoneInfo(business.timezone)
    today = now.astimezone(tz).date()
    points_of_sale = {
        p.key: p for p in scoped(PointOfSale, business).select_related("program", "business")
    }
    try:
        with transaction.atomic():  # all the history or none of it
            for days_ago, clock, pos_key, phone, basket, points in SALES:
                hour, minute = map(int, clock.split(":"))
                day = today - timedelta(days=days_ago)
                at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                positions = tuple(
                    PositionInput(
                        code=code,
                        title=code.title(),
                        category=PRICES[code][1],
                        price=Decimal(PRICES[code][0]),
                        quantity=Decimal(quantity),
                    )
                    for code, quantity in basket.items()
                )
                confirm_check(
                    point_of_sale=points_of_sale[pos_key],
                    data=CheckInput(
                        positions=positions,
                        customer={"phone": phone} if phone else None,
                        pay_with_points=Decimal(points or "0.00"),
                        external_id=f"DEMO-{days_ago:02d}-{clock.replace(':', '')}",
                        time=at,
                    ),
                )
    except DomainError as exc:
        logger.warning("demo sales history not created: %s", exc)
        return [f"Sales history skipped: a demo sale was refused ({exc.code}: {exc.message})."]
    return []


@transaction.atomic
def _payment_setup(business, program) -> None:
    """The demo document's account types and gift-card series that the program lacks: a demo
    imported before they were in the document gets them, without re-importing the rest."""
    doc = read_document(json.loads(DOCUMENT.read_text(encoding="utf-8")))
    created = False
    for model, items in (
        (AccountType, doc.account_types),
        (GiftCardSeries, doc.gift_card_series),
    ):
        have = set(scoped(model, business).filter(program=program).values_list("key", flat=True))
        for item in items:
            if item.key not in have:
                model.objects.create(
                    business=business, program=program, key=item.key, **item.fields
                )
                created = True
    if created:
        Program.bump_version(program.pk)


@transaction.atomic
def _balances(business, program) -> None:
    types = set(scoped(AccountType, business).filter(program=program).values_list("key", flat=True))
    for phone, key, amount in BALANCES:
        customer = find_customer(business=business, phone=phone)
        if customer is None or key not in types:  # a demo user may have removed it
            continue
        account = get_account(customer=customer, program=program, key=key)
        if LedgerEntry.objects.filter(account=account).exists():
            continue  # credited before, or used since: a rerun leaves it alone
        ledger_credit(
            account=account,
            amount=Decimal(amount),
            kind=LedgerEntry.Kind.TOP_UP,
            reason="Demo balance",
        )


def _gift_cards(business, program, now) -> list[str]:
    """The demo cards: made as pre-printed stock, sold and partly spent through the sale
    service as a till would; done once, while none of them has been sold."""
    from loyalty.checks import CheckInput, confirm_check
    from loyalty.checks.inputs import GiftCardSaleInput, PaymentInput

    series = scoped(GiftCardSeries, business).filter(program=program, key=GIFT_CARD_SERIES).first()
    if series is None:
        return []
    codes = [code for code, _amount in GIFT_CARDS]
    cards = {c.code: c for c in scoped(GiftCard, business).filter(code__in=codes)}
    if any(card.state != GiftCard.State.STOCK for card in cards.values()):
        return []
    point_of_sale = (
        scoped(PointOfSale, business).select_related("program", "business").get(key="center")
    )
    sold_at = now - timedelta(hours=2)
    try:
        with transaction.atomic():
            for code in codes:
                if code not in cards:
                    GiftCard.objects.create(
                        business=business,
                        series=series,
                        program=program,
                        code=code,
                        code_norm=normalize_code(code),
                        state=GiftCard.State.STOCK,
                    )
            confirm_check(
                point_of_sale=point_of_sale,
                data=CheckInput(
                    positions=(),
                    gift_cards_sold=tuple(
                        GiftCardSaleInput(series=series.key, amount=Decimal(amount), code=code)
                        for code, amount in GIFT_CARDS
                    ),
                    external_id="DEMO-GIFT-CARDS-SOLD",
                    time=sold_at,
                ),
            )
            code, basket, amount = GIFT_CARD_SPEND
            confirm_check(
                point_of_sale=point_of_sale,
                data=CheckInput(
                    positions=_positions(basket),
                    payments=(PaymentInput(gift_card=code, amount=Decimal(amount)),),
                    external_id="DEMO-GIFT-CARD-PAID",
                    time=sold_at + timedelta(minutes=30),
                ),
            )
    except DomainError as exc:
        logger.warning("demo gift cards not sold: %s", exc)
        return [f"Gift cards skipped: a demo sale was refused ({exc.code}: {exc.message})."]
    return []


def _positions(basket: dict) -> tuple:
    from loyalty.checks import PositionInput

    return tuple(
        PositionInput(
            code=code,
            title=code.title(),
            category=PRICES[code][1],
            price=Decimal(PRICES[code][0]),
            quantity=Decimal(quantity),
        )
        for code, quantity in basket.items()
    )


def _balance_lines(business, program) -> list:
    """What the demo customers hold in money and units accounts, to print."""
    names = dict(scoped(AccountType, business).filter(program=program).values_list("key", "name"))
    kinds = dict(scoped(AccountType, business).filter(program=program).values_list("key", "kind"))
    lines = []
    for phone, key, _amount in BALANCES:
        customer = find_customer(business=business, phone=phone)
        if customer is None or key not in names:
            continue
        account = get_account(customer=customer, program=program, key=key)
        lines.append((phone, names[key], kinds[key], account.balance))
    return lines

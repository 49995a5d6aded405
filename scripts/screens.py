"""Screenshots of every panel page at tablet and phone width, for a look before a release.

    scripts/pg_test.sh .venv/bin/python scripts/screens.py [--lang uk] [--only goods_list,...]

Seeds the throwaway PostgreSQL database of scripts/pg_test.sh, starts `runserver` on
127.0.0.1:8123 with DEBUG=1, logs in with headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright; never `playwright install`) and saves PNGs under var/screens/.
"""

import os
import sys
from decimal import Decimal

from screenshot_kit import BASE, EMAIL, PASSWORD, logged_in_pages, run, settings_env

OUT = BASE / "var" / "screens"
PORT = 8123
VIEWPORTS = {"tablet": (1024, 768), "phone": (390, 844)}
ENV = settings_env()


def seed():
    """A coffee business with a bit of everything; returns {name: pk} for detail pages."""
    os.environ.update(ENV)
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from customers.ledger import adjust, credit, get_account
    from customers.models import AccountType, Customer, CustomerCategory, Enrolment
    from loyalty.models import (
        Brand,
        Business,
        Goods,
        GoodsCategory,
        Membership,
        PointOfSale,
        Program,
        Rule,
    )
    from loyalty.services.devices import issue_device

    call_command("migrate", verbosity=0)
    User = get_user_model()
    owner = User.objects.filter(username=EMAIL).first()
    if owner is None:
        owner = User.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    business = Business.objects.filter(slug="bean-there").first()
    if business is None:
        business = Business.objects.create(name="Bean There Coffee", slug="bean-there")
        Membership.objects.create(business=business, user=owner, role=Membership.OWNER)
        second = Business.objects.create(name="Lviv Bakery", slug="lviv-bakery")
        Membership.objects.create(business=second, user=owner, role=Membership.MANAGER)
        brand = Brand.objects.create(business=business, name="Bean There")
        Brand.objects.create(business=business, name="Bean There Express")
        program = Program.objects.create(
            business=business, key="coffee-club", name="Coffee Club", max_points_share=Decimal("50")
        )
        program.brands.add(brand)
        Program.objects.create(business=business, key="corporate", name="Corporate")
        pos = [
            PointOfSale.objects.create(business=business, program=program, key=k, name=n,
                                       address=a)
            for k, n, a in [("center", "Khreshchatyk 1", "Khreshchatyk St 1, Kyiv"),
                            ("podil", "Podil", "Sahaidachnoho St 10, Kyiv"),
                            ("airport", "Boryspil airport", "Terminal D")]
        ]  # fmt: skip
        issue_device(point_of_sale=pos[0], kind="terminal", name="Till 1")
        issue_device(point_of_sale=pos[0], kind="kiosk", name="Entrance tablet")
        cashier = User.objects.create_user(
            username="iryna@perkline.test", email="iryna@perkline.test", password=PASSWORD
        )
        m = Membership.objects.create(business=business, user=cashier, role=Membership.CASHIER)
        m.points_of_sale.add(pos[0], pos[1])
        manager = User.objects.create_user(
            username="taras@perkline.test",
            email="taras@perkline.test",
            password=PASSWORD,
            first_name="Taras",
            last_name="Shevchuk",
        )
        Membership.objects.create(business=business, user=manager, role=Membership.MANAGER)
        cats = {
            code: GoodsCategory.objects.create(business=business, code=code, name=name)
            for code, name in [("coffee", "Coffee"), ("bakery", "Bakery"),
                               ("coffee-beans", "Coffee beans"), ("tea", "Tea")]
        }  # fmt: skip
        for code, title, cat, price in [
            ("LATTE", "Latte", "coffee", "60.00"), ("CAPPU", "Cappuccino", "coffee", "55.00"),
            ("AMER", "Americano", "coffee", "45.00"), ("FLAT", "Flat white", "coffee", "65.00"),
            ("CROISSANT", "Croissant", "bakery", "45.00"), ("CINNAMON", "Cinnamon roll",
            "bakery", "50.00"), ("BEANS", "Ethiopia beans 250 g", "coffee-beans", "350.00"),
            ("GREEN", "Green tea", "tea", "40.00"),
        ]:  # fmt: skip
            Goods.objects.create(
                business=business, code=code, title=title, category=cats[cat], price=Decimal(price)
            )
        regular = CustomerCategory.objects.create(
            business=business, program=program, key="regular", name="Regular", is_default=True
        )
        vip = CustomerCategory.objects.create(
            business=business, program=program, key="vip", name="VIP"
        )
        AccountType.objects.create(
            business=business, program=program, key="wallet", name="Prepaid wallet", kind="money"
        )
        AccountType.objects.create(
            business=business, program=program, key="washes", name="Car washes", kind="goods"
        )
        for i, (name, phone) in enumerate([
            ("Olena Petrenko", "+380501234567"), ("Ivan Bondarenko", "+380671112233"),
            ("Maria Kovalenko", "+380931234500"), ("Andrii Melnyk", "+380661239876"),
            ("", "+380991112200"),
        ]):  # fmt: skip
            customer = Customer.objects.create(
                business=business,
                name=name,
                phone=phone,
                card_code=f"KCARD{i:06d}",
                consent=i % 2 == 0,
            )
            Enrolment.objects.create(
                business=business,
                customer=customer,
                program=program,
                category=vip if i == 0 else regular,
            )
        olena = Customer.objects.get(business=business, phone="+380501234567")
        bonus = get_account(customer=olena, program=program)
        adjust(account=bonus, amount=Decimal("150"), staff=owner, reason="Welcome gift")
        adjust(account=bonus, amount=Decimal("-20"), staff=owner, reason="Correction")
        from datetime import timedelta

        from django.utils import timezone

        special = get_account(customer=olena, program=program, key="special")
        credit(account=special, amount=Decimal("35.50"), kind="credit",
               expires_at=timezone.now() + timedelta(days=20))  # fmt: skip
        rules = [
            dict(key="tiers", name="Tiered check discount", explanation="1% / 7% off the check",
                 priority=10, action="discount_check_percent", value=None,
                 depends_measure="amount", depends_period="check",
                 thresholds=[{"from": "0", "value": "1"}, {"from": "100.01", "value": "7"}]),
            dict(key="latte-30", name="Latte for 30", explanation="Morning latte 30 UAH",
                 priority=20, action="special_price", value=Decimal("30"),
                 include_goods=["LATTE"], max_quantity=Decimal("2"), weekdays=[1, 2, 3, 4, 5],
                 time_to=__import__("datetime").time(11, 0)),
            dict(key="points", name="5% back in points", explanation="5% back in points",
                 priority=30, action="credit_check_percent", value=Decimal("5")),
            dict(key="birthday", name="Birthday treat", explanation="Happy birthday!",
                 priority=5, mode="manual", combine=False, action="discount_check_percent",
                 value=Decimal("20"), is_active=False),
        ]  # fmt: skip
        for data in rules:
            Rule.objects.create(business=business, program=program, **data)
    return {
        "program": business.programs.first().pk if hasattr(business, "programs") else None,
    }


def pages(ids):
    from django.urls import reverse

    from customers.models import Customer
    from loyalty.models import Business, Goods, Program, Rule

    business = Business.objects.get(slug="bean-there")
    program = Program.objects.filter(business=business).order_by("name").first()
    rule = Rule.objects.filter(program=program, key="latte-30").first()
    customer = Customer.objects.get(business=business, phone="+380501234567")
    goods = Goods.objects.filter(business=business).first()
    return {
        "home": reverse("panel:home"),
        "program_list": reverse("panel:program_list"),
        "program_edit": reverse("panel:program_edit", args=[program.pk]),
        "pos_list": reverse("panel:pos_list"),
        "brand_list": reverse("panel:brand_list"),
        "goods_list": reverse("panel:goods_list"),
        "goods_edit": reverse("panel:goods_edit", args=[goods.pk]),
        "goods_import": reverse("panel:goods_import"),
        "category_list": reverse("panel:category_list"),
        "customer_list": reverse("panel:customer_list"),
        "customer_detail": reverse("panel:customer_detail", args=[customer.pk]),
        "customer_edit": reverse("panel:customer_edit", args=[customer.pk]),
        "customer_category_list": reverse("panel:customer_category_list"),
        "account_type_list": reverse("panel:account_type_list"),
        "rule_list": reverse("panel:rule_list", args=[program.pk]),
        "rule_create": reverse("panel:rule_create", args=[program.pk]),
        "rule_edit": reverse("panel:rule_edit", args=[rule.pk]),
        "staff_list": reverse("panel:staff_list"),
        "staff_invite": reverse("panel:staff_invite"),
        "device_list": reverse("panel:device_list"),
        "device_create": reverse("panel:device_create"),
        "business_settings": reverse("panel:business_settings"),
    }


def shoot(base, urls, lang, only):
    OUT.mkdir(parents=True, exist_ok=True)

    def login_page(label, page):
        page.screenshot(path=OUT / f"{lang}-{label}-login.png", full_page=True)

    for label, page in logged_in_pages(base, lang, VIEWPORTS, before_login=login_page):
        for name, path in urls.items():
            if only and name not in only:
                continue
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / f"{lang}-{label}-{name}.png", full_page=True)
        if not only or "errors" in only:  # a refused form, to see the error styles
            page.goto(base + urls["business_settings"])
            page.fill("input[name=timezone]", "Mars/Olympus")
            page.fill("input[name=currency]", "U")
            page.click("form.form button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / f"{lang}-{label}-errors.png", full_page=True)
        if label == "phone" and (not only or "menu" in only):
            page.goto(base + urls["home"])
            page.click("label.topbar__menu")
            page.wait_for_timeout(500)  # the slide-in transition
            page.screenshot(path=OUT / f"{lang}-{label}-menu.png")


if __name__ == "__main__":
    run(
        description=__doc__.splitlines()[0],
        seed=seed,
        pages=pages,
        shoot=shoot,
        env=ENV,
        port=PORT,
        out=OUT,
    )

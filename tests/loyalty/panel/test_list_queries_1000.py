"""The dashboard and every panel list page make as many queries with 1,000 rows as with 10.

Rows are written with bulk_create (history rows with simple_history's bulk helper) so that
the whole file stays fast; each page gets only the rows it lists, with the related rows
each row displays (category, point of sale, customer, series, bundle...).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from certificates.models import CertificateCode, CertificateSeries, GiftCertificate
from coupons.models import Coupon, CouponEvent, CouponSeries
from customers.models import AccountType, Customer, CustomerCategory, Enrolment
from loyalty.models import (
    Brand,
    Device,
    Goods,
    GoodsCategory,
    Membership,
    PointOfSale,
    Program,
    Rule,
    Sale,
    SaleRule,
)

pytestmark = pytest.mark.django_db
D = Decimal
SMALL, LARGE = 10, 1000


class Seed:
    """Rows of one business, numbered so that a second batch never clashes with the first."""

    def __init__(self, business, program):
        self.business, self.program = business, program
        self.pos = PointOfSale.objects.create(
            business=business, program=program, key="seed-pos", name="Seed shop"
        )
        self.rule = Rule.objects.create(
            business=business, program=program, key="seed-rule", name="Seed rule",
            mode=Rule.Mode.COUPON, action=Rule.Action.DISCOUNT_CHECK_PERCENT, value=D("10"),
        )  # fmt: skip
        self.series = CouponSeries.objects.create(
            business=business, program=program, key="seed-series", name="Seed series",
            reward_rule=self.rule, valid_days=30,
        )  # fmt: skip
        self.done = 0

    def common(self, model, **fields):
        return model(business=self.business, **fields)

    def customers(self, rng):
        return Customer.objects.bulk_create(
            self.common(Customer, phone=f"+38067{i:07d}", card_code=f"SEED{i:08d}", name=f"C {i}")
            for i in rng
        )

    # One seeder per page: writes the rows numbered rng.

    def brands(self, rng):
        Brand.objects.bulk_create(self.common(Brand, name=f"Seed brand {i}") for i in rng)

    def programs(self, rng):
        programs = bulk_create_with_history(
            [self.common(Program, key=f"p-{i}", name=f"Program {i}") for i in rng], Program
        )
        brands = Brand.objects.bulk_create(
            self.common(Brand, name=f"Program brand {i}") for i in rng
        )
        Program.brands.through.objects.bulk_create(
            Program.brands.through(program_id=p.pk, brand_id=b.pk)
            for p, b in zip(programs, brands, strict=True)
        )

    def points_of_sale(self, rng):
        PointOfSale.objects.bulk_create(
            self.common(PointOfSale, program=self.program, key=f"pos-{i}", name=f"Shop {i}")
            for i in rng
        )

    def goods_categories(self, rng):
        return GoodsCategory.objects.bulk_create(
            self.common(GoodsCategory, code=f"cat-{i}", name=f"Category {i}") for i in rng
        )

    def goods(self, rng):
        categories = self.goods_categories(rng)
        Goods.objects.bulk_create(
            self.common(Goods, code=f"SKU{i}", title=f"Item {i}", price=D("9.50"), category=c)
            for i, c in zip(rng, categories, strict=True)
        )

    def customer_categories(self, rng):
        return CustomerCategory.objects.bulk_create(
            self.common(CustomerCategory, program=self.program, key=f"cc-{i}", name=f"Cat {i}")
            for i in rng
        )

    def customers_enrolled(self, rng):
        customers = self.customers(rng)
        categories = self.customer_categories(rng)
        Enrolment.objects.bulk_create(
            self.common(Enrolment, customer=c, program=self.program, category=k)
            for c, k in zip(customers, categories, strict=True)
        )

    def account_types(self, rng):
        AccountType.objects.bulk_create(
            self.common(AccountType, program=self.program, key=f"wallet-{i}", name=f"W {i}")
            for i in rng
        )

    def staff(self, rng):
        User = get_user_model()
        users = User.objects.bulk_create(
            User(username=f"staff{i}@example.com", email=f"staff{i}@example.com", password="!")
            for i in rng
        )
        memberships = Membership.objects.bulk_create(
            self.common(Membership, user=u, role=Membership.CASHIER) for u in users
        )
        Membership.points_of_sale.through.objects.bulk_create(
            Membership.points_of_sale.through(membership_id=m.pk, pointofsale_id=self.pos.pk)
            for m in memberships
        )

    def devices(self, rng):
        Device.objects.bulk_create(
            self.common(
                Device,
                point_of_sale=self.pos,
                name=f"Till {i}",
                key_prefix=f"k{i:06d}",
                key_hash=f"hash-{i}",
            )  # fmt: skip
            for i in rng
        )

    def rules(self, rng):
        rules = bulk_create_with_history(
            [
                self.common(
                    Rule,
                    program=self.program,
                    key=f"r-{i}",
                    name=f"Rule {i}",
                    action=Rule.Action.DISCOUNT_CHECK_PERCENT,
                    value=D("5"),
                )  # fmt: skip
                for i in rng
            ],
            Rule,
        )
        return rules

    def audit(self, rng):
        # Created and then changed: the audit page compares each change with the row before.
        rules = self.rules(rng)
        for rule in rules:
            rule.value = D("7")
        bulk_update_with_history(rules, Rule, ["value"])

    def coupon_series(self, rng):
        bulk_create_with_history(
            [
                self.common(
                    CouponSeries,
                    program=self.program,
                    key=f"s-{i}",
                    name=f"Series {i}",
                    reward_rule=self.rule,
                    valid_days=30,
                )  # fmt: skip
                for i in rng
            ],
            CouponSeries,
        )

    def coupons(self, rng, *, state=Coupon.State.IN_WALLET):
        customers = self.customers(rng)
        now = timezone.now()
        return Coupon.objects.bulk_create(
            self.common(
                Coupon,
                series=self.series,
                code=f"CODE{i:08d}",
                code_norm=f"CODE{i:08d}",
                state=state,
                customer=c,
                issued_at=now,
                valid_to=now + timedelta(days=30),
                redeemed_at=now if state == Coupon.State.REDEEMED else None,
            )  # fmt: skip
            for i, c in zip(rng, customers, strict=True)
        )

    def redemptions(self, rng):
        coupons = self.coupons(rng, state=Coupon.State.REDEEMED)
        now = timezone.now()
        CouponEvent.objects.bulk_create(
            self.common(
                CouponEvent,
                coupon=c,
                series=self.series,
                from_state=Coupon.State.IN_WALLET,
                to_state=Coupon.State.REDEEMED,
                at=now,
                actor_kind="device",
                actor="Till",
                customer=c.customer,
                point_of_sale=self.pos,
            )  # fmt: skip
            for c in coupons
        )

    def certificates(self, rng):
        certificates = bulk_create_with_history(
            [
                self.common(
                    GiftCertificate,
                    program=self.program,
                    key=f"g-{i}",
                    name=f"Gift {i}",
                    public_code=f"GIFT{i:06d}",
                    public_code_norm=f"GIFT{i:06d}",
                )  # fmt: skip
                for i in rng
            ],
            GiftCertificate,
        )
        CertificateSeries.objects.bulk_create(
            self.common(CertificateSeries, certificate=g, series=self.series, count=1)
            for g in certificates
        )
        CertificateCode.objects.bulk_create(
            self.common(CertificateCode, certificate=g, code=f"GC{i:08d}", code_norm=f"GC{i:08d}")
            for i, g in zip(rng, certificates, strict=True)
        )

    def sales(self, rng):
        customers = self.customers(rng)
        now = timezone.now()
        sales = Sale.objects.bulk_create(
            self.common(
                Sale,
                program=self.program,
                point_of_sale=self.pos,
                customer=c,
                time=now - timedelta(hours=1),
                amount=D("100.00"),
                discount=D("5.00"),
                amount_to_pay=D("95.00"),
                points_paid=D("0.00"),
                money_to_pay=D("95.00"),
            )  # fmt: skip
            for c in customers
        )
        SaleRule.objects.bulk_create(
            self.common(
                SaleRule,
                sale=s,
                rule=self.rule,
                rule_key=self.rule.key,
                order=1,
                discount=D("5.00"),
                credit=D("0.00"),
            )  # fmt: skip
            for s in sales
        )

    def add(self, seeder, n):
        rng = range(self.done, self.done + n)
        getattr(self, seeder)(rng)
        self.done += n


# (URL name, kwargs from the seed, seeder)
PAGES = [
    ("panel:home", {}, "sales", "Seed rule"),
    ("panel:brand_list", {}, "brands", "Seed brand 9"),
    ("panel:program_list", {}, "programs", "Program 9"),
    ("panel:pos_list", {}, "points_of_sale", "Shop 9"),
    ("panel:goods_list", {}, "goods", "Item 9"),
    ("panel:category_list", {}, "goods_categories", "Category 9"),
    ("panel:customer_list", {}, "customers_enrolled", "SEED00000009"),
    ("panel:customer_category_list", {}, "customer_categories", "Cat 9"),
    ("panel:account_type_list", {}, "account_types", "W 9"),
    ("panel:staff_list", {}, "staff", "staff9@example.com"),
    ("panel:device_list", {}, "devices", "Till 9"),
    ("panel:rule_list", {"program_pk": "program"}, "rules", "Rule 9"),
    ("panel:series_list", {}, "coupon_series", "Series 9"),
    ("panel:series_coupons", {"pk": "series"}, "coupons", "CODE00000009"),
    ("panel:redemption_list", {}, "redemptions", "CODE00000009"),
    ("panel:certificate_list", {}, "certificates", "Gift 9"),
    ("panel:audit", {}, "audit", "Rule 9"),
    ("panel:report_index", {}, "sales", None),
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("name, kwargs, seeder, shown", PAGES, ids=[p[0][6:] for p in PAGES])
def test_queries_with_1000_rows_equal_those_with_10(
    owner_client, business, program, name, kwargs, seeder, shown
):
    seed = Seed(business, program)
    targets = {"program": program, "series": seed.series}
    url = reverse(name, kwargs={k: targets[v].pk for k, v in kwargs.items()})
    seed.add(seeder, SMALL)
    small, text = count_queries(owner_client, url)
    # The rows are really listed (a page that filtered them out would count nothing).
    assert shown is None or shown in text, f"{name} does not show {shown!r}"
    seed.add(seeder, LARGE - SMALL)
    large, _text = count_queries(owner_client, url)
    assert large == small, f"{name}: {small} queries with {SMALL} rows, {large} with {LARGE}"

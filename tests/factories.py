"""factory-boy factories shared by the whole suite (one helper per kind of setup).

Tenancy follows the first object given: a coupon made for a series belongs to the series'
business, a sale to its program's, so a test names only what it cares about.
"""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from certificates.models import CertificateSeries, GiftCertificate
from coupons.codes import normalize_code
from coupons.models import Coupon, CouponSeries
from customers.models import Account, AccountType, Customer, CustomerCategory, Enrolment
from giftcards.models import GiftCard, GiftCardEntry, GiftCardSeries
from loyalty.models import (
    Brand,
    Business,
    Goods,
    GoodsCategory,
    Membership,
    PointOfSale,
    PosFavourite,
    Program,
    Rule,
    Sale,
    StampCard,
)

D = Decimal
T0 = datetime(2030, 3, 10, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv (EET, +02:00)


def at(days=0, hours=0, minutes=0, seconds=0):
    """A moment relative to T0, the suite's fixed "now" for dated rows."""
    return T0 + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


_seq = itertools.count(1)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Business {n}")
    slug = factory.Sequence(lambda n: f"business-{n}")
    currency = "UAH"
    timezone = "Europe/Kyiv"
    phone_region = "UA"
    language = "en"


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    business = factory.SubFactory(BusinessFactory)
    key = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")

    @factory.post_generation
    def brand(self, create, extracted, **kwargs):
        if create:
            self.brands.add(extracted or BrandFactory(business=self.business))


class PointOfSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointOfSale

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"pos-{n}")
    name = factory.Sequence(lambda n: f"Shop {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.OWNER


class GoodsCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsCategory

    business = factory.SubFactory(BusinessFactory)
    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class GoodsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goods

    business = factory.SubFactory(BusinessFactory)
    code = factory.Sequence(lambda n: f"SKU{n}")
    title = factory.Sequence(lambda n: f"Item {n}")
    price = Decimal("10.00")


class CustomerCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerCategory

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    business = factory.SubFactory(BusinessFactory)
    phone = factory.Sequence(lambda n: f"+38050{n:07d}")
    card_code = factory.Sequence(lambda n: f"CARD{n:08d}")
    name = factory.Sequence(lambda n: f"Customer {n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    customer = factory.SubFactory(CustomerFactory)
    business = factory.SelfAttribute("customer.business")
    program = factory.SubFactory(ProgramFactory, business=factory.SelfAttribute("..business"))


class AccountTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountType

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"wallet-{n}")
    name = "Wallet"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    customer = factory.SubFactory(CustomerFactory)
    business = factory.SelfAttribute("customer.business")
    program = factory.SubFactory(ProgramFactory, business=factory.SelfAttribute("..business"))
    key = Account.BONUS


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"rule-{n}")
    name = factory.Sequence(lambda n: f"Rule {n}")
    action = Rule.Action.DISCOUNT_CHECK_PERCENT
    value = Decimal("5")


class CouponSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponSeries

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"series-{n}")
    name = factory.Sequence(lambda n: f"Series {n}")
    title = factory.LazyAttribute(lambda o: {"en": o.name, "uk": f"{o.name} (uk)"})
    reward_rule = factory.SubFactory(
        RuleFactory,
        program=factory.SelfAttribute("..program"),
        business=factory.SelfAttribute("..business"),
        mode=Rule.Mode.COUPON,
        action=Rule.Action.DISCOUNT_CHECK_PERCENT,
        value=D("10"),
    )
    validity_type = CouponSeries.Validity.RELATIVE
    delay_days = 0
    valid_days = 30
    code_prefix = "CR"
    code_length = 10
    code_group = 4


class TopUpSeriesFactory(CouponSeriesFactory):
    reward_rule = None
    top_up_amount = D("100.00")
    top_up_account = ""


class CouponFactory(factory.django.DjangoModelFactory):
    """A coupon row as the code generator leaves it (free, unissued) unless told otherwise;
    tests of the issue, claim and redeem paths go through coupons.services instead."""

    class Meta:
        model = Coupon

    series = factory.SubFactory(CouponSeriesFactory)
    business = factory.SelfAttribute("series.business")
    code = factory.Sequence(lambda n: f"C{n:08d}")
    code_norm = factory.LazyAttribute(lambda o: normalize_code(o.code))


class GiftCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCertificate

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"cert-{n}")
    name = factory.Sequence(lambda n: f"Certificate {n}")
    public_code = factory.Sequence(lambda n: f"WELCOME-{n:04d}")


class CertificateSeriesFactory(factory.django.DjangoModelFactory):
    """One coupon series bundled into a certificate (``count`` coupons per activation)."""

    class Meta:
        model = CertificateSeries

    certificate = factory.SubFactory(GiftCertificateFactory)
    business = factory.SelfAttribute("certificate.business")
    series = factory.SubFactory(
        CouponSeriesFactory,
        program=factory.SelfAttribute("..certificate.program"),
        business=factory.SelfAttribute("..business"),
    )
    count = 1


class SaleFactory(factory.django.DjangoModelFactory):
    """A completed sale of 100.00 at T0 with no discount, its totals kept consistent:
    pass ``amount`` and ``discount`` and the amounts to pay follow. For sales that must carry
    entries, coupons or rules, confirm a check through the API instead."""

    class Meta:
        model = Sale

    class Params:
        # The sale's own point of sale unless given: reports group by it.
        pos = None

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    point_of_sale = factory.LazyAttribute(
        lambda o: o.pos or PointOfSaleFactory(program=o.program, business=o.business)
    )
    customer = None
    time = T0
    status = Sale.COMPLETED
    amount = D("100.00")
    discount = D("0.00")
    amount_to_pay = factory.LazyAttribute(lambda o: D(o.amount) - D(o.discount))
    points_paid = D("0.00")
    money_to_pay = factory.LazyAttribute(lambda o: D(o.amount_to_pay) - D(o.points_paid))


class StampCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StampCard

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"card-{n}")
    name = factory.Sequence(lambda n: f"Card {n}")
    stamps = 6
    counts = StampCard.Counts.UNITS
    reward = factory.SubFactory(
        CouponSeriesFactory,
        program=factory.SelfAttribute("..program"),
        business=factory.SelfAttribute("..business"),
    )


class GiftCardSeriesFactory(factory.django.DjangoModelFactory):
    """A gift-card series selling any amount from 100 to 5000 (payments.md's `gift`)."""

    class Meta:
        model = GiftCardSeries

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"gift-{n}")
    name = "Gift card"
    code_prefix = "GC"
    min_amount = D("100.00")
    max_amount = D("5000.00")


class GiftCardFactory(factory.django.DjangoModelFactory):
    """A sold, active card whose balance is its one `issue` entry (check_ledger clean)."""

    class Meta:
        model = GiftCard
        skip_postgeneration_save = True

    series = factory.SubFactory(GiftCardSeriesFactory)
    business = factory.SelfAttribute("series.business")
    program = factory.SelfAttribute("series.program")
    code = factory.Sequence(lambda n: f"GC-TEST-{n:04d}")
    code_norm = factory.LazyAttribute(lambda o: normalize_code(o.code))
    state = GiftCard.State.ACTIVE
    balance = D("500.00")

    @factory.post_generation
    def issued(obj, create, extracted, **kwargs):
        if create and obj.balance:
            GiftCardEntry.objects.create(
                business_id=obj.business_id,
                card=obj,
                amount=obj.balance,
                kind=GiftCardEntry.Kind.ISSUE,
                created_at=datetime.now(UTC),
            )


class PosFavouriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PosFavourite

    point_of_sale = factory.SubFactory(PointOfSaleFactory)
    business = factory.SelfAttribute("point_of_sale.business")
    goods = factory.SubFactory(GoodsFactory, business=factory.SelfAttribute("..business"))
    position = factory.Sequence(lambda n: n)

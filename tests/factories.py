"""factory-boy factories shared by the whole suite (one helper per kind of setup)."""

import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from customers.models import Account, AccountType, Customer, CustomerCategory, Enrolment
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

"""The referral programme (journey.md "Share"): both rewarded on the friend's first sale,
once; self-referral refused; only new members count."""

from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from coupons.models import Coupon
from customers.models import Customer, LedgerEntry, Referral
from loyalty.services.join import join_program
from loyalty.services.referral import referral_link

from .referral_shop import invitation, referral_shop, sell

pytestmark = pytest.mark.django_db

FRIEND = "+380671112233"


def referral_credits(customer):
    return [
        e.amount for e in LedgerEntry.objects.filter(account__customer=customer, reason="referral")
    ]


def test_the_friends_first_sale_rewards_both_once():
    shop = referral_shop()
    link = invitation(shop)
    friend = join_program(program=shop.program, phone=FRIEND, referral=link).customer
    assert Referral.objects.get(friend=friend).referrer == link.customer
    assert not referral_credits(link.customer)

    sell(shop, friend)
    sell(shop, friend)

    assert referral_credits(link.customer) == [Decimal("50.00")]
    assert Coupon.objects.filter(customer=friend, series=shop.series).count() == 1
    assert Coupon.objects.filter(customer=link.customer).count() == 0
    referral = Referral.objects.get(friend=friend)
    assert referral.rewarded_at is not None and referral.rewarded_sale_id


def test_a_sale_of_the_referrer_rewards_nothing():
    shop = referral_shop()
    link = invitation(shop)
    join_program(program=shop.program, phone=FRIEND, referral=link)
    sell(shop, link.customer)
    assert not referral_credits(link.customer)


def test_joining_by_ones_own_link_is_refused_and_writes_nothing():
    shop = referral_shop()
    link = invitation(shop)
    with pytest.raises(ValidationFailed) as info:
        join_program(program=shop.program, phone=link.customer.phone, referral=link)
    assert info.value.field == "phone" and "own invitation link" in info.value.message
    assert not Referral.objects.exists()


def test_an_existing_member_joining_by_a_link_is_no_referral():
    shop = referral_shop()
    link = invitation(shop)
    member = shop.customer_with_points("0")
    joined = join_program(program=shop.program, phone=member.phone, referral=link)
    assert not joined.welcomed and joined.referred is None
    sell(shop, member)
    assert not Referral.objects.exists() and not referral_credits(link.customer)


def test_one_referral_per_new_customer():
    shop = referral_shop()
    first, second = invitation(shop), invitation(shop)
    join_program(program=shop.program, phone=FRIEND, referral=first)
    join_program(program=shop.program, phone=FRIEND, referral=second)
    friend = Customer.objects.get(phone=FRIEND)
    assert Referral.objects.get(friend=friend).referrer == first.customer


def test_no_links_without_a_referral_reward():
    shop = referral_shop()
    shop.program.referral_referrer_points = None
    shop.program.referral_friend_series = None
    shop.program.save()
    assert referral_link(customer=shop.customer, program=shop.program) is None

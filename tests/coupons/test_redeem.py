"""Redeeming: every refusal code, top-ups, referral rewards, archived series, cancel."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import Refused
from coupons.models import Coupon, CouponEvent
from coupons.services import (
    coupon_refusal,
    issue_coupons,
    redeem_coupon,
    redeem_top_up,
    restore_after_cancel,
    transfer_coupon,
)
from customers import ledger
from customers.models import AccountType, LedgerEntry
from tests.factories import (
    T0,
    CouponSeriesFactory,
    CustomerFactory,
    PointOfSaleFactory,
    ProgramFactory,
    SaleFactory,
    TopUpSeriesFactory,
    at,
)

S = Coupon.State
D = Decimal


def refusal(coupon, customer, pos, when=T0, amount=None):
    return coupon_refusal(
        coupon=coupon, customer=customer, point_of_sale=pos, at=when, check_amount=amount
    )


def test_free_coupon_is_usable_by_anyone(series, pos, customer):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    assert refusal(coupon, None, pos) is None
    assert refusal(coupon, customer, pos) is None


def test_wallet_coupon_is_usable_by_its_holder_only(series, pos, customer, friend):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    assert refusal(coupon, customer, pos) is None
    assert refusal(coupon, friend, pos) == "coupon_not_applicable"
    assert refusal(coupon, None, pos) == "customer_required"


def test_other_program_is_not_applicable(series, customer):
    other_pos = PointOfSaleFactory(
        program=ProgramFactory(business=series.business), business=series.business
    )
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    assert refusal(coupon, customer, other_pos) == "coupon_not_applicable"


def test_min_spend_counts_the_amount_before_discounts(program, pos):
    series = CouponSeriesFactory(program=program, min_spend=D("200.00"))
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    assert refusal(coupon, None, pos, amount=D("199.99")) == "min_spend_not_reached"
    assert refusal(coupon, None, pos, amount=D("200.00")) is None
    assert refusal(coupon, None, pos) is None  # outside a check


def test_final_states(series, pos, customer):
    a, b, c = issue_coupons(series=series, quantity=3, at=T0, customer=customer)
    redeem_coupon(coupon=a, at=T0, customer=customer, point_of_sale=pos)
    Coupon.objects.filter(pk=b.pk).update(state=S.CANCELLED)
    Coupon.objects.filter(pk=c.pk).update(state=S.EXPIRED)
    b.refresh_from_db()
    c.refresh_from_db()
    assert refusal(a, customer, pos) == "coupon_already_redeemed"
    assert refusal(b, customer, pos) == "coupon_already_redeemed"
    assert refusal(c, customer, pos) == "coupon_expired"


def test_redeem_records_the_state_before_and_an_event(series, pos, customer):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    sale = SaleFactory(program=series.program, customer=customer, pos=pos)
    redeemed = redeem_coupon(
        coupon=coupon,
        at=at(hours=1),
        customer=customer,
        sale=sale,
        point_of_sale=pos,
        actor="device-1",
    )
    redeemed.refresh_from_db()
    assert redeemed.state == S.REDEEMED and redeemed.state_before_redeem == S.IN_WALLET
    assert redeemed.redeemed_sale == sale and redeemed.redeemed_at == at(hours=1)
    event = CouponEvent.objects.get(coupon=coupon, to_state=S.REDEEMED)
    assert (event.from_state, event.actor_kind, event.actor) == (S.IN_WALLET, "device", "device-1")
    assert event.sale == sale and event.point_of_sale == pos and event.customer == customer


def test_free_coupon_redeemed_by_an_identified_customer_becomes_theirs(series, pos, customer):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    redeem_coupon(coupon=coupon, at=T0, customer=customer, point_of_sale=pos)
    coupon.refresh_from_db()
    assert coupon.customer == customer and coupon.state_before_redeem == S.FREE


def test_second_redeem_is_refused_even_with_a_stale_object(series, pos):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    stale = Coupon.objects.get(pk=coupon.pk)
    redeem_coupon(coupon=coupon, at=T0, point_of_sale=pos)
    with pytest.raises(Refused) as err:
        redeem_coupon(coupon=stale, at=T0, point_of_sale=pos)
    assert err.value.code == "coupon_already_redeemed"
    assert CouponEvent.objects.filter(coupon=coupon, to_state=S.REDEEMED).count() == 1


def test_redeem_refuses_outside_the_window(program, pos, customer):
    series = CouponSeriesFactory(program=program, delay_days=2, valid_days=5)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    with pytest.raises(Refused) as err:
        redeem_coupon(coupon=coupon, at=at(days=1), customer=customer, point_of_sale=pos)
    assert err.value.code == "coupon_not_yet_valid"
    with pytest.raises(Refused) as err:
        redeem_coupon(coupon=coupon, at=at(days=8), customer=customer, point_of_sale=pos)
    assert err.value.code == "coupon_expired"
    coupon.refresh_from_db()
    assert coupon.state == S.IN_WALLET


def test_archived_series_wallet_coupons_still_redeem(series, pos, customer):
    [held] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    [free] = issue_coupons(series=series, quantity=1, at=T0)
    series.is_archived = True
    series.save()
    held.refresh_from_db()
    free.refresh_from_db()
    redeem_coupon(coupon=held, at=at(days=1), customer=customer, point_of_sale=pos)
    assert Coupon.objects.get(pk=held.pk).state == S.REDEEMED
    assert refusal(free, customer, pos) == "coupon_not_applicable"
    with pytest.raises(Refused):
        issue_coupons(series=series, quantity=1, at=T0, customer=customer)


# -- top-ups -------------------------------------------------------------------------------


def test_top_up_credits_the_bonus_account(program, pos, customer):
    series = TopUpSeriesFactory(program=program, top_up_amount=D("100.00"))
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    coupon, entry = redeem_top_up(coupon=coupon, customer=customer, at=T0, point_of_sale=pos)
    assert coupon.state == S.REDEEMED and coupon.customer == customer
    assert entry.kind == LedgerEntry.Kind.TOP_UP and entry.amount == D("100.00")
    assert entry.coupon_id == coupon.pk
    account = ledger.get_account(customer=customer, program=program)
    assert account.balance == D("100.00")


def test_top_up_to_an_account_type_from_the_wallet(program, pos, customer):
    AccountType.objects.create(
        business=program.business, program=program, key="wallet", name="Wallet"
    )
    series = TopUpSeriesFactory(program=program, top_up_amount=D("250.00"), top_up_account="wallet")
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    _coupon, entry = redeem_top_up(coupon=coupon, customer=customer, at=T0)
    assert entry.account.key == "wallet"
    assert ledger.get_account(customer=customer, program=program, key="wallet").balance == D(
        "250.00"
    )


def test_top_up_refuses_rule_coupons_and_anonymous(series, program, customer, friend):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    with pytest.raises(Refused) as err:
        redeem_top_up(coupon=coupon, customer=customer, at=T0)
    assert err.value.code == "coupon_not_applicable"
    top_up = TopUpSeriesFactory(program=program)
    [held] = issue_coupons(series=top_up, quantity=1, at=T0, customer=customer)
    with pytest.raises(Refused) as err:
        redeem_top_up(coupon=held, customer=None, at=T0)
    assert err.value.code == "customer_required"
    with pytest.raises(Refused) as err:
        redeem_top_up(coupon=held, customer=friend, at=T0)
    assert err.value.code == "coupon_not_applicable"
    assert not LedgerEntry.objects.exists()


def test_top_up_twice_credits_once(program, customer):
    series = TopUpSeriesFactory(program=program)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    stale = Coupon.objects.get(pk=coupon.pk)
    redeem_top_up(coupon=coupon, customer=customer, at=T0)
    with pytest.raises(Refused):
        redeem_top_up(coupon=stale, customer=customer, at=T0)
    assert LedgerEntry.objects.count() == 1


# -- referral ------------------------------------------------------------------------------


def test_referral_reward_goes_to_the_giver_when_the_friend_redeems(program, pos, customer, friend):
    series = CouponSeriesFactory(program=program, transferable=True, referral_reward=D("15.00"))
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    transfer_coupon(coupon=coupon, giver=customer, receiver=friend, at=T0)
    giver_account = ledger.get_account(customer=customer, program=program)
    assert giver_account.balance == D("0.00")
    sale = SaleFactory(program=program, customer=friend, pos=pos)
    redeem_coupon(coupon=coupon, at=at(hours=1), customer=friend, sale=sale, point_of_sale=pos)
    giver_account.refresh_from_db()
    assert giver_account.balance == D("15.00")
    entry = LedgerEntry.objects.get(account=giver_account)
    assert entry.coupon_id == coupon.pk and entry.sale == sale
    # cancelling the friend's sale takes the reward back (the ledger reverses sale entries)
    ledger.reverse_sale_entries(sale=sale, at=at(hours=2))
    restore_after_cancel(sale=sale, at=at(hours=2))
    giver_account.refresh_from_db()
    assert giver_account.balance == D("0.00")
    coupon.refresh_from_db()
    assert coupon.state == S.IN_WALLET and coupon.customer == friend


def test_no_referral_reward_without_a_giver(program, pos, customer):
    series = CouponSeriesFactory(program=program, referral_reward=D("15.00"))
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    redeem_coupon(coupon=coupon, at=T0, customer=customer, point_of_sale=pos)
    assert not LedgerEntry.objects.exists()


# -- cancelled sales -----------------------------------------------------------------------


def test_cancel_puts_redeemed_coupons_back(series, pos, customer):
    held, spare = issue_coupons(series=series, quantity=2, at=T0, customer=customer)
    [free] = issue_coupons(series=series, quantity=1, at=T0)
    sale = SaleFactory(program=series.program, customer=customer, pos=pos)
    for coupon in (held, free):
        redeem_coupon(coupon=coupon, at=T0, customer=customer, sale=sale, point_of_sale=pos)
    restore_after_cancel(sale=sale, at=at(hours=1))
    held.refresh_from_db()
    free.refresh_from_db()
    assert held.state == S.IN_WALLET and held.customer == customer
    assert held.redeemed_sale is None and held.state_before_redeem == ""
    assert free.state == S.FREE and free.customer is None
    events = CouponEvent.objects.filter(sale=sale, from_state=S.REDEEMED)
    assert {(e.coupon_id, e.to_state) for e in events} == {
        (held.pk, S.IN_WALLET),
        (free.pk, S.FREE),
    }
    # usable again, and a second cancel changes nothing
    assert refusal(held, customer, pos, when=at(hours=2)) is None
    restore_after_cancel(sale=sale, at=at(hours=1))
    assert CouponEvent.objects.filter(sale=sale).count() == 4


def test_cancel_after_the_window_expires_the_coupon(program, pos, customer):
    series = CouponSeriesFactory(program=program, valid_days=1)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    sale = SaleFactory(program=program, customer=customer, pos=pos)
    redeem_coupon(coupon=coupon, at=T0, customer=customer, sale=sale, point_of_sale=pos)
    restore_after_cancel(sale=sale, at=at(days=2))
    coupon.refresh_from_db()
    assert coupon.state == S.EXPIRED


def test_cancel_cancels_unused_coupons_the_sale_issued(series, pos, customer):
    sale = SaleFactory(program=series.program, customer=customer, pos=pos)
    used, unused = issue_coupons(series=series, quantity=2, at=T0, customer=customer, sale=sale)
    other = SaleFactory(program=series.program, customer=customer, pos=pos)
    redeem_coupon(coupon=used, at=T0, customer=customer, sale=other, point_of_sale=pos)
    restore_after_cancel(sale=sale, at=at(hours=1))
    used.refresh_from_db()
    unused.refresh_from_db()
    assert used.state == S.REDEEMED  # already used on another sale: stays used
    assert unused.state == S.CANCELLED
    assert refusal(unused, customer, pos) == "coupon_already_redeemed"
    series.refresh_from_db()
    assert series.issued_count == 2  # inventory counts what was ever issued


def test_tenant_customer_of_another_business(series, pos):
    [coupon] = issue_coupons(series=series, quantity=1, at=T0)
    stranger = CustomerFactory()
    assert refusal(coupon, stranger, pos) == "coupon_not_applicable"
    with pytest.raises(Refused):
        redeem_coupon(coupon=coupon, at=T0 + timedelta(hours=1), customer=stranger)


# -- several at once (a confirmed check) -----------------------------------------------------


def test_redeem_coupons_in_constant_queries(program, pos, customer, friend):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coupons.services import redeem_coupons

    series = CouponSeriesFactory(program=program)
    counts = []
    for n in (1, 5):
        held = issue_coupons(series=series, quantity=n, at=T0, customer=customer)
        fresh = list(Coupon.objects.filter(pk__in=[c.pk for c in held]).select_related("series"))
        sale = SaleFactory(program=program, customer=customer, pos=pos)
        with CaptureQueriesContext(connection) as queries:
            done = redeem_coupons(
                coupons=fresh, at=T0, customer=customer, sale=sale, point_of_sale=pos, actor="till"
            )
        counts.append(len(queries))
        assert all(c.state == S.REDEEMED and c.state_before_redeem == S.IN_WALLET for c in done)
        assert CouponEvent.objects.filter(sale=sale, to_state=S.REDEEMED).count() == n
        assert set(Coupon.objects.filter(redeemed_sale=sale).values_list("pk", flat=True)) == {
            c.pk for c in held
        }
    assert counts[0] == counts[1]


def test_redeem_coupons_is_all_or_nothing(program, pos, customer):
    from coupons.services import redeem_coupons

    series = CouponSeriesFactory(program=program, transferable=True, referral_reward=D("5"))
    a, b = issue_coupons(series=series, quantity=2, at=T0, customer=customer)
    stale_b = Coupon.objects.get(pk=b.pk)
    redeem_coupon(coupon=b, at=T0, customer=customer)  # used meanwhile elsewhere
    with pytest.raises(Refused) as err:
        redeem_coupons(coupons=[Coupon.objects.get(pk=a.pk), stale_b], at=T0, customer=customer)
    assert err.value.code == "coupon_already_redeemed"
    assert Coupon.objects.get(pk=a.pk).state == S.IN_WALLET
    with pytest.raises(Refused):  # the same coupon twice
        redeem_coupons(coupons=[a, a], at=T0, customer=customer)


def test_redeem_coupons_pays_the_referral_reward(program, pos, customer, friend):
    from coupons.services import redeem_coupons

    series = CouponSeriesFactory(program=program, transferable=True, referral_reward=D("5"))
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer)
    transfer_coupon(coupon=coupon, giver=customer, receiver=friend, at=T0)
    redeem_coupons(coupons=[Coupon.objects.get(pk=coupon.pk)], at=T0, customer=friend)
    assert ledger.get_account(customer=customer, program=program).balance == D("5.00")

"""Input and output serializers of the terminal and kiosk API (terminal-api.md)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from loyalty.checks import CheckInput, PositionInput
from loyalty.checks.inputs import (
    MAX_COUPONS,
    MAX_GIFT_CARDS_SOLD,
    MAX_MANUAL_RULES,
    MAX_PAYMENTS,
    MAX_POSITIONS,
    GiftCardSaleInput,
    PaymentInput,
)


class CustomerRefSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, max_length=40)
    card = serializers.CharField(required=False, max_length=80)
    id = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        given = [k for k in ("phone", "card", "id") if attrs.get(k) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError(_("Give exactly one of phone, card or id."))
        return attrs


class PositionSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=80)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    category = serializers.CharField(
        max_length=80, required=False, allow_blank=True, allow_null=True, default=""
    )
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))


class PaymentSerializer(serializers.Serializer):
    """One entry of `payments` (payments.md): `account` with `amount` or `units`, or
    `gift_card` with `amount`."""

    account = serializers.CharField(required=False, max_length=80)
    gift_card = serializers.CharField(required=False, max_length=80)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    units = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False
    )

    def validate(self, attrs):
        if bool(attrs.get("account")) == bool(attrs.get("gift_card")):
            raise serializers.ValidationError(_("Give either an account or a gift card."))
        if attrs.get("amount") is None and attrs.get("units") is None:
            raise serializers.ValidationError({"amount": _("Give an amount or units.")})
        if attrs.get("amount") is not None and attrs.get("units") is not None:
            raise serializers.ValidationError({"units": _("Give an amount or units, not both.")})
        return attrs


class GiftCardSoldSerializer(serializers.Serializer):
    series = serializers.CharField(max_length=80)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    code = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class CheckRequestSerializer(serializers.Serializer):
    """A check (terminal-api.md "Check request"); the cashier page's checks share every
    field but the goods (CashierCheckSerializer)."""

    customer = CustomerRefSerializer(required=False, allow_null=True, default=None)
    positions = PositionSerializer(many=True, allow_empty=False, max_length=MAX_POSITIONS)
    manual_rules = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=MAX_MANUAL_RULES,
    )
    coupons = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        default=list,
        max_length=MAX_COUPONS,
    )
    pay_with_points = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        default=Decimal("0.00"),
    )
    external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True, default=""
    )
    time = serializers.DateTimeField(required=False, allow_null=True, default=None)
    payments = PaymentSerializer(many=True, required=False, max_length=MAX_PAYMENTS)
    gift_cards_sold = GiftCardSoldSerializer(
        many=True, required=False, max_length=MAX_GIFT_CARDS_SOLD
    )

    def to_check(self, positions: tuple[PositionInput, ...] | None = None) -> CheckInput:
        """The CheckInput of the valid body; `positions` when the goods came otherwise."""
        data = self.validated_data
        if positions is None:
            positions = tuple(
                PositionInput(
                    code=p["code"],
                    title=p.get("title") or "",
                    category=p.get("category") or "",
                    price=p["price"],
                    quantity=p["quantity"],
                )
                for p in data["positions"]
            )
        return CheckInput(
            customer=dict(data["customer"]) if data.get("customer") else None,
            positions=positions,
            manual_rules=tuple(data.get("manual_rules") or ()),
            coupons=tuple(data.get("coupons") or ()),
            pay_with_points=data.get("pay_with_points") or Decimal("0.00"),
            external_id=data.get("external_id") or "",
            time=data.get("time"),
            payments=tuple(
                PaymentInput(
                    account=p.get("account") or None,
                    gift_card=p.get("gift_card") or None,
                    amount=p.get("amount"),
                    units=p.get("units"),
                )
                for p in data.get("payments") or ()
            ),
            gift_cards_sold=tuple(
                GiftCardSaleInput(series=g["series"], amount=g["amount"], code=g.get("code") or "")
                for g in data.get("gift_cards_sold") or ()
            ),
        )


class CashierCheckSerializer(CheckRequestSerializer):
    """The cashier page's check without its goods: the page sends catalogue codes and
    quantities (terminal.views.checkpad prices them). A till checks out at its own moment,
    and the page keeps no external id."""

    positions = None
    external_id = None
    time = None


class CustomerBodySerializer(serializers.Serializer):
    """Body of the coupon calls: {"customer": {...}}."""

    customer = CustomerRefSerializer()


class RegisterCustomerSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    birthday = serializers.DateField(required=False, allow_null=True, default=None)
    language = serializers.ChoiceField(
        choices=["en", "uk"], required=False, allow_blank=True, default=""
    )


class ActivateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=80)
    customer = CustomerRefSerializer()


# Output shapes, for the schema.
class BalanceSerializer(serializers.Serializer):
    active = serializers.CharField()
    pending = serializers.CharField()
    expiring_soon = serializers.CharField()


class CouponAnswerSerializer(serializers.Serializer):
    code = serializers.CharField()
    series = serializers.CharField()
    state = serializers.CharField()
    valid_from = serializers.CharField(allow_null=True)
    valid_to = serializers.CharField(allow_null=True)
    usable_here = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    # kiosk answers only: the series lets the customer use it alone at the kiosk
    self_service = serializers.BooleanField(required=False)
    # kiosk answers only: the series' title in the request's language (the page shows it)
    title = serializers.CharField(required=False)
    # kiosk answers only: the series lets the customer give it to a friend
    transferable = serializers.BooleanField(required=False)


class CustomerAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    balances = serializers.DictField(child=BalanceSerializer())
    coupons = CouponAnswerSerializer(many=True)


class PaidByUnitsSerializer(serializers.Serializer):
    account = serializers.CharField()
    units = serializers.CharField()
    amount = serializers.CharField()


class PositionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    quantity = serializers.CharField()
    amount = serializers.CharField()
    discount = serializers.CharField()
    amount_to_pay = serializers.CharField()
    paid_by_units = PaidByUnitsSerializer(required=False)


class PaymentResultSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["points", "account", "gift_card"])
    account = serializers.CharField(required=False)
    gift_card = serializers.CharField(required=False)
    amount = serializers.CharField()
    units = serializers.CharField(required=False)
    balance_after = serializers.CharField()


class GiftCardSoldResultSerializer(serializers.Serializer):
    series = serializers.CharField()
    code = serializers.CharField(allow_null=True)
    amount = serializers.CharField()
    balance = serializers.CharField(allow_null=True)
    valid_to = serializers.CharField(allow_null=True)


class GiftCardAnswerSerializer(serializers.Serializer):
    """GET gift-cards/{code} and the public page's data (payments.md "Balance")."""

    code = serializers.CharField()
    series = serializers.CharField()
    state = serializers.CharField()
    balance = serializers.CharField()
    valid_to = serializers.CharField(allow_null=True)
    usable = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)


class AppliedRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    explanation = serializers.CharField()
    discount = serializers.CharField()
    credit = serializers.CharField()
    coupons = serializers.IntegerField()
    coupon = serializers.CharField(allow_null=True)


class CreditSerializer(serializers.Serializer):
    account = serializers.CharField()
    amount = serializers.CharField()
    activates_at = serializers.CharField(allow_null=True)
    expires_at = serializers.CharField(allow_null=True)
    rule = serializers.CharField(allow_null=True)


class IssuedCouponSerializer(serializers.Serializer):
    series = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class NotAppliedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    ref = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class SaleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    created_at = serializers.CharField()


class StampResultSerializer(serializers.Serializer):
    """promotions.md: one stamp card's move on this check."""

    card = serializers.CharField()
    name = serializers.CharField()
    before = serializers.IntegerField()
    added = serializers.IntegerField()
    after = serializers.IntegerField()
    of = serializers.IntegerField()
    rewards = serializers.IntegerField()


class CheckResultSerializer(serializers.Serializer):
    amount = serializers.CharField()
    discount = serializers.CharField()
    amount_to_pay = serializers.CharField()
    points_paid = serializers.CharField()
    money_to_pay = serializers.CharField()
    positions = PositionResultSerializer(many=True)
    applied_rules = AppliedRuleSerializer(many=True)
    credits = CreditSerializer(many=True)
    coupons_issued = IssuedCouponSerializer(many=True)
    not_applied = NotAppliedSerializer(many=True)
    sale = SaleRefSerializer(allow_null=True)
    stamps = StampResultSerializer(many=True, required=False)
    payments = PaymentResultSerializer(many=True)
    gift_cards_sold = GiftCardSoldResultSerializer(many=True)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class CouponPresenterSerializer(serializers.Serializer):
    """Who presents a coupon (GET coupons/{code}): at most one of phone, card, customer."""

    phone = serializers.CharField(required=False, max_length=40)
    card = serializers.CharField(required=False, max_length=80)
    customer = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        given = [
            name for name in ("phone", "card", "customer") if attrs.get(name) not in (None, "")
        ]
        if len(given) > 1:
            raise serializers.ValidationError({given[1]: _("Give one of phone, card or customer.")})
        return attrs

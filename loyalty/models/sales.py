import json

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .base import TenantModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class Sale(TenantModel):
    """A confirmed check. Cancelling keeps the row and reverses its effects."""

    COMPLETED, CANCELLED = "completed", "cancelled"
    STATUSES = [(COMPLETED, _("Completed")), (CANCELLED, _("Cancelled"))]

    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="+")
    point_of_sale = models.ForeignKey(
        "loyalty.PointOfSale", on_delete=models.PROTECT, related_name="sales"
    )
    device = models.ForeignKey(
        "loyalty.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # No single-column indexes where a composite index in Meta starts with the column: each
    # index is written at every sale (docs/benchmarks.md, P2).
    business = models.ForeignKey(
        "loyalty.Business", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
        db_index=False,
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    time = models.DateTimeField(_("sale time"))
    status = models.CharField(max_length=10, choices=STATUSES, default=COMPLETED)
    amount = models.DecimalField(**MONEY)
    discount = models.DecimalField(**MONEY)
    amount_to_pay = models.DecimalField(**MONEY)
    points_paid = models.DecimalField(**MONEY)
    money_to_pay = models.DecimalField(**MONEY)
    # The confirm's answer as sent to the terminal, JSON text byte for byte: a replay with
    # the same Idempotency-Key sends it again unchanged (terminal-api.md). Text, not jsonb:
    # jsonb reorders keys, and parsing it cost the server time at every confirm.
    answer = models.TextField(default="{}", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Why it was cancelled and which manager approved it (issue 21). Database defaults: the
    # confirm's hand-written INSERT does not name these columns.
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=200, blank=True, default="", db_default=""
    )
    cancel_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cancelling approved by"),
    )

    class Meta:
        verbose_name = _("sale")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["customer", "program", "status", "time"], name="sale_history"),
            # Covering: the reports aggregate a period's sales from the index alone, not
            # from the wide rows (their stored answers); the time lists use it as before.
            models.Index(
                fields=["business", "-time"],
                include=[
                    "status",
                    "program",
                    "customer",
                    "point_of_sale",
                    "staff",
                    "money_to_pay",
                    "amount",
                    "discount",
                ],
                name="sale_business_time_cover",
            ),  # fmt: skip
            # Cancelled sales are few: the reports leave them out through this small index.
            models.Index(
                fields=["business"],
                include=["id"],
                condition=models.Q(status="cancelled"),
                name="sale_cancelled",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.amount_to_pay}"

    @cached_property
    def result(self) -> dict:
        """The stored answer, parsed."""
        return json.loads(self.answer)


# A sale's lines copy their sale's business for tenant scoping; the database checks that
# copy on the sale only. Every foreign key and index on a line costs a check or an index
# entry at each of the ~50 lines a sale writes (docs/benchmarks.md, P2); the code writes
# lines with their sale's business, and reads them through their sale.
LINE_BUSINESS = {
    "on_delete": models.CASCADE,
    "related_name": "+",
    "db_constraint": False,
    "db_index": False,
}


class SalePosition(TenantModel):
    business = models.ForeignKey("loyalty.Business", **LINE_BUSINESS)
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="positions")
    index = models.PositiveIntegerField()
    code = models.CharField(max_length=80)
    title = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=80, blank=True)
    price = models.DecimalField(**MONEY)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    amount = models.DecimalField(**MONEY)
    discount = models.DecimalField(**MONEY)
    amount_to_pay = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["sale", "index"]


class SaleRule(TenantModel):
    """A rule applied to a sale, in the order it applied."""

    business = models.ForeignKey("loyalty.Business", **LINE_BUSINESS)
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="applied_rules")
    # No database check either: the id comes from the compiled program, and a deleted rule's
    # applications are set to NULL by Django's collector (rule_key keeps the name).
    rule = models.ForeignKey(
        "loyalty.Rule",
        null=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        db_constraint=False,
    )
    rule_key = models.CharField(max_length=80)
    order = models.PositiveIntegerField()
    discount = models.DecimalField(**MONEY)
    credit = models.DecimalField(**MONEY)
    coupons = models.PositiveIntegerField(default=0)
    coupon_code = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["sale", "order"]


class CashierConfirmToken(TenantModel):
    """The cashier page's guard against a double-tapped confirm: one token per check on the
    page, unique per staff login in the database, so two requests with one token make one
    sale however many processes serve them (quality.md R19). The second request waits on
    the unique index until the first commits, then answers the first one's receipt."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.CharField(max_length=64)
    sale = models.ForeignKey(
        Sale, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "token"], name="cashier_token_unique")
        ]


class IdempotencyRecord(TenantModel):
    """A confirm's answer, kept per device and key so a retry gets the same answer."""

    # indexed by idempotency_unique (device, key)
    device = models.ForeignKey(
        "loyalty.Device", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    # The answer is the confirmed sale's stored result, kept once: copying the ~9 KB answer
    # here too cost a second compression and write at every confirm (docs/benchmarks.md).
    # No index: sales are not deleted one by one.
    sale = models.ForeignKey(
        Sale, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Answers of records written before the sale link; empty for new records.
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it had in the terminal app (moved in issue 16, state only).
        db_table = "terminal_idempotencyrecord"
        constraints = [models.UniqueConstraint(fields=["device", "key"], name="idempotency_unique")]

    @property
    def answer(self) -> str:
        """The stored answer's JSON text."""
        if self.sale_id:
            return self.sale.answer
        # Compact as loyalty.checks.results.encode writes it: models sit below the checks.
        return json.dumps(self.body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from loyalty import engine

from .base import TenantModel
from .tenants import key_validator


class Rule(TenantModel):
    """A loyalty rule (rules.md). The engine sees it as `loyalty.engine.Rule`."""

    class Mode(models.TextChoices):
        AUTO = "auto", _("Automatic, every sale")
        MANUAL = "manual", _("Manual, selected by the cashier")
        COUPON = "coupon", _("Coupon reward")
        KIOSK = "kiosk", _("Kiosk offer")

    # The actions and what they are come from the engine's registry (loyalty.engine.actions).
    Action = models.TextChoices(
        "Action", [(a.name.upper(), (a.name, _(a.label))) for a in engine.ACTION_REGISTRY]
    )
    GOODS_ACTIONS = engine.GOODS_ACTIONS
    CREDIT_ACTIONS = engine.CREDIT_ACTIONS
    ISSUE_ACTIONS = engine.ISSUE_ACTIONS
    PERCENT_ACTIONS = engine.PERCENT_ACTIONS

    class Measure(models.TextChoices):
        AMOUNT = "amount", _("Amount")
        QUANTITY = "quantity", _("Quantity")

    class Period(models.TextChoices):
        CHECK = "check", _("This check")
        DAY = "day", _("Current day")
        WEEK = "week", _("Current week")
        MONTH = "month", _("Current month")
        YEAR = "year", _("Current year")
        LAST_30_DAYS = "last_30_days", _("Last 30 days")
        LAST_365_DAYS = "last_365_days", _("Last 365 days")
        ALL_TIME = "all_time", _("All time")

    class AppliesTo(models.TextChoices):
        ALL = "all", _("All sales")
        FIRST = "first", _("First sale only")
        REPEAT = "repeat", _("Repeat sales only")

    class Identity(models.TextChoices):
        ANY = "any", _("Any customer")
        IDENTIFIED = "identified", _("Identified customers")
        ANONYMOUS = "anonymous", _("Anonymous checks")

    class Per(models.TextChoices):
        CHECK = "check", _("Per check")
        ITEM = "item", _("Per item")

    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.AUTO)
    priority = models.IntegerField(_("priority"), default=0)
    combine = models.BooleanField(_("combine with other rules"), default=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    # depends_on
    depends_measure = models.CharField(
        _("depends on measure"), max_length=10, choices=Measure.choices, blank=True
    )
    depends_period = models.CharField(
        _("over period"), max_length=16, choices=Period.choices, blank=True
    )
    # [{"from": "100.01", "value": "7"}, ...], decimals as strings, sorted by "from".
    thresholds = models.JSONField(_("thresholds"), default=list, blank=True)
    min_quantity = models.DecimalField(
        _("minimum quantity"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_quantity = models.DecimalField(
        _("maximum quantity"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    # credit
    credit_account = models.CharField(_("credit to account"), max_length=80, default="bonus")
    credit_expires_in_days = models.PositiveIntegerField(
        _("expires in days"), null=True, blank=True
    )
    credit_activates_in_days = models.PositiveIntegerField(
        _("activates in days"), null=True, blank=True
    )
    # coupon issue
    coupon_series = models.ForeignKey(
        "coupons.CouponSeries",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issuing_rules",
        verbose_name=_("coupon series"),
    )
    coupon_per = models.CharField(
        _("coupons per"), max_length=5, choices=Per.choices, default=Per.CHECK
    )
    coupon_quantity = models.PositiveIntegerField(_("coupon quantity"), default=1)
    # filters
    applies_to_sales = models.CharField(
        _("applies to"), max_length=8, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    customer_identity = models.CharField(
        _("customer identity"), max_length=12, choices=Identity.choices, default=Identity.ANY
    )
    customer_categories = models.ManyToManyField(
        "customers.CustomerCategory",
        blank=True,
        related_name="rules",
        verbose_name=_("customer categories"),
    )
    points_of_sale = models.ManyToManyField(
        "loyalty.PointOfSale", blank=True, related_name="rules", verbose_name=_("points of sale")
    )
    include_categories = models.JSONField(_("include categories"), default=list, blank=True)
    include_goods = models.JSONField(_("include goods"), default=list, blank=True)
    exclude_categories = models.JSONField(_("exclude categories"), default=list, blank=True)
    exclude_goods = models.JSONField(_("exclude goods"), default=list, blank=True)
    # schedule (business time zone)
    date_from = models.DateField(_("from date"), null=True, blank=True)
    date_to = models.DateField(_("to date"), null=True, blank=True)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    time_from = models.TimeField(_("from time"), null=True, blank=True)
    time_to = models.TimeField(_("to time"), null=True, blank=True)
    # promotions.md
    group_size = models.PositiveSmallIntegerField(_("group size"), null=True, blank=True)
    free_count = models.PositiveSmallIntegerField(
        _("discounted units per group"), null=True, blank=True
    )
    # [{"include_categories": [...], "include_goods": [...], "quantity": 1}, ...]
    components = models.JSONField(_("bundle components"), default=list, blank=True)
    max_amount = models.DecimalField(
        _("at most per check"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quantity_limit = models.DecimalField(
        _("only up to this many units"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    # the birthday filter is on when either is set (the other then counts as 0)
    birthday_days_before = models.PositiveSmallIntegerField(
        _("days before the birthday"), null=True, blank=True
    )
    birthday_days_after = models.PositiveSmallIntegerField(
        _("days after the birthday"), null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("rule")
        ordering = ["priority", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="rule_unique_key")]

    def __str__(self):
        return self.name

    @property
    def is_goods_action(self):
        return self.action in self.GOODS_ACTIONS

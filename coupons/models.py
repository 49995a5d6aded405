import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import PrivateName, private_storage
from core.jobs import Job
from customers.models import AccountType
from loyalty.models.base import TenantModel
from loyalty.models.tenants import key_validator

from . import series_rules
from .codes import normalize_code

MONEY = {"max_digits": 14, "decimal_places": 2}


def new_token():
    return secrets.token_urlsafe(12)


class CouponSeries(TenantModel):
    class Validity(models.TextChoices):
        RANGE = "range", _("Date range")
        RELATIVE = "relative", _("Days after it reaches the customer")
        HOURS = "hours", _("Hours after it reaches the customer")

    class CodeMode(models.TextChoices):
        ON_ISSUE = "on_issue", _("Made on issue")
        PREGENERATED = "pregenerated", _("Pregenerated")
        IMPORTED = "imported", _("Imported")

    program = models.ForeignKey(
        "loyalty.Program",
        on_delete=models.CASCADE,
        related_name="coupon_series",
        verbose_name=_("program"),
    )
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    title = models.JSONField(_("title"), default=dict, blank=True)  # {"en": ..., "uk": ...}
    description = models.JSONField(_("description"), default=dict, blank=True)
    image = models.ImageField(_("image"), upload_to="series/", blank=True)
    # reward: a coupon-mode rule, or a top-up
    reward_rule = models.ForeignKey(
        "loyalty.Rule", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    top_up_account = models.CharField(_("top-up account"), max_length=80, blank=True)
    top_up_amount = models.DecimalField(_("top-up amount"), **MONEY, null=True, blank=True)
    min_spend = models.DecimalField(_("minimum spend"), **MONEY, null=True, blank=True)
    validity_type = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.RELATIVE
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    delay_days = models.PositiveIntegerField(_("delay, days"), default=0)
    valid_days = models.PositiveIntegerField(_("valid for, days"), null=True, blank=True)
    valid_hours = models.PositiveIntegerField(_("valid for, hours"), null=True, blank=True)
    issue_until = models.DateField(_("issue until"), null=True, blank=True)
    inventory = models.PositiveIntegerField(_("inventory"), null=True, blank=True)
    # Counted with conditional UPDATEs so that the inventory holds under concurrency.
    issued_count = models.PositiveIntegerField(default=0, editable=False)
    code_mode = models.CharField(
        _("codes"), max_length=14, choices=CodeMode.choices, default=CodeMode.ON_ISSUE
    )
    code_prefix = models.CharField(_("code prefix"), max_length=12, blank=True)
    code_length = models.PositiveSmallIntegerField(_("code length"), default=10)
    code_group = models.PositiveSmallIntegerField(_("characters per group"), default=0)
    self_service = models.BooleanField(_("self-service at the kiosk"), default=False)
    transferable = models.BooleanField(_("transferable"), default=False)
    notify_giver = models.BooleanField(_("notify the giver"), default=False)
    referral_reward = models.DecimalField(_("referral reward"), **MONEY, null=True, blank=True)
    expiry_reminder_hours = models.PositiveIntegerField(
        _("remind before expiry, hours"), null=True, blank=True
    )
    kiosk_price = models.DecimalField(_("kiosk price, points"), **MONEY, null=True, blank=True)
    # The /s/<token> link claims only when on: a reward that rules give must not be free to
    # anyone holding the link (journey.md "Series and public claim").
    public_claim = models.BooleanField(_("anyone may claim it by link"), default=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coupon series")
        verbose_name_plural = _("coupon series")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="series_unique_key")]

    def __str__(self):
        return self.name

    def clean(self):
        values = {name: getattr(self, name) for name in series_rules.SETTINGS}
        problems = series_rules.settings_problems(
            values, has_rule=self.reward_rule_id is not None, issued_count=self.issued_count
        )
        # A locked reward stays as it was issued, even one that older rules allowed.
        if self.top_up_amount is not None and not series_rules.has_issued(self):
            account_types = AccountType.objects.filter(program_id=self.program_id)
            problems += series_rules.top_up_account_problems(
                account=self.top_up_account or series_rules.TOP_UP_DEFAULT,
                account_types=set(account_types.values_list("key", flat=True)),
            )
        errors = {}
        for field, message in problems:
            errors.setdefault(field, message)  # the first problem of each field
        if errors:
            raise ValidationError(errors)

    @property
    def is_top_up(self):
        return self.reward_rule_id is None and self.top_up_amount is not None


class Coupon(TenantModel):
    class State(models.TextChoices):
        FREE = "free", _("Free")
        IN_WALLET = "in_wallet", _("In a wallet")
        REDEEMED = "redeemed", _("Redeemed")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    # Foreign keys carry no single-column index of their own: the indexes in Meta cover their
    # look-ups, and a million stock codes insert faster with fewer indexes (quality.md P4).
    # The business by coupon_unique_code (business, code_norm).
    business = models.ForeignKey(
        "loyalty.Business", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    series = models.ForeignKey(
        CouponSeries, on_delete=models.PROTECT, related_name="coupons", db_index=False
    )
    code = models.CharField(max_length=80)  # canonical, as printed
    # Upper case without spaces or dashes: the look-up key, unique per business.
    code_norm = models.CharField(max_length=80)
    # pregenerated/imported codes wait as "stock" until issued
    is_stock = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.FREE)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coupons",
        db_index=False,
    )
    giver = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    issued_by_sale = models.ForeignKey(
        "loyalty.Sale",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    redeemed_sale = models.ForeignKey(
        "loyalty.Sale",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    state_before_redeem = models.CharField(max_length=10, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        constraints = [
            models.UniqueConstraint(fields=["business", "code_norm"], name="coupon_unique_code")
        ]
        indexes = [
            models.Index(fields=["series", "state"], name="coupon_series_state"),
            models.Index(
                fields=["customer", "state"],
                condition=models.Q(customer__isnull=False),
                name="coupon_wallet",
            ),
            # The expiry job looks for usable coupons with a window; stock codes have none.
            models.Index(
                fields=["state", "valid_to"],
                condition=models.Q(state__in=["free", "in_wallet"], valid_to__isnull=False),
                name="coupon_expiry",
            ),
            models.Index(
                fields=["giver"], condition=models.Q(giver__isnull=False), name="coupon_giver"
            ),
            models.Index(
                fields=["issued_by_sale"],
                condition=models.Q(issued_by_sale__isnull=False),
                name="coupon_issued_by_sale",
            ),
            models.Index(
                fields=["redeemed_sale"],
                condition=models.Q(redeemed_sale__isnull=False),
                name="coupon_redeemed_sale",
            ),
            # Issuing from stock takes the oldest stock codes of a series; without this the
            # scan would pass over every code already issued.
            models.Index(
                fields=["series", "id"], condition=models.Q(is_stock=True), name="coupon_stock"
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.code:  # the look-up key always follows the printed code
            self.code_norm = normalize_code(self.code)
        super().save(*args, **kwargs)


class CouponEvent(TenantModel):
    """Append-only record of every change of a coupon's state."""

    # indexed by couponevent_stats (business, to_state, at): written 7 times a sale in the
    # load bench, so no index is kept that another one covers. Business and series are copies
    # of the coupon's, checked by the database on the coupon only (each check costs at every
    # event, docs/benchmarks.md, P2).
    business = models.ForeignKey(
        "loyalty.Business",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="events")
    # The coupon's series, copied so that a series' day-by-day chart reads one index range
    # (no join over a million coupons).
    series = models.ForeignKey(
        CouponSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=10)  # device|staff|customer|system
    actor = models.CharField(max_length=120, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    point_of_sale = models.ForeignKey(
        "loyalty.PointOfSale", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["business", "to_state", "at"], name="couponevent_stats"),
            models.Index(
                fields=["series", "at"],
                include=["to_state", "from_state"],
                name="couponevent_series_day",
            ),
        ]


class PromotionChannel(TenantModel):
    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(_("channel"), max_length=60)
    visits = models.PositiveIntegerField(default=0)
    claims = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "name"], name="channel_unique_name")
        ]


class CodeJob(TenantModel, Job):
    """A background job over a series' codes (generation, import, bulk issue); core.jobs
    gives the states, progress and running."""

    class Kind(models.TextChoices):
        GENERATE = "generate", _("Generate codes")
        IMPORT = "import", _("Import codes")
        ISSUE = "issue", _("Issue to customers")

    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Private files (R12): outside MEDIA_ROOT, unguessable names, served only by the job's
    # views (coupons.views.jobs), which check the business and the role.
    source = models.FileField(
        upload_to=PrivateName("imports"), storage=private_storage, max_length=255, blank=True
    )
    rejected_file = models.FileField(
        upload_to=PrivateName("rejected"), storage=private_storage, max_length=255, blank=True
    )

    class Meta(Job.Meta):
        pass

    @property
    def source_name(self) -> str:
        """The uploaded file's own name, without the private folder and token."""
        return PurePath(self.source.name).name if self.source else ""


def new_gift_token():
    return secrets.token_urlsafe(18)


class Gift(TenantModel):
    """A coupon offered to a friend by its holder: the link `/t/<token>`, single use, valid
    7 days (journey.md "Give a coupon"). The coupon stays in the giver's wallet until the
    friend claims it, so an unclaimed gift has nothing to give back when it lapses."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="gifts")
    giver = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True, default=new_gift_token)
    # Sent to a phone: only that phone may claim it. Empty: whoever holds the link.
    phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    receiver = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the giver was told the coupon is back ("gift returned"): once per gift.
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open gift per coupon: a second link would offer the same coupon twice.
            models.UniqueConstraint(
                fields=["coupon"],
                condition=models.Q(claimed_at__isnull=True, cancelled_at__isnull=True),
                name="gift_one_open_per_coupon",
            )
        ]

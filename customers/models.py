import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.base import TenantModel
from loyalty.models.tenants import key_validator

MONEY = {"max_digits": 14, "decimal_places": 2}


class CustomerCategory(TenantModel):
    program = models.ForeignKey(
        "loyalty.Program", on_delete=models.CASCADE, related_name="customer_categories"
    )
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("default for new customers"), default=False)

    class Meta:
        verbose_name = _("customer category")
        verbose_name_plural = _("customer categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="custcat_unique_key")
        ]

    def __str__(self):
        return self.name


class Customer(TenantModel):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        TELEGRAM = "telegram", _("Telegram")
        VIBER = "viber", _("Viber")
        NONE = "none", _("Do not contact")

    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    card_code = models.CharField(_("card code"), max_length=40)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    consent = models.BooleanField(_("consents to messages"), default=False)
    channel = models.CharField(
        _("notification channel"), max_length=8, choices=Channel.choices, default=Channel.SMS
    )
    # Set when the customer binds a bot from the wallet page (customers/notify/binding.py).
    telegram_chat_id = models.CharField(max_length=32, blank=True)
    viber_user_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "phone"], condition=~Q(phone=""), name="customer_unique_phone"
            ),
            models.UniqueConstraint(fields=["business", "card_code"], name="customer_unique_card"),
        ]
        # The panel's list (newest first) reads one index range; its search by a part of a
        # name or number uses trigram indexes made on PostgreSQL by migration 0006.
        # customer_phone repeats the unique constraint without its condition: a prepared
        # statement's generic plan for `phone = $1` cannot prove `$1 <> ''`, so it could not use
        # the partial index, and at a million customers it chose a trigram scan instead
        # (docs/benchmarks.md, P7).
        indexes = [
            models.Index(fields=["business", "name"], name="customer_name"),
            models.Index(fields=["business", "-created_at"], name="customer_newest"),
            models.Index(fields=["business", "phone"], name="customer_phone"),
        ]

    def __str__(self):
        return self.name or self.phone or self.card_code


class Enrolment(TenantModel):
    """A customer in a program: where the per-program category lives."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="enrolments")
    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        CustomerCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "program"], name="enrolment_unique")
        ]


class AccountType(TenantModel):
    """Accounts a program defines beside the built-in `bonus` and `special` points."""

    class Kind(models.TextChoices):
        POINTS = "points", _("Points")
        MONEY = "money", _("Money (prepaid balance)")
        GOODS = "goods", _("Goods or services (prepaid units)")
        ACHIEVEMENTS = "achievements", _("Achievements")

    program = models.ForeignKey(
        "loyalty.Program", on_delete=models.CASCADE, related_name="account_types"
    )
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MONEY)
    # Prepaid units (kind `goods`) pay for these positions (payments.md):
    # {"goods": [codes], "categories": [codes]}.
    pays_for = models.JSONField(_("pays for"), default=dict, blank=True)

    class Meta:
        verbose_name = _("account type")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="accounttype_unique_key")
        ]

    def __str__(self):
        return self.name

    @property
    def in_units(self) -> bool:
        """Prepaid goods count whole units ("3 units"), every other kind an amount ("3.00")."""
        return self.kind == self.Kind.GOODS


class Account(TenantModel):
    """A customer's balance in one program: `bonus`, `special` or an account type key.

    `balance` always equals the sum of the entries (check_ledger verifies it);
    `debt` is what a cancelled sale's reversal took beyond the lots, repaid by later credits:
    balance == sum(lot.remaining) - debt.
    """

    BONUS, SPECIAL = "bonus", "special"
    # Not a column: whether ledger.get_account read the row locked.
    _locked = False

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accounts")
    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    balance = models.DecimalField(**MONEY, default=Decimal("0.00"))
    debt = models.DecimalField(**MONEY, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "program", "key"], name="account_unique")
        ]

    def __str__(self):
        return f"{self.customer} {self.key}: {self.balance}"


class LedgerEntry(TenantModel):
    """Append-only: never updated nor deleted; a correction is a new entry."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit")
        DEBIT = "debit", _("Debit")
        EXPIRY = "expiry", _("Expiry")
        REVERSAL = "reversal", _("Reversal")
        TOP_UP = "top_up", _("Top-up")
        ADJUSTMENT = "adjustment", _("Adjustment")

    # indexed by entry_account_time (account, created_at)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    amount = models.DecimalField(**MONEY)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    coupon = models.ForeignKey(
        "coupons.Coupon", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    reason = models.CharField(max_length=300, blank=True)
    activates_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "created_at"], name="entry_account_time"),
            # The dashboard's points per day: a period's entries read from the index alone.
            models.Index(
                fields=["business", "created_at"],
                include=["kind", "amount", "account", "sale", "id"],
                name="entry_business_time",
            ),
        ]


class Lot(TenantModel):
    """What is left of one credit: spending takes the lots that expire first."""

    # indexed by lot_account_expiry (account, expires_at)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="lots", db_index=False
    )
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="lot")
    amount = models.DecimalField(**MONEY)
    remaining = models.DecimalField(**MONEY)
    activates_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "expires_at"], name="lot_account_expiry"),
            models.Index(
                fields=["expires_at"], condition=Q(remaining__gt=0), name="lot_open_expiry"
            ),
        ]


class LotUse(TenantModel):
    """Which lots a debit (or expiry, reversal) took from, so a cancel restores them."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="lot_uses")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="uses")
    amount = models.DecimalField(**MONEY)


class Notification(TenantModel):
    """The outbox: one row per message, sent by a background job with retries."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    channel = models.CharField(max_length=8)
    recipient = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Makes "send once" jobs (expiry reminders) idempotent.
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Every try on every channel: [{"at", "channel", "recipient", "error"}], error "" = sent.
    attempt_log = models.JSONField(default=list, blank=True)
    # The channel's id of the sent message, and when the channel reported its delivery
    # (Viber's `delivered` callback; SMS and Telegram report none here).
    external_id = models.CharField(max_length=64, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The campaign that sent it (customers/campaigns), null for any other message.
    campaign = models.ForeignKey(
        "customers.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe",
            )
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="notification_state"),
            # delivery callbacks find their message by the channel's id
            models.Index(
                fields=["external_id"], condition=~Q(external_id=""), name="notification_external"
            ),
        ]


class OneTimeCode(TenantModel):
    """A short-lived code sent to a phone; stored hashed, a few attempts only."""

    phone = models.CharField(max_length=20)
    purpose = models.CharField(max_length=40)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["business", "phone", "purpose"], name="otp_lookup")]


class CustomerSession(TenantModel):
    """A kiosk's short-lived customer token (hashed)."""

    device = models.ForeignKey("loyalty.Device", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    identified_by = models.CharField(max_length=8)  # phone|card
    otp_verified = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it had in the terminal app (moved in issue 16, state only).
        db_table = "terminal_customersession"


class MessageTemplate(TenantModel):
    """A business's own text for a message kind in one language; without a row the
    kind's default (customers/notify/kinds.py) is sent."""

    kind = models.CharField(max_length=40)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "kind", "language"], name="messagetemplate_unique"
            )
        ]


class MessagingSettings(TenantModel):
    """Per business: the order in which channels are tried after the customer's own."""

    channel_order = models.CharField(max_length=100, default="telegram,viber,sms,email")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business"], name="messagingsettings_unique")
        ]


class BotLink(TenantModel):
    """A one-time token in a bot's deep link that binds the chat to the customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Campaign(TenantModel):
    """A message to a segment of customers, sent now or at a set time (journey.md, Hear)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Sending")
        STOPPED = "stopped", _("Stopped")
        DONE = "done", _("Sent")

    name = models.CharField(_("name"), max_length=200)
    # {"kind": "not_seen", "days": 30}...: customers/campaigns/segments.py
    segment = models.JSONField(default=dict)
    # {"en": "...", "uk": "..."}; a missing language takes the kind `campaign` template.
    texts = models.JSONField(default=dict, blank=True)
    series = models.ForeignKey(
        "coupons.CouponSeries", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    send_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


def _pass_serial() -> str:
    return secrets.token_hex(16)


def _pass_token() -> str:
    return secrets.token_urlsafe(24)  # Apple asks at least 16 characters


class WalletPass(TenantModel):
    """The customer's card as an Apple Wallet pass: its serial and the token with which the
    phone's Wallet authenticates to the pass web service (journey.md "Carry")."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="wallet_pass")
    serial = models.CharField(max_length=64, unique=True, default=_pass_serial)
    auth_token = models.CharField(max_length=64, default=_pass_token)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the registered devices were last told about (a pass's update tag, see
    # customers.passes): the push job pushes when the pass changed since.
    pushed_tag = models.BigIntegerField(default=0)


class PassRegistration(TenantModel):
    """A device that keeps the pass and wants pushes (Apple's web-service registration)."""

    wallet_pass = models.ForeignKey(
        WalletPass, on_delete=models.CASCADE, related_name="registrations"
    )
    device_library_id = models.CharField(max_length=128)
    push_token = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wallet_pass", "device_library_id"], name="pass_registration_unique"
            )
        ]
        indexes = [models.Index(fields=["device_library_id"], name="pass_registration_device")]


def _referral_token() -> str:
    return secrets.token_urlsafe(12)


class ReferralLink(TenantModel):
    """A customer's own invitation link /r/<token> for one program (journey.md "Share")."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True, default=_referral_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "program"], name="referral_link_unique")
        ]


class Referral(TenantModel):
    """A friend who joined a program through a referrer's link; rewarded (both sides) once,
    on the friend's first confirmed sale. One per friend and program: one reward per new
    customer."""

    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+")
    referrer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    rewarded_sale_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["friend", "program"], name="referral_one_per_friend"),
            models.CheckConstraint(
                condition=~Q(friend=models.F("referrer")), name="referral_not_self"
            ),
        ]


# The stamp cards' ledger (promotions.md), in a module of its own.
from .figures_models import CustomerFigures  # noqa: E402, F401
from .notice_models import PointsExpiryNotice  # noqa: E402, F401
from .stamp_models import StampAccount, StampEntry  # noqa: E402, F401
from .tier_models import TierMove, TierState  # noqa: E402, F401

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.permissions import ROLE_CASHIER, ROLE_MANAGER, ROLE_OWNER

from .base import TenantModel

key_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$", _("Use lower-case letters, digits, '-' and '_' only.")
)


class Business(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="UAH")
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Kyiv")
    phone_region = models.CharField(_("default phone region"), max_length=2, default="UA")
    cancel_needs_approval = models.BooleanField(
        _("cancelling a sale needs a manager's PIN"), default=False, db_default=False
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="uk"
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    last_qr_logo = models.ForeignKey(
        "loyalty.BusinessLogo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BusinessLogo(TenantModel):
    name = models.CharField(_("name"), max_length=100)
    image = models.ImageField(_("image"), upload_to="logos/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class Brand(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="brand_unique_name")
        ]

    def __str__(self):
        return self.name


class Program(TenantModel):
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    brands = models.ManyToManyField(
        Brand, related_name="programs", blank=True, verbose_name=_("brands")
    )
    max_points_share = models.DecimalField(
        _("max share paid with points, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    credit_on_points_payment = models.BooleanField(
        _("credit in full when paying with points"), default=True
    )
    auto_register = models.BooleanField(_("register unknown phones at the till"), default=True)
    kiosk_requires_otp = models.BooleanField(_("kiosk asks a one-time code"), default=True)
    # Joining by the program's link /j/<business>/<program>/ (journey.md "Join").
    join_open = models.BooleanField(_("customers may join by link"), default=True)
    welcome_points = models.DecimalField(
        _("welcome points"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    welcome_series = models.ForeignKey(
        "coupons.CouponSeries",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("welcome coupon"),
    )
    # The referral programme (journey.md "Share", program-format.md `program.referral`): what
    # the referrer and the friend each get on the friend's first sale; nothing set: no links.
    referral_referrer_points = models.DecimalField(
        _("referral: points for the referrer"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    referral_referrer_series = models.ForeignKey(
        "coupons.CouponSeries",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("referral: coupon for the referrer"),
    )
    referral_friend_points = models.DecimalField(
        _("referral: points for the friend"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    referral_friend_series = models.ForeignKey(
        "coupons.CouponSeries",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("referral: coupon for the friend"),
    )
    # Bumped on every rule change: compiled rule sets are cached per (program, version).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    @property
    def referral_on(self) -> bool:
        return bool(
            self.referral_referrer_points
            or self.referral_referrer_series_id
            or self.referral_friend_points
            or self.referral_friend_series_id
        )

    class Meta:
        verbose_name = _("loyalty program")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "key"], name="program_unique_key")
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def bump_version(program_id: int) -> None:
        """Compiled rule sets are cached per (program, version): whatever they hold (rules,
        their links, the coupon series they issue or reward) bumps it when it changes."""
        Program.objects.filter(pk=program_id).update(version=models.F("version") + 1)


class PointOfSale(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="points_of_sale")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("point of sale")
        verbose_name_plural = _("points of sale")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["business", "key"], name="pos_unique_key")]

    def __str__(self):
        return self.name


class Membership(TenantModel):
    """A person's role in one business; cashiers are bound to points of sale."""

    OWNER, MANAGER, CASHIER = ROLE_OWNER, ROLE_MANAGER, ROLE_CASHIER
    ROLES = [(OWNER, _("Owner")), (MANAGER, _("Manager")), (CASHIER, _("Cashier"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=ROLES)
    points_of_sale = models.ManyToManyField(
        PointOfSale, blank=True, related_name="cashiers", verbose_name=_("points of sale")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A manager's or owner's PIN (hashed) that approves a cashier's cancellation at the till.
    approval_pin = models.CharField(max_length=128, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("staff membership")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="membership_unique_user")
        ]

    def __str__(self):
        return f"{self.user} ({self.role})"

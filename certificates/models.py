from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.jobs import Job
from coupons.codes import normalize_code
from loyalty.models.base import TenantModel
from loyalty.models.tenants import key_validator


class GiftCertificate(TenantModel):
    program = models.ForeignKey(
        "loyalty.Program",
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("program"),
    )
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    title = models.JSONField(_("title"), default=dict, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    image = models.ImageField(_("image"), upload_to="certificates/", blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    public_code = models.CharField(_("public code"), max_length=80)
    public_code_norm = models.CharField(max_length=80)
    random_count = models.PositiveIntegerField(_("random series count"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("max activations"), null=True, blank=True)
    # Counted with a conditional UPDATE: max_uses holds exactly under concurrency.
    uses_count = models.PositiveIntegerField(default=0, editable=False)
    max_uses_per_customer = models.PositiveIntegerField(
        _("max activations per customer"), null=True, blank=True
    )
    min_interval_hours = models.PositiveIntegerField(
        _("min hours between activations"), null=True, blank=True
    )
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gift certificate")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="certificate_unique_key"),
            models.UniqueConstraint(
                fields=["business", "public_code_norm"], name="certificate_unique_code"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date is before the start date.")
        if self.random_count is not None and self.random_count < 1:
            errors["random_count"] = _("Draw at least one series, or leave it empty.")
        if not normalize_code(self.public_code):
            errors["public_code"] = _("Enter a code.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.public_code_norm = normalize_code(self.public_code)
        super().save(*args, **kwargs)


class CertificateSeries(TenantModel):
    certificate = models.ForeignKey(
        GiftCertificate, on_delete=models.CASCADE, related_name="bundle"
    )
    series = models.ForeignKey("coupons.CouponSeries", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("count"), default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "series"], name="certseries_unique")
        ]

    def clean(self):
        # certificates.md: only series of the certificate's program can be bundled.
        same_program = (
            not self.series_id
            or not self.certificate_id
            or self.series.program_id == self.certificate.program_id
        )
        if not same_program:
            raise ValidationError(
                {"series": _("Choose a coupon series of the certificate's program.")}
            )
        if self.count is not None and self.count < 1:
            raise ValidationError({"count": _("At least one coupon.")})


class CertificateCode(TenantModel):
    """A single-use printed code of a certificate."""

    certificate = models.ForeignKey(GiftCertificate, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=80)
    code_norm = models.CharField(max_length=80)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "code_norm"], name="certcode_unique_code")
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.code:
            self.code_norm = normalize_code(self.code)
        super().save(*args, **kwargs)


class Activation(TenantModel):
    """Append-only record of one activation."""

    certificate = models.ForeignKey(
        GiftCertificate, on_delete=models.PROTECT, related_name="activations"
    )
    code = models.CharField(max_length=80)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="activations"
    )
    at = models.DateTimeField()
    channel = models.CharField(max_length=10)  # terminal|kiosk|public|api|panel
    point_of_sale = models.ForeignKey(
        "loyalty.PointOfSale", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coupons = models.ManyToManyField("coupons.Coupon", blank=True, related_name="+")
    coupons_given = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["certificate", "customer", "at"], name="activation_customer"),
        ]


class CertificateCodeJob(TenantModel, Job):
    """A batch of single-use codes being made (up to 100,000) in the background; the codes
    page shows its progress (core.jobs)."""

    certificate = models.ForeignKey(
        GiftCertificate, on_delete=models.CASCADE, related_name="code_jobs"
    )

    class Meta(Job.Meta):
        pass

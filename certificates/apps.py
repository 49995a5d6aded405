from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Gift certificates")

    def ready(self):
        from coupons.imports import register_code_table

        from .models import CertificateCode, GiftCertificate

        # Coupon imports refuse codes that are already a certificate's.
        register_code_table(CertificateCode, "code_norm")
        register_code_table(GiftCertificate, "public_code_norm")

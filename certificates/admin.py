"""Admin for the platform's own staff. Activations are history: read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activation, CertificateCode, CertificateSeries, GiftCertificate


class CertificateSeriesInline(admin.TabularInline):
    model = CertificateSeries
    raw_id_fields = ("business", "series")
    extra = 0


@admin.register(GiftCertificate)
class GiftCertificateAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "key",
        "program",
        "business",
        "public_code",
        "valid_from",
        "valid_to",
        "uses_count",
        "max_uses",
    )
    search_fields = ("name", "key", "public_code_norm", "business__name")
    list_select_related = ("program", "business")
    raw_id_fields = ("business", "program")
    readonly_fields = ("uses_count", "created_at")
    inlines = [CertificateSeriesInline]


@admin.register(CertificateCode)
class CertificateCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "certificate", "used_at", "created_at")
    search_fields = ("code_norm",)
    list_filter = ("used_at",)
    list_select_related = ("certificate",)
    raw_id_fields = ("business", "certificate")
    readonly_fields = ("code_norm", "created_at")


@admin.register(Activation)
class ActivationAdmin(admin.ModelAdmin):
    list_display = ("at", "certificate", "customer", "channel", "point_of_sale", "coupons_given")
    list_filter = ("channel",)
    search_fields = ("code", "customer__phone", "customer__name")
    list_select_related = ("certificate", "customer", "point_of_sale")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

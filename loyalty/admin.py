"""Django admin for the platform's own staff (owners use the panel)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Brand,
    Business,
    BusinessLogo,
    Goods,
    GoodsCategory,
    Membership,
    PointOfSale,
    Program,
    ReportState,
    Rule,
    Sale,
    SalePosition,
    SaleRule,
)
from .services.report_days import fold


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "currency",
        "timezone",
        "phone_region",
        "language",
        "created_at",
    )
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(BusinessLogo)
class BusinessLogoAdmin(admin.ModelAdmin):
    list_display = ("name", "business", "created_at")
    list_select_related = ("business",)
    list_filter = ("business",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "business", "created_at")
    list_select_related = ("business",)
    search_fields = ("name",)
    list_filter = ("business",)


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ("name", "key", "business", "max_points_share", "version")
    list_select_related = ("business",)
    search_fields = ("name", "key")
    list_filter = ("business",)
    filter_horizontal = ("brands",)
    readonly_fields = ("version",)


@admin.register(PointOfSale)
class PointOfSaleAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "program", "business")
    list_select_related = ("program", "business")
    search_fields = ("name", "key", "address")
    list_filter = ("business",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "business", "role", "created_at", "revoked_at")
    list_select_related = ("user", "business")
    search_fields = ("user__username", "user__email", "business__name")
    list_filter = ("role", "business")
    raw_id_fields = ("user",)
    filter_horizontal = ("points_of_sale",)


@admin.register(GoodsCategory)
class GoodsCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "business")
    list_select_related = ("business",)
    search_fields = ("name", "code")
    list_filter = ("business",)


@admin.register(Goods)
class GoodsAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "category", "price", "is_active", "business")
    list_select_related = ("category", "business")
    search_fields = ("title", "code")
    list_filter = ("is_active", "business")
    raw_id_fields = ("category",)


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "key", "program", "mode", "action", "priority", "combine", "is_active")
    list_select_related = ("program",)
    search_fields = ("name", "key", "explanation")
    list_filter = ("mode", "action", "is_active", "business")
    raw_id_fields = ("program", "coupon_series")
    filter_horizontal = ("customer_categories", "points_of_sale")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SalePositionInline(ReadOnlyInline):
    model = SalePosition
    fields = (
        "index",
        "code",
        "title",
        "category",
        "price",
        "quantity",
        "amount",
        "discount",
        "amount_to_pay",
    )
    readonly_fields = fields


class SaleRuleInline(ReadOnlyInline):
    model = SaleRule
    fields = ("order", "rule_key", "rule", "discount", "credit", "coupons", "coupon_code")
    readonly_fields = fields


@admin.register(Sale)
class SaleAdmin(admin.ModelAdmin):
    """Sales are history: read-only; cancelling goes through the terminal API."""

    list_display = (
        "id",
        "time",
        "business",
        "point_of_sale",
        "customer",
        "amount",
        "discount",
        "amount_to_pay",
        "points_paid",
        "status",
    )
    list_select_related = ("business", "point_of_sale", "customer")
    list_filter = ("status", "business")
    search_fields = ("external_id", "customer__phone", "customer__card_code")
    date_hierarchy = "time"
    inlines = (SalePositionInline, SaleRuleInline)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportState)
class ReportStateAdmin(admin.ModelAdmin):
    """Where each business's folded report days end (docs/panel-reports.md); "Fold now"
    runs the scheduled job's work for the businesses picked."""

    list_display = ("business", "settled_until", "timezone", "folded_at")
    list_select_related = ("business",)
    readonly_fields = ("business", "settled_until", "timezone", "folded_at")
    actions = ["fold_now"]

    @admin.action(description=_("Fold the report days now"))
    def fold_now(self, request, queryset):
        days = sum(fold(state.business) for state in queryset.select_related("business"))
        self.message_user(request, _("%(days)s days counted.") % {"days": days})

    def has_add_permission(self, request):
        return False

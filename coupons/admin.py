"""Admin for the platform's own staff. Coupon events are history: read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CodeJob, Coupon, CouponEvent, CouponSeries, PromotionChannel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CouponSeries)
class CouponSeriesAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "key",
        "program",
        "business",
        "code_mode",
        "inventory",
        "issued_count",
        "is_archived",
    )
    list_filter = ("code_mode", "validity_type", "is_archived")
    search_fields = ("name", "key", "business__name")
    list_select_related = ("program", "business")
    raw_id_fields = ("business", "program", "reward_rule")
    readonly_fields = ("issued_count", "token", "created_at")


class CouponEventInline(admin.TabularInline):
    model = CouponEvent
    fields = (
        "at",
        "from_state",
        "to_state",
        "actor_kind",
        "actor",
        "customer",
        "point_of_sale",
        "sale",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ("code", "series", "state", "customer", "valid_from", "valid_to", "is_stock")
    list_filter = ("state", "is_stock")
    search_fields = ("code_norm", "customer__phone", "customer__name")
    list_select_related = ("series", "customer")
    raw_id_fields = ("business", "series", "customer", "giver", "issued_by_sale", "redeemed_sale")
    readonly_fields = ("code_norm", "created_at")
    inlines = [CouponEventInline]


@admin.register(CouponEvent)
class CouponEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "coupon", "from_state", "to_state", "actor_kind", "actor")
    list_filter = ("to_state", "actor_kind")
    search_fields = ("coupon__code_norm",)
    list_select_related = ("coupon",)


@admin.register(PromotionChannel)
class PromotionChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "series", "visits", "claims")
    search_fields = ("name", "series__name")
    list_select_related = ("series",)
    raw_id_fields = ("business", "series")


@admin.register(CodeJob)
class CodeJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "series",
        "state",
        "done",
        "total",
        "accepted",
        "rejected",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "state")
    list_select_related = ("series",)
    raw_id_fields = ("business", "series", "created_by")
    readonly_fields = ("created_at", "finished_at")
    # Private files have no URL (R12): the panel's job page serves them after its checks.
    exclude = ("source", "rejected_file")

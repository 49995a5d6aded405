"""Django admin for the platform's own staff. Ledger rows are read-only: balances change only
through the ledger's functions (a manager's adjustment in the panel), never by editing."""

from django.contrib import admin

from .models import (
    Account,
    AccountType,
    Customer,
    CustomerCategory,
    Enrolment,
    LedgerEntry,
    Lot,
    LotUse,
    Notification,
    OneTimeCode,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomerCategory)
class CustomerCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "program", "is_default", "business"]
    list_filter = ["is_default"]
    search_fields = ["name", "key"]
    list_select_related = ["program", "business"]
    raw_id_fields = ["business", "program"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["business", "program", "category"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phone", "card_code", "email", "channel", "business", "created_at"]
    list_filter = ["channel", "consent", "language"]
    search_fields = ["phone", "card_code", "name", "email"]
    list_select_related = ["business"]
    raw_id_fields = ["business"]
    inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["customer", "program", "category", "business", "created_at"]
    list_select_related = ["customer", "program", "category", "business"]
    raw_id_fields = ["business", "customer", "program", "category"]


@admin.register(AccountType)
class AccountTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "kind", "program", "business"]
    list_filter = ["kind"]
    list_select_related = ["program", "business"]
    raw_id_fields = ["business", "program"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["customer", "program", "key", "balance", "debt", "business"]
    search_fields = ["customer__phone", "customer__card_code", "customer__name"]
    list_select_related = ["customer", "program", "business"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "kind", "amount", "sale", "staff", "reason"]
    list_filter = ["kind"]
    search_fields = ["account__customer__phone", "reason"]
    list_select_related = ["account__customer", "sale", "staff"]
    date_hierarchy = "created_at"


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["id", "account", "amount", "remaining", "activates_at", "expires_at"]
    list_select_related = ["account__customer"]


@admin.register(LotUse)
class LotUseAdmin(ReadOnlyAdmin):
    list_display = ["id", "entry", "lot", "amount"]
    list_select_related = ["entry", "lot"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "kind", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    raw_id_fields = ["business", "customer"]
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error"]


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(ReadOnlyAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    exclude = ["code_hash"]

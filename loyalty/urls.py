"""The owner's panel (namespace `panel`), mounted at the site root."""

from django.urls import include, path

from core.login_throttle import login_throttled

from .views import (
    audit,
    auth,
    business,
    catalogue,
    customer_list,
    customers_bulk,
    dashboard,
    devices,
    favourites,
    invitations,
    onboarding,
    program_io,
    programs,
    promotion_templates,
    reports,
    rules,
    staff,
    stamp_cards,
    tiers,
)

app_name = "panel"

# Reached by a token, not by a business's ids, and by people without a membership yet: its
# own namespace keeps it out of the business pages' tenant walk (panel:invitations:open).
invitation_patterns = (
    [path("<str:token>/", invitations.invitation_page, name="open")],
    "invitations",
)

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("login/", login_throttled(auth.LoginView.as_view()), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("switch-business/", auth.switch_business, name="switch_business"),
    path("signup/", onboarding.signup, name="signup"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("onboarding/key/", onboarding.onboarding_key, name="onboarding_key"),
    path("onboarding/rules/", onboarding.onboarding_rules, name="onboarding_rules"),
    path(
        "onboarding/templates/<slug:name>/",
        promotion_templates.promotion_template,
        name="promotion_template",
    ),
    # business
    path("settings/", business.business_settings, name="business_settings"),
    path("businesses/new/", business.business_create, name="business_create"),
    path("brands/", business.BrandList.as_view(), name="brand_list"),
    path("brands/new/", business.BrandCreate.as_view(), name="brand_create"),
    path("brands/<int:pk>/edit/", business.BrandUpdate.as_view(), name="brand_edit"),
    # programs and points of sale
    path("programs/", programs.ProgramList.as_view(), name="program_list"),
    path("programs/new/", programs.ProgramCreate.as_view(), name="program_create"),
    path("programs/<int:pk>/edit/", programs.ProgramUpdate.as_view(), name="program_edit"),
    path("programs/<int:pk>/poster/", programs.program_poster, name="program_poster"),
    path("programs/import/", program_io.program_import, name="program_import"),
    path("programs/<int:pk>/export/", program_io.program_export, name="program_export"),
    path("points-of-sale/", programs.PointOfSaleList.as_view(), name="pos_list"),
    path("points-of-sale/new/", programs.PointOfSaleCreate.as_view(), name="pos_create"),
    path("points-of-sale/<int:pk>/edit/", programs.PointOfSaleUpdate.as_view(), name="pos_edit"),
    path("points-of-sale/<int:pk>/favourites/", favourites.pos_favourites, name="pos_favourites"),
    # rules
    path("rules/", rules.rule_index, name="rule_index"),
    path("programs/<int:program_pk>/rules/", rules.rule_list, name="rule_list"),
    path("programs/<int:program_pk>/rules/new/", rules.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
    # stamp cards (promotions.md)
    path("stamp-cards/", stamp_cards.stamp_card_index, name="stamp_card_index"),
    path(
        "programs/<int:program_pk>/stamp-cards/",
        stamp_cards.stamp_card_list,
        name="stamp_card_list",
    ),
    path(
        "programs/<int:program_pk>/stamp-cards/new/",
        stamp_cards.stamp_card_create,
        name="stamp_card_create",
    ),
    path("stamp-cards/<int:pk>/edit/", stamp_cards.stamp_card_edit, name="stamp_card_edit"),
    path("programs/<int:program_pk>/tiers/", tiers.tier_edit, name="tier_edit"),
    # catalogue
    path("goods/", catalogue.GoodsList.as_view(), name="goods_list"),
    path("goods/new/", catalogue.GoodsCreate.as_view(), name="goods_create"),
    path("goods/import/", catalogue.goods_import, name="goods_import"),
    path("goods/<int:pk>/edit/", catalogue.GoodsUpdate.as_view(), name="goods_edit"),
    path("goods-categories/", catalogue.GoodsCategoryList.as_view(), name="category_list"),
    path("goods-categories/new/", catalogue.GoodsCategoryCreate.as_view(), name="category_create"),
    path(
        "goods-categories/<int:pk>/edit/",
        catalogue.GoodsCategoryUpdate.as_view(),
        name="category_edit",
    ),
    # staff (owner only)
    path("staff/", staff.StaffList.as_view(), name="staff_list"),
    path("staff/invite/", staff.staff_invite, name="staff_invite"),
    path("staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/revoke/", staff.staff_revoke, name="staff_revoke"),
    path(
        "staff/invitations/<int:pk>/resend/",
        staff.staff_invitation_resend,
        name="staff_invitation_resend",
    ),
    path(
        "staff/invitations/<int:pk>/revoke/",
        staff.staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
    path("invitations/", include(invitation_patterns)),
    # devices
    path("devices/", devices.DeviceList.as_view(), name="device_list"),
    path("devices/new/", devices.device_create, name="device_create"),
    path("devices/<int:pk>/key/", devices.device_key, name="device_key"),
    path("devices/<int:pk>/revoke/", devices.device_revoke, name="device_revoke"),
    # reports
    path("reports/", reports.report_index, name="report_index"),
    path("reports/download/", reports.report_download, name="report_download"),
    path("reports/table/", reports.report_table, name="report_table"),
    path("audit/", audit.audit, name="audit"),
    path("customers/bulk/", customers_bulk.customer_bulk, name="customer_bulk"),
    # customers (the list with its filters first: it overrides customers.urls' own)
    path("customers/", customer_list.FilteredCustomerList.as_view(), name="customer_list"),
    path("", include("customers.urls")),
    path("", include("coupons.urls")),
    path("", include("certificates.urls")),
    path("", include("giftcards.urls")),
]

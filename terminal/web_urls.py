"""The cashier pages, mounted at /terminal/ (namespace `cashier`)."""

from django.urls import path

from .views import cashier, cashier_api, cashier_coupon

app_name = "cashier"

urlpatterns = [
    path("", cashier.index, name="index"),
    path("pos/", cashier.choose_pos, name="choose_pos"),
    path("pos/leave/", cashier.leave_pos, name="leave_pos"),
    path("check/", cashier.check, name="check"),
    path("sales/", cashier.sales, name="sales"),
    path("sales/<int:sale_id>/", cashier.receipt, name="receipt"),
    path("sales/<int:sale_id>/cancel/", cashier.cancel, name="cancel"),
    # JSON behind the check page
    path("api/goods", cashier_api.goods, name="api_goods"),
    path("api/customer", cashier_api.customer_lookup, name="api_customer"),
    path("api/customers", cashier_api.customer_register, name="api_register"),
    path("api/evaluate", cashier_api.evaluate, name="api_evaluate"),
    path("api/certificate", cashier_api.certificate, name="api_certificate"),
    path("api/confirm", cashier_api.confirm, name="api_confirm"),
    path("api/coupon", cashier_coupon.coupon, name="api_coupon"),
]

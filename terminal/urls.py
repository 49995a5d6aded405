from django.urls import path

from .api import kiosk as k
from .api import kiosk_more, transfer
from .api import terminal as t

app_name = "terminal_api"

urlpatterns = [
    path("terminal/ping", t.PingView.as_view(), name="ping"),
    path("terminal/customers/lookup", t.CustomerLookupView.as_view(), name="customer-lookup"),
    path("terminal/customers", t.CustomersView.as_view(), name="customers"),
    path("terminal/rules/manual", t.ManualRulesView.as_view(), name="manual-rules"),
    path("terminal/checks/evaluate", t.EvaluateView.as_view(), name="check-evaluate"),
    path("terminal/checks", t.ConfirmView.as_view(), name="check-confirm"),
    path("terminal/checks/<int:sale_id>", t.SaleView.as_view(), name="sale"),
    path("terminal/checks/<int:sale_id>/cancel", t.CancelView.as_view(), name="sale-cancel"),
    path("terminal/coupons/<str:code>", t.CouponView.as_view(), name="coupon"),
    path("terminal/gift-cards/<str:code>", t.GiftCardView.as_view(), name="gift-card"),
    path("terminal/coupons/<str:code>/claim", t.CouponClaimView.as_view(), name="coupon-claim"),
    path("terminal/coupons/<str:code>/redeem", t.CouponRedeemView.as_view(), name="coupon-redeem"),
    path(
        "terminal/coupons/<str:code>/transfer",
        transfer.CouponTransferView.as_view(),
        name="coupon-transfer",
    ),
    path(
        "terminal/certificates/activate",
        t.ActivateCertificateView.as_view(),
        name="certificate-activate",
    ),
]

urlpatterns += [
    path("kiosk/identify", k.IdentifyView.as_view(), name="kiosk-identify"),
    path("kiosk/otp/verify", k.VerifyOtpView.as_view(), name="kiosk-otp"),
    path("kiosk/wallet", k.WalletView.as_view(), name="kiosk-wallet"),
    path("kiosk/certificates/activate", k.KioskActivateView.as_view(), name="kiosk-activate"),
    path("kiosk/coupons/<str:code>/claim", k.KioskClaimView.as_view(), name="kiosk-claim"),
    path("kiosk/coupons/<str:code>/redeem", k.KioskRedeemView.as_view(), name="kiosk-redeem"),
    path("kiosk/offers/<int:rule_id>/buy", k.BuyOfferView.as_view(), name="kiosk-buy"),
]

# issue 18: the kiosk's business for its top bar; a gift from the kiosk
urlpatterns += [
    path("kiosk/about", kiosk_more.AboutView.as_view(), name="kiosk-about"),
    path("kiosk/coupons/<str:code>/gift", kiosk_more.KioskGiftView.as_view(), name="kiosk-gift"),
]

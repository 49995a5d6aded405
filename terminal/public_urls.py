"""The kiosk page (/kiosk/, namespace `kiosk`) and the public customer pages (namespace
`public`): /c/<code>, /g/<code>, /s/<token>, /w/<business-slug>/."""

from django.urls import include, path

from .views import kiosk, public, public_giftcards

kiosk_patterns = [path("", kiosk.page, name="page")]

public_patterns = [
    path("c/<str:code>", public.coupon, name="coupon"),
    path("g/<str:code>", public.certificate, name="certificate"),
    path("gc/<str:code>", public_giftcards.gift_card, name="gift_card"),
    path("s/<str:token>", public.series, name="series"),
    path("w/<slug:business>/", public.wallet, name="wallet"),
    path("w/<slug:business>/sign-out/", public.sign_out, name="sign_out"),
]

urlpatterns = [
    path("kiosk/", include((kiosk_patterns, "kiosk"))),
    path("", include((public_patterns, "public"))),
]

"""The kiosk page (/kiosk/, namespace `kiosk`) and the public customer pages (namespace
`public`): /c/<code>, /g/<code>, /s/<token>, /w/<business-slug>/."""

from django.urls import include, path

from .views import hooks, kiosk, public, wallet_bots

kiosk_patterns = [path("", kiosk.page, name="page")]

public_patterns = [
    path("c/<str:code>", public.coupon, name="coupon"),
    path("g/<str:code>", public.certificate, name="certificate"),
    path("s/<str:token>", public.series, name="series"),
    path("w/<slug:business>/", public.wallet, name="wallet"),
    path("w/<slug:business>/sign-out/", public.sign_out, name="sign_out"),
    path("w/<slug:business>/bot/<slug:channel>/", wallet_bots.bot_link, name="wallet_bot"),
]

hook_patterns = [
    path("telegram/", hooks.telegram, name="telegram"),
    path("viber/", hooks.viber, name="viber"),
]

urlpatterns = [
    path("kiosk/", include((kiosk_patterns, "kiosk"))),
    path("hooks/", include((hook_patterns, "hooks"))),
    path("", include((public_patterns, "public"))),
]

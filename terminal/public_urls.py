"""The kiosk page (/kiosk/, namespace `kiosk`) and the public customer pages (namespace
`public`): /c/<code>, /g/<code>, /s/<token>, /w/<business-slug>/,
/j/<business-slug>/<program-key>/."""

from django.urls import include, path

from .views import (
    codes,
    gifts,
    hooks,
    join,
    kiosk,
    passes,
    public,
    public_giftcards,
    referrals,
    wallet_bots,
)

kiosk_patterns = [path("", kiosk.page, name="page")]

public_patterns = [
    path("c/<str:code>", public.coupon, name="coupon"),
    path("g/<str:code>", public.certificate, name="certificate"),
    path("gc/<str:code>", public_giftcards.gift_card, name="gift_card"),
    path("s/<str:token>", public.series, name="series"),
    path("w/<slug:business>/", public.wallet, name="wallet"),
    path("w/<slug:business>/sign-out/", public.sign_out, name="sign_out"),
    path("w/<slug:business>/bot/<slug:channel>/", wallet_bots.bot_link, name="wallet_bot"),
    path("j/<slug:business>/<str:program>/", join.join, name="join"),
    path("w/<slug:business>/code/", codes.enter_code, name="enter_code"),
    path("w/<slug:business>/card.pkpass", passes.card_pkpass, name="card_pkpass"),
    path("w/<slug:business>/give/", gifts.give, name="give"),
    path("w/<slug:business>/give/<str:token>/withdraw/", gifts.withdraw, name="withdraw_gift"),
    path("t/<str:token>", gifts.claim, name="gift"),
    path("r/<str:token>", referrals.referral, name="referral"),
]

hook_patterns = [
    path("telegram/", hooks.telegram, name="telegram"),
    path("viber/", hooks.viber, name="viber"),
]

# Apple's pass web service under the passes' webServiceURL (journey.md "Carry").
pass_patterns = [
    path("", passes.root, name="root"),
    path(
        "v1/devices/<str:device>/registrations/<str:pass_type>/<str:serial>",
        passes.registration,
        name="registration",
    ),
    path("v1/devices/<str:device>/registrations/<str:pass_type>", passes.serials, name="serials"),
    path("v1/passes/<str:pass_type>/<str:serial>", passes.latest_pass, name="latest"),
    path("v1/log", passes.log, name="log"),
]

urlpatterns = [
    path("kiosk/", include((kiosk_patterns, "kiosk"))),
    path("hooks/", include((hook_patterns, "hooks"))),
    path("passes/", include((pass_patterns, "passes"))),
    path("", include((public_patterns, "public"))),
]

"""Screenshots of the coupon series and gift certificate pages at 1280x800 and 390x844.

    scripts/pg_test.sh .venv/bin/python scripts/screens_coupons.py [--lang uk] [--only ...]

Seeds the throwaway PostgreSQL database of scripts/pg_test.sh, starts `runserver` on
127.0.0.1:8124 with DEBUG=1, logs in with headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright) and saves PNGs under var/screens/coupons/. Not a test: a look before
a release (the panel's own scripts/screens.py covers the other pages).
"""

import io
import os
import random
import sys
from datetime import timedelta
from decimal import Decimal

from screenshot_kit import BASE, EMAIL, PASSWORD, logged_in_pages, run, settings_env

OUT = BASE / "var" / "screens" / "coupons"
PORT = 8124
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
ENV = settings_env(Q_SYNC="1")


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), fill=(15, 118, 110, 255))
    draw.ellipse((70, 60, 170, 180), fill=(255, 255, 255, 255))
    draw.ellipse((95, 85, 145, 155), fill=(120, 72, 40, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed():
    os.environ.update(ENV)
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from certificates.models import CertificateSeries, GiftCertificate
    from certificates.services import activate_certificate, generate_certificate_codes
    from coupons.imports import import_codes
    from coupons.models import CodeJob, CouponSeries, PromotionChannel
    from coupons.services import issue_coupons, redeem_coupon
    from customers.models import Customer, CustomerCategory, Enrolment
    from loyalty.models import Business, BusinessLogo, Membership, PointOfSale, Program, Rule

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    owner = get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    business = Business.objects.create(
        name="Bean There Coffee", slug="bean-there", language="en", timezone="Europe/Kyiv"
    )
    Membership.objects.create(business=business, user=owner, role=Membership.OWNER)
    program = Program.objects.create(business=business, key="coffee-club", name="Coffee Club")
    Program.objects.create(business=business, key="corporate", name="Corporate")
    pos = [
        PointOfSale.objects.create(business=business, program=program, key=k, name=n)
        for k, n in [("center", "Khreshchatyk 1"), ("podil", "Podil")]
    ]
    vip = CustomerCategory.objects.create(business=business, program=program, key="vip", name="VIP")
    names = ["Olena Petrenko", "Ivan Bondarenko", "Maria Kovalenko", "Andrii Melnyk",
             "Sofiia Tkachenko", "Dmytro Kravets", "Iryna Moroz", "Taras Lysenko"]  # fmt: skip
    customers = []
    for i, name in enumerate(names):
        customer = Customer.objects.create(
            business=business, name=name, phone=f"+38050123{i:04d}", card_code=f"KC{i:08d}"
        )
        Enrolment.objects.create(
            business=business, customer=customer, program=program, category=vip if i < 5 else None
        )
        customers.append(customer)
    rule = Rule.objects.create(
        business=business, program=program, key="ten-off", name="10% off the check",
        mode="coupon", action="discount_check_percent", value=Decimal("10"),
    )  # fmt: skip
    free_latte = Rule.objects.create(
        business=business, program=program, key="free-latte", name="Free latte",
        mode="coupon", action="special_price", value=Decimal("0"), include_goods=["LATTE"],
    )  # fmt: skip
    spring = CouponSeries.objects.create(
        business=business, program=program, key="spring", name="Spring 10% off",
        title={"en": "10% off your order", "uk": "Знижка 10% на замовлення"},
        reward_rule=rule, validity_type="relative", valid_days=30, inventory=500,
        code_prefix="SP", code_length=10, code_group=4, transferable=True, notify_giver=True,
        referral_reward=Decimal("20"), expiry_reminder_hours=24, min_spend=Decimal("100"),
    )  # fmt: skip
    latte = CouponSeries.objects.create(
        business=business, program=program, key="free-latte", name="Free latte",
        title={"en": "A free latte"}, reward_rule=free_latte, validity_type="range",
        valid_from=timezone.localdate() - timedelta(days=20),
        valid_to=timezone.localdate() + timedelta(days=40), code_mode="pregenerated",
        inventory=200, code_prefix="LT", code_length=9, code_group=3, self_service=True,
    )  # fmt: skip
    gift = CouponSeries.objects.create(
        business=business, program=program, key="gift-100", name="Gift: 100 points",
        top_up_amount=Decimal("100"), validity_type="hours", valid_hours=12,
        code_mode="imported", inventory=0,
    )  # fmt: skip
    CouponSeries.objects.create(
        business=business, program=program, key="winter", name="Winter 2029 (old)",
        reward_rule=rule, valid_days=10, is_archived=True,
    )  # fmt: skip
    from coupons.imports import generate_pregenerated

    generate_pregenerated(series=latte, count=200)
    now = timezone.now()
    for day in range(10, -1, -1):
        for _ in range(rng.randint(2, 9)):
            customer = rng.choice(customers)
            at = now - timedelta(days=day, hours=rng.randint(0, 8))
            coupon = issue_coupons(series=spring, quantity=1, at=at, customer=customer)[0]
            if rng.random() < 0.55:
                redeem_coupon(
                    coupon=coupon, at=at + timedelta(hours=rng.randint(1, 20)),
                    customer=customer, point_of_sale=rng.choice(pos), actor="Till 1",
                )  # fmt: skip
    issue_coupons(series=spring, quantity=6, at=now - timedelta(days=1))
    issue_coupons(series=latte, quantity=3, at=now - timedelta(days=2), customer=customers[0])
    for name, visits, claims in (("instagram", 412, 57), ("poster-podil", 96, 21), ("sms", 33, 9)):
        PromotionChannel.objects.create(
            business=business, series=spring, name=name, visits=visits, claims=claims
        )
    logo = BusinessLogo(business=business, name="Bean There cup")
    logo.image.save("bean-there.png", ContentFile(logo_png()), save=False)
    logo.save()
    business.last_qr_logo = logo
    business.save(update_fields=["last_qr_logo"])
    job = CodeJob.objects.create(business=business, series=gift, kind="import", created_by=owner)
    text = "code\n" + "\n".join(f"GIFT-{i:05d}" for i in range(40)) + "\nGIFT-00003\nx!\n"
    job.source.save("gift-codes.csv", ContentFile(text.encode()))
    import_codes(series=gift, file=io.BytesIO(text.encode()), job=job)
    CodeJob.objects.filter(pk=job.pk).update(state="done", finished_at=now)
    CodeJob.objects.create(
        business=business, series=latte, kind="generate", created_by=owner, state="running",
        total=100_000, done=37_500, params={"count": 100_000},
    )  # fmt: skip
    certificate = GiftCertificate.objects.create(
        business=business, program=program, key="welcome", name="Welcome pack",
        title={"en": "Welcome to Bean There", "uk": "Ласкаво просимо"},
        public_code="WELCOME-2030", max_uses=500, max_uses_per_customer=1,
    )  # fmt: skip
    CertificateSeries.objects.create(
        business=business, certificate=certificate, series=spring, count=2
    )
    CertificateSeries.objects.create(
        business=business, certificate=certificate, series=latte, count=1
    )
    generate_certificate_codes(certificate=certificate, count=24, prefix="WP")
    for i, customer in enumerate(customers):
        activate_certificate(
            business=business, code="WELCOME-2030", customer=customer,
            channel=["terminal", "public", "kiosk"][i % 3], point_of_sale=pos[i % 2],
            at=now - timedelta(days=rng.randint(0, 12)),
        )  # fmt: skip
    return {
        "series": spring.pk,
        "latte": latte.pk,
        "gift": gift.pk,
        "coupon": spring.coupons.filter(state="redeemed").first().pk,
        "certificate": certificate.pk,
        "job": job.pk,
        "running_job": CodeJob.objects.get(state="running").pk,
    }


def pages(ids):
    from django.urls import reverse

    def url(name, key=None):
        return reverse(f"panel:{name}", kwargs={"pk": ids[key]} if key else None)

    return {
        "series_list": url("series_list"),
        "series_create": url("series_create"),
        "series_edit_locked": url("series_edit", "series"),
        "series_detail": url("series_detail", "series"),
        "series_detail_range": url("series_detail", "series") + "?from=2029-01-01&to=2029-03-31",
        "qr_png_logo": url("series_qr_png", "series") + "?size=430",
        "qr_svg_logo": url("series_qr_svg", "series"),
        "qr_logo": url("series_qr_logo", "series"),
        "coupon_list": url("series_coupons", "series"),
        "coupon_detail": url("coupon_detail", "coupon"),
        "issue": url("series_issue", "series"),
        "generate": url("series_generate", "latte"),
        "import": url("series_import", "gift"),
        "job_done": url("code_job", "job"),
        "job_running": url("code_job", "running_job"),
        "redemptions": url("redemption_list"),
        "certificate_list": url("certificate_list"),
        "certificate_create": url("certificate_create"),
        "certificate_edit": url("certificate_edit", "certificate"),
        "certificate_detail": url("certificate_detail", "certificate"),
        "certificate_codes": url("certificate_codes", "certificate"),
        "certificate_print": url("certificate_codes_print", "certificate"),
    }


def shoot(base, urls, lang, only):
    OUT.mkdir(parents=True, exist_ok=True)
    for label, page in logged_in_pages(base, lang, VIEWPORTS):
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        for name, path in urls.items():
            if only and name not in only:
                continue
            page.goto(base + path)
            page.wait_for_load_state("load")
            whole = not name.startswith("qr_")  # an image document has no page to scroll
            page.screenshot(path=OUT / f"{lang}-{label}-{name}.png", full_page=whole)
        if not only or "series_errors" in only:
            page.goto(base + urls["series_create"])
            page.fill("input[name=key]", "Bad key")
            page.fill("input[name=code_length]", "6")
            page.click("form.series-form button[type=submit]")
            page.wait_for_load_state("load")
            page.screenshot(path=OUT / f"{lang}-{label}-series_errors.png", full_page=True)
        if not only or "certificate_errors" in only:
            page.goto(base + urls["certificate_create"])
            page.fill("input[name=public_code]", "welcome 2030")
            page.click("form.form button[type=submit]")
            page.wait_for_load_state("load")
            page.screenshot(path=OUT / f"{lang}-{label}-certificate_errors.png", full_page=True)
        if errors:
            print(f"{label}: JavaScript errors: {errors}")


if __name__ == "__main__":
    run(
        description=__doc__.splitlines()[0],
        seed=seed,
        pages=pages,
        shoot=shoot,
        env=ENV,
        port=PORT,
        out=OUT,
    )

"""The kiosk scans a card's QR with the tablet's camera (Chromium's fake camera plays a video
made from the QR), identifies the customer and redeems a self-service coupon; a coupon's link
QR is read from a photo (the library's file input) and given to a friend by a link; the till
without BarcodeDetector scans with the same library. 390x844 in en and uk; the bar shows the
business's name, and its logo where it has one."""

import io
from contextlib import contextmanager
from decimal import Decimal

import pytest
from PIL import Image

from core.links import COUPON, public_path
from core.qr import qr_image
from coupons.models import Coupon, Gift
from loyalty.services.devices import issue_device
from tests.factories import CouponSeriesFactory
from tests.terminal.cashier.shop import make_shop

from .conftest import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 640, 480


def qr_frame(data: str) -> Image.Image:
    """A 640x480 grey picture with the QR of `data` in the middle, as a camera would see it."""
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    code = qr_image(data, size=344).convert("L")
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    return frame


def write_y4m(path, frame: Image.Image, frames: int = 10) -> None:
    """A YUV4MPEG2 video (Chromium's --use-file-for-fake-video-capture): grey, so the chroma
    planes are flat 128."""
    luma = frame.tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


@contextmanager
def fake_camera_page(browser, video, *, locale="en-US", viewport=None):
    """A page whose camera plays `video`, camera allowed; its JS errors in `page.js_errors`.
    A Chromium of its own (the fake camera is a launch flag), started by the session's
    Playwright (`browser`'s): a second Playwright cannot run in the same thread."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = chromium.new_context(
        viewport=viewport or {"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=viewport is None,
        has_touch=True,
        locale=locale,
        permissions=["camera"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
        chromium.close()


def logo_png() -> bytes:
    image = Image.new("RGB", (120, 60), (0, 128, 120))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_kiosk_scans_a_card_qr_and_redeems_a_self_service_coupon(
    live_server, browser, vendor_assets, shoot, tmp_path, lang
):
    from django.core.files.base import ContentFile
    from playwright.sync_api import expect

    shop = make_shop(name="Coffee Lab")
    if lang == "uk":  # one business with a logo, one without (its name only)
        shop.business.logo.save("logo.png", ContentFile(logo_png()))
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
    shop.program.kiosk_requires_otp = False
    shop.program.save()
    shop.series.self_service = True
    shop.series.save()
    coupon = shop.wallet_coupon(shop.customer)
    free_series = CouponSeriesFactory(
        program=shop.program, business=shop.business, key="free-tea", name="Free tea",
        title={"en": "Free tea", "uk": "Безкоштовний чай"}, kiosk_price=Decimal("10.00"),
        transferable=True,
    )  # fmt: skip
    free = shop.free_coupon(series=free_series)

    video = tmp_path / "card.y4m"
    write_y4m(video, qr_frame(shop.customer.card_code))
    photo = tmp_path / "coupon.png"
    qr_frame(live_server.url + public_path(COUPON, free.code)).save(photo)

    with fake_camera_page(browser, video, locale={"en": "en-US", "uk": "uk-UA"}[lang]) as page:
        errors = page.js_errors
        # The test server serves no media (DEBUG off): the logo's bytes come from here.
        page.route(
            "**/media/**", lambda route: route.fulfill(body=logo_png(), content_type="image/png")
        )
        loaded = []
        page.on("request", lambda r: loaded.append(r.url))

        page.goto(f"{live_server.url}/kiosk/")
        page.fill("#device-key", key)
        page.click("#setup-form button[type=submit]")
        page.wait_for_selector("#screen-start:not([hidden])")
        expect(page.locator("[data-testid=brand-name]")).to_have_text("Coffee Lab")
        if lang == "uk":
            expect(page.locator("#brand-logo")).to_be_visible()
        else:
            assert page.locator("#brand-logo").is_hidden()
        # the library is not loaded until the customer presses Scan (the page stays small)
        assert not any("html5-qrcode" in url for url in loaded)
        scan = {"en": "Scan my card", "uk": "Сканувати мою картку"}[lang]
        expect(page.locator("#scan-start")).to_have_text(scan)
        shoot(page, f"kiosk-scan-01-start-{lang}")

        page.click("#scan-start")
        page.wait_for_selector("#screen-home:not([hidden])")
        assert any("/static/vendor/html5-qrcode/" in url for url in loaded)
        assert all(url.startswith(live_server.url) for url in loaded)  # no CDN
        expect(page.locator("#hello")).to_contain_text("Olena")
        shoot(page, f"kiosk-scan-02-identified-{lang}")

        page.click("[data-testid=use-coupon]")
        page.wait_for_selector("#screen-use:not([hidden])")
        page.click("#use-yes")
        expect(page.locator("[data-testid=used-code]")).to_have_text(coupon.code)
        shoot(page, f"kiosk-scan-03-used-{lang}")
        page.click("#use-back")

        # a coupon's link QR from a photo: the free coupon goes into the wallet
        page.set_input_files("#scan-file", str(photo))
        # decoding a photo in the page takes seconds on a busy CI machine
        expect(page.locator("#wallet")).to_contain_text(free.code, timeout=20_000)
        shoot(page, f"kiosk-scan-04-photo-{lang}")

        # the scanned coupon may be given: a link for the friend's phone to scan
        page.click("[data-testid=give-coupon]")
        page.wait_for_selector("#screen-gift:not([hidden])")
        page.click("#gift-link")
        expect(page.locator("[data-testid=gift-url]")).to_contain_text("/t/")
        expect(page.locator("#gift-qr")).to_be_visible()
        shoot(page, f"kiosk-scan-05-gift-{lang}")
        assert errors == []

    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.REDEEMED
    free.refresh_from_db()
    assert free.state == Coupon.State.IN_WALLET and free.customer_id == shop.customer.pk
    assert Gift.objects.filter(coupon=free, giver=shop.customer).exists()


def test_the_till_without_barcode_detector_scans_a_card_with_the_library(
    live_server, browser, vendor_assets, tmp_path
):
    from playwright.sync_api import expect

    from .test_cashier_flow import open_till

    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    video = tmp_path / "card.y4m"
    write_y4m(video, qr_frame(shop.customer.card_code))
    with fake_camera_page(browser, video, viewport={"width": 1280, "height": 860}) as page:
        open_till(page, live_server)
        assert page.evaluate("'BarcodeDetector' in window") is False  # Chromium on Linux
        expect(page.locator("#scan")).to_be_visible()
        page.click("#scan")
        expect(page.locator("#identify-value")).to_have_value(shop.customer.card_code)
        expect(page.locator("#customer")).to_contain_text("Olena")
        expect(page.locator("#scanner")).to_be_hidden()
        assert page.js_errors == []

"""Promotion channels, the QR logo choice and QR downloads (PNG sizes, SVG)."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.qr import SIZES
from coupons.models import PromotionChannel
from coupons.services import issue_coupons
from loyalty.models import Business, BusinessLogo
from tests.factories import BusinessFactory

from .fixtures import image_bytes


def test_add_channel_and_see_its_link(owner_client, series):
    url = reverse("panel:series_channel_create", kwargs={"pk": series.pk})
    response = owner_client.post(url, {"name": "Instagram"})
    assert response.status_code == 302
    channel = PromotionChannel.objects.get(series=series)
    assert channel.name == "instagram" and channel.business_id == series.business_id
    page = owner_client.get(reverse("panel:series_detail", kwargs={"pk": series.pk}))
    assert f"http://testserver/s/{series.token}?channel=instagram" in page.content.decode()


@pytest.mark.parametrize("name", ["", "no spaces", "-dash-first", "x" * 61])
def test_bad_channel_names_are_refused(owner_client, series, name):
    url = reverse("panel:series_channel_create", kwargs={"pk": series.pk})
    response = owner_client.post(url, {"name": name}, follow=True)
    assert not PromotionChannel.objects.exists()
    assert "Channel:" in response.content.decode()


def test_duplicate_channel_is_refused(owner_client, series):
    url = reverse("panel:series_channel_create", kwargs={"pk": series.pk})
    owner_client.post(url, {"name": "poster"})
    response = owner_client.post(url, {"name": "poster"}, follow=True)
    assert PromotionChannel.objects.count() == 1
    assert "exists already" in response.content.decode()


def test_channel_counts_are_shown(owner_client, series):
    PromotionChannel.objects.create(
        business=series.business, series=series, name="poster", visits=12, claims=3
    )
    page = owner_client.get(reverse("panel:series_detail", kwargs={"pk": series.pk}))
    row = page.context["channels"][0]
    assert (row["channel"].visits, row["channel"].claims) == (12, 3)


def _png(response):
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


@pytest.mark.parametrize("size", SIZES)
def test_series_qr_png_sizes(owner_client, series, size):
    url = reverse("panel:series_qr_png", kwargs={"pk": series.pk})
    response = owner_client.get(url, {"size": size, "download": 1})
    assert response.status_code == 200
    assert _png(response).size == (size, size)
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{series.key}-{size}.png" in response["Content-Disposition"]


def test_series_qr_png_refuses_other_sizes(owner_client, series):
    url = reverse("panel:series_qr_png", kwargs={"pk": series.pk})
    assert owner_client.get(url, {"size": 300}).status_code == 400


def test_series_qr_svg_of_a_channel(owner_client, series):
    PromotionChannel.objects.create(business=series.business, series=series, name="poster")
    url = reverse("panel:series_qr_svg", kwargs={"pk": series.pk})
    response = owner_client.get(url, {"channel": "poster"})
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag.endswith("svg")
    assert owner_client.get(url, {"channel": "unknown"}).status_code == 404


def test_qr_encodes_the_promotion_link(owner_client, series):
    zxingcpp = pytest.importorskip("zxingcpp")
    PromotionChannel.objects.create(business=series.business, series=series, name="poster")
    url = reverse("panel:series_qr_png", kwargs={"pk": series.pk})
    image = _png(owner_client.get(url, {"size": 430, "channel": "poster"}))
    texts = [r.text for r in zxingcpp.read_barcodes(image)]
    assert texts == [f"http://testserver/s/{series.token}?channel=poster"]


def test_choose_an_uploaded_logo_and_it_is_remembered(owner_client, series, business):
    url = reverse("panel:series_qr_logo", kwargs={"pk": series.pk})
    assert owner_client.get(url).status_code == 200
    upload = SimpleUploadedFile("brand.png", image_bytes((300, 300)), content_type="image/png")
    response = owner_client.post(url, {"logo": "", "upload": upload, "upload_name": "Brand"})
    assert response.status_code == 302
    logo = BusinessLogo.objects.get(business=business)
    assert logo.name == "Brand"
    assert Business.objects.get(pk=business.pk).last_qr_logo == logo

    # the downloads use it: the middle of the QR is the logo's colour on a white pad
    png = owner_client.get(reverse("panel:series_qr_png", kwargs={"pk": series.pk}), {"size": 430})
    image = _png(png).convert("RGB")
    assert image.getpixel((215, 215)) == (200, 30, 30)
    plain = owner_client.get(
        reverse("panel:series_qr_png", kwargs={"pk": series.pk}), {"size": 430, "logo": "none"}
    )
    assert _png(plain).convert("RGB").getpixel((215, 215)) != (200, 30, 30)
    svg = owner_client.get(reverse("panel:series_qr_svg", kwargs={"pk": series.pk}))
    assert b"data:image/png;base64," in svg.content
    ET.fromstring(svg.content)  # still well-formed

    # choosing "no logo" is remembered too
    owner_client.post(url, {"logo": ""})
    assert Business.objects.get(pk=business.pk).last_qr_logo is None


def test_qr_with_logo_still_scans(owner_client, series, business):
    zxingcpp = pytest.importorskip("zxingcpp")
    logo = BusinessLogo(business=business, name="Brand")
    logo.image.save("brand.png", SimpleUploadedFile("b.png", image_bytes((200, 200))))
    url = reverse("panel:series_qr_png", kwargs={"pk": series.pk})
    image = _png(owner_client.get(url, {"size": 860, "logo": logo.pk}))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        f"http://testserver/s/{series.token}"
    ]


def test_logo_of_another_business_is_not_found(owner_client, series):
    other = BusinessLogo(business=BusinessFactory(), name="Theirs")
    other.image.save("t.png", SimpleUploadedFile("t.png", image_bytes((50, 50))))
    url = reverse("panel:series_qr_png", kwargs={"pk": series.pk})
    assert owner_client.get(url, {"size": 258, "logo": other.pk}).status_code == 404
    choose = reverse("panel:series_qr_logo", kwargs={"pk": series.pk})
    response = owner_client.post(choose, {"logo": str(other.pk)})
    assert response.status_code == 200 and "logo" in response.context["form"].errors


def test_upload_that_is_not_an_image_is_refused(owner_client, series, business):
    url = reverse("panel:series_qr_logo", kwargs={"pk": series.pk})
    upload = SimpleUploadedFile("logo.png", b"GIF89a-not-really", content_type="image/png")
    response = owner_client.post(url, {"upload": upload})
    assert response.status_code == 200
    assert "upload" in response.context["form"].errors
    assert not BusinessLogo.objects.exists()


@pytest.mark.parametrize("size", SIZES)
def test_coupon_qr_png_sizes(owner_client, series, size):
    coupon = issue_coupons(series=series, quantity=1, at=timezone.now())[0]
    url = reverse("panel:coupon_qr_png", kwargs={"pk": coupon.pk})
    assert _png(owner_client.get(url, {"size": size})).size == (size, size)


def test_coupon_qr_encodes_the_coupon_link(owner_client, series):
    coupon = issue_coupons(series=series, quantity=1, at=timezone.now())[0]
    response = owner_client.get(reverse("panel:coupon_qr_svg", kwargs={"pk": coupon.pk}))
    assert response.status_code == 200 and b"<svg" in response.content
    zxingcpp = pytest.importorskip("zxingcpp")
    png = owner_client.get(reverse("panel:coupon_qr_png", kwargs={"pk": coupon.pk}), {"size": 344})
    # the public link, so that a phone's camera opens the coupon (journey.md)
    link = f"http://testserver/c/{coupon.code}"
    assert [r.text for r in zxingcpp.read_barcodes(_png(png))] == [link]

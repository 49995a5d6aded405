"""QR codes decode to their data, also with a logo in the middle (zxing-cpp reads them)."""

import io

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from core.errors import ValidationFailed
from core.qr import SIZES, qr_png, qr_svg

LINK = "https://perkline.example/s/Zm9vYmFyYmF6cXV4?channel=instagram"


def decode(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def logo_png() -> bytes:
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, 400, 300), fill=(20, 20, 20, 255))
    draw.text((150, 140), "LOGO", fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("size", SIZES)
def test_png_in_every_size_decodes(size):
    png = qr_png(LINK, size=size)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (size, size)
    assert decode(png) == [LINK]


@pytest.mark.parametrize("size", SIZES)
def test_png_with_a_logo_still_decodes(size):
    png = qr_png(LINK, size=size, logo=logo_png())
    assert decode(png) == [LINK]
    # the logo is really there: the centre of the image is dark (the logo), ringed by white
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.getpixel((size // 2, size // 2)) < 60


def test_coupon_code_qr_with_a_logo_given_as_an_image():
    logo = Image.open(io.BytesIO(logo_png()))
    assert decode(qr_png("CR-K7Q2-M9XD-4T", size=258, logo=logo)) == ["CR-K7Q2-M9XD-4T"]


def test_other_sizes_and_bad_logos_are_refused():
    with pytest.raises(ValidationFailed) as err:
        qr_png(LINK, size=300)
    assert err.value.field == "size"
    with pytest.raises(ValidationFailed) as err:
        qr_png(LINK, size=258, logo=b"not an image")
    assert err.value.field == "logo"


def test_svg():
    svg = qr_svg(LINK)
    assert svg.startswith("<svg") and "viewBox" in svg and "<path" in svg

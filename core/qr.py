"""QR codes of promotion links and coupon codes: PNG in the five panel sizes, and SVG.

A logo in the middle hides modules, so a QR with a logo uses error correction H (30% of
the symbol can be lost) and the logo with its white pad stays within ~22% of the width.
"""

import io

import qrcode
from django.utils.translation import gettext as _
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage

from core.errors import ValidationFailed

SIZES = (258, 344, 430, 860, 1280)
LOGO_SHARE = 0.22  # of the image width, pad included
BORDER = 4  # modules of quiet zone, as the standard asks


def _matrix(data: str, error_correction) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=error_correction, border=BORDER, box_size=1)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def _open_logo(logo) -> Image.Image:
    if isinstance(logo, Image.Image):
        return logo
    if isinstance(logo, bytes | bytearray):
        logo = io.BytesIO(logo)
    elif hasattr(logo, "open") and hasattr(logo, "name") and not hasattr(logo, "read"):
        logo = logo.open("rb")  # a FieldFile not opened yet
    try:
        if hasattr(logo, "seek"):
            logo.seek(0)
        image = Image.open(logo)
        image.load()
    except (OSError, ValueError) as exc:
        raise ValidationFailed(_("The logo is not an image."), field="logo") from exc
    return image


def qr_image(data: str, *, size: int, logo=None) -> Image.Image:
    """A ``size`` x ``size`` RGB image of the QR code of ``data``, sharp modules, centred."""
    if size not in SIZES:
        raise ValidationFailed(
            _("Choose one of the sizes %(sizes)s.") % {"sizes": ", ".join(map(str, SIZES))},
            field="size",
        )
    matrix = _matrix(data, ERROR_CORRECT_H if logo is not None else ERROR_CORRECT_M)
    modules = len(matrix)
    box = size // modules
    if box < 1:
        raise ValidationFailed(_("The text is too long for a QR code this small."), field="size")
    # Whole pixels per module keep the modules sharp; the rest of the size is white margin.
    small = Image.new("1", (modules, modules), 1)
    small.putdata([0 if cell else 1 for row in matrix for cell in row])
    symbol = small.resize((modules * box, modules * box), Image.Resampling.NEAREST)
    image = Image.new("RGB", (size, size), "white")
    offset = (size - symbol.width) // 2
    image.paste(symbol.convert("RGB"), (offset, offset))
    if logo is not None:
        _paste_logo(image, _open_logo(logo), size)
    return image


def _paste_logo(image: Image.Image, logo: Image.Image, size: int) -> None:
    pad_side = int(size * LOGO_SHARE)
    margin = max(2, pad_side // 12)
    logo = logo.convert("RGBA")
    logo.thumbnail((pad_side - 2 * margin, pad_side - 2 * margin), Image.Resampling.LANCZOS)
    pad = Image.new("RGBA", (pad_side, pad_side), (255, 255, 255, 255))
    pad.alpha_composite(logo, ((pad_side - logo.width) // 2, (pad_side - logo.height) // 2))
    corner = (size - pad_side) // 2
    image.paste(pad.convert("RGB"), (corner, corner))


def qr_png(data: str, *, size: int, logo=None) -> bytes:
    """PNG bytes of the QR code of ``data``; ``size`` is one of SIZES; ``logo`` is an image
    (PIL image, bytes, file or FieldFile) put in the middle on a white pad."""
    out = io.BytesIO()
    qr_image(data, size=size, logo=logo).save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_svg(data: str) -> str:
    """An SVG document of the QR code of ``data`` (scales to any size)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER, image_factory=SvgPathImage)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.make_image().to_string(encoding="unicode")

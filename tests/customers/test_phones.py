import pytest

from core.errors import ValidationFailed
from customers.phones import MASK_PUBLIC, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "050 123 45 67",
        "+380501234567",
        "0501234567",
        "(050) 123-45-67",
        "+38 050 123 45 67",
        "380501234567",
        " 050-123-45-67 ",
    ],
)
def test_local_and_international_formats_become_e164(raw):
    assert normalize_phone(raw, "UA") == "+380501234567"


def test_the_region_reads_numbers_without_country_code():
    assert normalize_phone("(202) 555-0143", "US") == "+12025550143"
    assert normalize_phone("+380501234567", "US") == "+380501234567"


@pytest.mark.parametrize("raw", ["", "   ", "abc", "123", "+380 12", "050 123 45 67 89 00", None])
def test_garbage_is_refused_on_the_phone_field(raw):
    with pytest.raises(ValidationFailed) as err:
        normalize_phone(raw, "UA")
    assert err.value.field == "phone"
    assert err.value.code == "validation_error"


def test_mask_hides_the_middle_in_the_api_and_public_styles():
    assert mask_phone("+380501234567") == "+38050*****67"  # the terminal API
    assert mask_phone("+380501234567", style=MASK_PUBLIC) == "+380…567"  # pages, kiosk
    assert mask_phone("+1234") == mask_phone("+1234", style=MASK_PUBLIC) == "+1234"

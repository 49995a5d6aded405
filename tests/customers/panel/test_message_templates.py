"""The templates page (journey.md, Hear): every kind per language, a live preview with a
sample customer and the SMS length, refusals that name the place, reset to default."""

import pytest
from django.urls import reverse

from customers.models import MessageTemplate
from customers.notify.kinds import KINDS
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db
EDIT = "panel:message_template_edit"


def edit_url(kind="coupon_issued"):
    return reverse(EDIT, args=[kind])


def test_the_list_shows_every_kind_in_every_language(owner_client):
    page = owner_client.get(reverse("panel:message_template_list")).content.decode()
    for kind in KINDS.values():
        assert str(kind.label) in page
    assert "для вас новий купон" in page and "a new coupon for you" in page
    assert "SMS" in page


def test_save_and_the_customer_gets_it(owner_client, business):
    answer = owner_client.post(
        edit_url(),
        {
            "text_en": "{business}: take {benefit} with {code}. {link}",
            "text_uk": "{business}: {benefit}, код {code}. {link}",
        },
    )
    assert answer.status_code == 302
    rows = dict(MessageTemplate.objects.filter(business=business).values_list("language", "body"))
    assert rows == {
        "en": "{business}: take {benefit} with {code}. {link}",
        "uk": "{business}: {benefit}, код {code}. {link}",
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Hello {name}", "unknown placeholder {name}"),
        ("   ", "the text is empty"),
        ("Hello {code", "brace is not closed"),
        ("{business} " + "x" * 480, "SMS takes 4 parts"),
    ],
)
def test_refusals_name_the_place_and_write_nothing(owner_client, business, text, says):
    answer = owner_client.post(edit_url(), {"text_en": text, "text_uk": "{code}"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert says in page and "Coupon issued (English)" in page
    assert not MessageTemplate.objects.exists()


def test_ukrainian_text_counts_as_ucs2(owner_client):
    # 3 UCS-2 parts hold 201 units; the sample's business name, code and link add more
    answer = owner_client.post(edit_url(), {"text_en": "{code}", "text_uk": "ї" * 200 + " {code}"})
    assert "SMS takes 4 parts" in answer.content.decode()
    assert "UCS-2" in answer.content.decode()


def test_preview_fills_the_sample_customer_and_counts(owner_client, business):
    answer = owner_client.post(
        reverse("panel:message_template_preview", args=["coupon_issued"]),
        {"language": "uk", "text": "{business}: {benefit} до {valid_to}, {code}"},
        content_type="application/json",
    )
    data = answer.json()
    assert data["text"].startswith(f"{business.name}: Безкоштовне капучино до ")
    assert data["encoding"] == "UCS-2" and data["segments"] == 1
    assert data["characters"] == len(data["text"]) and data["problems"] == []
    bad = owner_client.post(
        reverse("panel:message_template_preview", args=["one_time_code"]),
        {"language": "en", "text": "{link} {code}"},
        content_type="application/json",
    ).json()
    assert bad["problems"] and "{link}" in bad["problems"][0]


def test_reset_to_default(owner_client, business):
    MessageTemplate.objects.create(business=business, kind="welcome", language="uk", body="Привіт")
    page = owner_client.get(edit_url("welcome")).content.decode()
    assert "Reset to default" in page and "Привіт" in page
    owner_client.post(edit_url("welcome"), {"reset": "uk"})
    assert not MessageTemplate.objects.exists()
    assert "вітаємо в програмі лояльності" in owner_client.get(edit_url("welcome")).content.decode()


def test_another_business_templates_are_not_shown_or_changed(owner_client, business):
    other = BusinessFactory()
    MessageTemplate.objects.create(business=other, kind="welcome", language="en", body="Theirs")
    assert "Theirs" not in owner_client.get(reverse("panel:message_template_list")).content.decode()
    owner_client.post(edit_url("welcome"), {"reset": "en"})
    assert MessageTemplate.objects.filter(business=other).count() == 1


def test_unknown_kind_is_404_and_cashier_is_refused(owner_client, cashier_client):
    assert owner_client.get(edit_url("nope")).status_code == 404
    assert cashier_client.get(reverse("panel:message_template_list")).status_code in (302, 403)


def test_channel_order_is_saved_and_checked(owner_client, business):
    from customers.models import MessagingSettings

    url = reverse("panel:message_template_list")
    assert owner_client.post(url, {"channel_order": "sms, Viber,sms"}).status_code == 302
    assert MessagingSettings.objects.get(business=business).channel_order == "sms,viber"
    answer = owner_client.post(url, {"channel_order": "sms,pigeon"})
    assert "Unknown channel: pigeon" in answer.content.decode()
    assert MessagingSettings.objects.get(business=business).channel_order == "sms,viber"

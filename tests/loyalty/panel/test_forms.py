"""Bad input on every panel form: the message names the field, nothing is written."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from customers.models import AccountType, Customer, CustomerCategory
from loyalty.models import Brand, Business, Goods, GoodsCategory, PointOfSale, Program
from tests.factories import (
    BrandFactory,
    BusinessFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    GoodsCategoryFactory,
    GoodsFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def errors_of(response):
    assert response.status_code == 200, "a refused form is shown again"
    form = response.context["form"]
    return {field: " ".join(messages) for field, messages in form.errors.items()}


def settings_data(business, **changes):
    data = {
        "name": business.name,
        "currency": "UAH",
        "timezone": "Europe/Kyiv",
        "phone_region": "UA",
        "language": "uk",
    }
    return {**data, **changes}


# --- business ---------------------------------------------------------------------------


def test_business_settings_saved(owner_client, business):
    response = owner_client.post(
        reverse("panel:business_settings"),
        settings_data(business, name="Bean There", currency="eur", timezone="Europe/Berlin"),
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.name, business.currency, business.timezone) == (
        "Bean There",
        "EUR",
        "Europe/Berlin",
    )


@pytest.mark.parametrize(
    "changes, field, text",
    [
        ({"timezone": "Europe/Atlantis"}, "timezone", "not a known time zone"),
        ({"phone_region": "XX"}, "phone_region", "valid choice"),
        ({"currency": "US"}, "currency", "three-letter"),
        ({"name": ""}, "name", "required"),
        ({"language": "fr"}, "language", "valid choice"),
    ],
)
def test_business_settings_bad_input(owner_client, business, changes, field, text):
    response = owner_client.post(
        reverse("panel:business_settings"), settings_data(business, **changes)
    )
    errors = errors_of(response)
    assert text in errors[field]
    business.refresh_from_db()
    assert business.timezone == "Europe/Kyiv" and business.currency == "UAH"


def test_logo_that_is_not_an_image_is_refused(owner_client, business):
    fake = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    response = owner_client.post(
        reverse("panel:business_settings"), {**settings_data(business), "logo": fake}
    )
    assert "image" in errors_of(response)["logo"]
    business.refresh_from_db()
    assert not business.logo


def test_real_logo_is_saved(owner_client, business):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = owner_client.post(
        reverse("panel:business_settings"), {**settings_data(business), "logo": logo}
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.logo.name.startswith("logos/")


def test_new_business_makes_the_owner_its_owner(owner_client, owner):
    response = owner_client.post(
        reverse("panel:business_create"),
        {"name": "Second Café", "currency": "UAH", "timezone": "Europe/Kyiv",
         "phone_region": "UA", "language": "uk"},
    )  # fmt: skip
    assert response.status_code == 302
    created = Business.objects.get(name="Second Café")
    assert owner.memberships.get(business=created).role == "owner"
    assert owner_client.get(reverse("panel:home")).wsgi_request.business == created


# --- brands, programs, points of sale ---------------------------------------------------


def test_brand_duplicate_name_names_the_field(owner_client, business):
    BrandFactory(business=business, name="Bean There")
    BrandFactory(name="Elsewhere")  # another business may use any name
    response = owner_client.post(reverse("panel:brand_create"), {"name": "Bean There"})
    assert "already used" in errors_of(response)["name"]
    assert (
        owner_client.post(reverse("panel:brand_create"), {"name": "Elsewhere"}).status_code == 302
    )
    assert Brand.objects.filter(business=business).count() == 2


def program_data(**changes):
    data = {"name": "Club", "key": "club", "max_points_share": "50",
            "credit_on_points_payment": "on", "auto_register": "on"}  # fmt: skip
    return {**data, **changes}


def test_program_created_with_brands(owner_client, business):
    brand = BrandFactory(business=business)
    response = owner_client.post(reverse("panel:program_create"), program_data(brands=[brand.pk]))
    assert response.status_code == 302
    program = Program.objects.get(business=business, key="club")
    assert list(program.brands.all()) == [brand]
    assert program.kiosk_requires_otp is False and program.auto_register is True


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"max_points_share": "120"}, "max_points_share"),
        ({"max_points_share": "-1"}, "max_points_share"),
        ({"max_points_share": "abc"}, "max_points_share"),
        ({"key": "Not A Key"}, "key"),
        ({"key": "taken"}, "key"),
    ],
)
def test_program_bad_input(owner_client, business, changes, field):
    ProgramFactory(business=business, key="taken")
    before = Program.objects.count()
    errors = errors_of(owner_client.post(reverse("panel:program_create"), program_data(**changes)))
    assert field in errors
    assert Program.objects.count() == before


def test_program_cannot_take_another_business_brand(owner_client):
    foreign = BrandFactory()
    errors = errors_of(
        owner_client.post(reverse("panel:program_create"), program_data(brands=[foreign.pk]))
    )
    assert "valid choice" in errors["brands"]


def test_point_of_sale_needs_a_program_of_this_business(owner_client, program):
    foreign = ProgramFactory()
    data = {"name": "Shop", "key": "shop", "program": foreign.pk}
    errors = errors_of(owner_client.post(reverse("panel:pos_create"), data))
    assert "valid choice" in errors["program"]
    data["program"] = program.pk
    assert owner_client.post(reverse("panel:pos_create"), data).status_code == 302
    assert PointOfSale.objects.get(key="shop").business == program.business


# --- goods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [({"price": "-1"}, "price"), ({"price": "1.234"}, "price"), ({"code": "DUP"}, "code"),
     ({"title": ""}, "title")],
)  # fmt: skip
def test_goods_bad_input(owner_client, business, changes, field):
    GoodsFactory(business=business, code="DUP")
    data = {"title": "Latte", "code": "LATTE", "price": "60.00", "is_active": "on", **changes}
    errors = errors_of(owner_client.post(reverse("panel:goods_create"), data))
    assert field in errors
    assert Goods.objects.filter(business=business).count() == 1


def test_goods_category_of_another_business_is_refused(owner_client, business):
    foreign = GoodsCategoryFactory()
    data = {"title": "Latte", "code": "LATTE", "price": "60", "category": foreign.pk}
    assert "category" in errors_of(owner_client.post(reverse("panel:goods_create"), data))


def test_goods_category_duplicate_code(owner_client, business):
    GoodsCategoryFactory(business=business, code="coffee")
    data = {"name": "Coffee again", "code": "coffee"}
    errors = errors_of(owner_client.post(reverse("panel:category_create"), data))
    assert "“coffee” is already used" in errors["code"]
    assert GoodsCategory.objects.filter(business=business).count() == 1


# --- customer categories, account types -------------------------------------------------


def test_second_default_customer_category_is_refused(owner_client, program):
    CustomerCategoryFactory(program=program, is_default=True, name="Regular")
    data = {"name": "VIP", "key": "vip", "program": program.pk, "is_default": "on"}
    errors = errors_of(owner_client.post(reverse("panel:customer_category_create"), data))
    assert "Regular" in errors["is_default"]
    data.pop("is_default")
    assert owner_client.post(reverse("panel:customer_category_create"), data).status_code == 302
    assert CustomerCategory.objects.filter(program=program).count() == 2


def test_customer_category_duplicate_key(owner_client, program):
    CustomerCategoryFactory(program=program, key="vip")
    data = {"name": "VIP", "key": "vip", "program": program.pk}
    assert "key" in errors_of(owner_client.post(reverse("panel:customer_category_create"), data))


@pytest.mark.parametrize("key", ["bonus", "special", "Bad Key"])
def test_account_type_bad_key(owner_client, program, key):
    data = {"name": "Wallet", "key": key, "program": program.pk, "kind": "money"}
    assert "key" in errors_of(owner_client.post(reverse("panel:account_type_create"), data))
    assert not AccountType.objects.exists()


def test_account_type_key_is_fixed_once_created(owner_client, program):
    data = {"name": "Wallet", "key": "wallet", "program": program.pk, "kind": "money"}
    owner_client.post(reverse("panel:account_type_create"), data)
    account_type = AccountType.objects.get()
    edit = {**data, "key": "changed", "name": "Purse"}
    owner_client.post(reverse("panel:account_type_edit", args=[account_type.pk]), edit)
    account_type.refresh_from_db()
    assert (account_type.key, account_type.name) == ("wallet", "Purse")


# --- customers ------------------------------------------------------------------------------


def customer_data(**changes):
    return {"phone": "050 123 45 67", "name": "Olena", "channel": "sms", **changes}


def test_customer_phone_is_normalised_and_category_set(owner_client, business, program):
    vip = CustomerCategoryFactory(program=program, key="vip")
    response = owner_client.post(
        reverse("panel:customer_create"), customer_data(**{f"category_{program.pk}": vip.pk})
    )
    assert response.status_code == 302
    customer = Customer.objects.get(business=business)
    assert customer.phone == "+380501234567"
    assert len(customer.card_code) >= 4
    assert customer.enrolments.get(program=program).category == vip


@pytest.mark.parametrize(
    "changes, field, text",
    [
        ({"phone": "12"}, "phone", "phone"),
        ({"phone": "0501234567"}, "phone", "+380501234567"),
        ({"email": "not-mail"}, "email", "email"),
        ({"card_code": "!!"}, "card_code", "4 to 40"),
        ({"birthday": "31.02.2000"}, "birthday", "date"),
    ],
)
def test_customer_bad_input(owner_client, business, changes, field, text):
    CustomerFactory(business=business, phone="+380501234567")
    errors = errors_of(
        owner_client.post(reverse("panel:customer_create"), customer_data(**changes))
    )
    assert text in errors[field]
    assert Customer.objects.filter(business=business).count() == 1


def test_same_phone_in_another_business_is_fine(owner_client, business):
    CustomerFactory(business=BusinessFactory(), phone="+380501234567")
    assert owner_client.post(reverse("panel:customer_create"), customer_data()).status_code == 302


# --- staff ----------------------------------------------------------------------------------


def invite(client, **data):
    return client.post(reverse("panel:staff_invite"), data)


def test_invite_has_no_password_and_defaults_to_cashier(owner_client, business):
    form = owner_client.get(reverse("panel:staff_invite")).context["form"]
    assert "password" not in form.fields
    assert form.fields["role"].initial == "cashier"
    invite(owner_client, email="new@example.com", role="manager", password="x")
    assert not User.objects.filter(username="new@example.com").exists()


def test_inviting_a_current_member_answers_as_for_anyone(owner_client, owner):
    response = invite(owner_client, email="OWNER@example.com", role="manager")
    assert response.status_code == 302 and response["Location"] == reverse("panel:staff_list")


def test_cashier_needs_points_of_sale(owner_client, pos):
    errors = errors_of(invite(owner_client, email="c@example.com", role="cashier"))
    assert "point of sale" in errors["points_of_sale"]


def test_invite_rejects_foreign_point_of_sale(owner_client, pos):
    from tests.factories import PointOfSaleFactory

    foreign = PointOfSaleFactory()
    errors = errors_of(
        invite(owner_client, email="c@example.com", role="cashier", points_of_sale=[foreign.pk])
    )
    assert "valid choice" in errors["points_of_sale"]


def test_invalid_email(owner_client):
    assert "email" in errors_of(invite(owner_client, email="nobody", role="manager"))


# --- devices --------------------------------------------------------------------------------


def test_device_for_a_foreign_point_of_sale_is_refused(owner_client, pos):
    from tests.factories import PointOfSaleFactory

    foreign = PointOfSaleFactory()
    data = {"point_of_sale": foreign.pk, "kind": "terminal", "name": "Till"}
    errors = errors_of(owner_client.post(reverse("panel:device_create"), data))
    assert "valid choice" in errors["point_of_sale"]
    errors = errors_of(
        owner_client.post(
            reverse("panel:device_create"), {**data, "point_of_sale": pos.pk, "kind": "robot"}
        )
    )
    assert "kind" in errors


def test_error_summary_names_the_field(owner_client, business):
    response = owner_client.post(
        reverse("panel:business_settings"), settings_data(business, timezone="Mars/Olympus")
    )
    html = response.content.decode()
    assert "Please correct the errors below." in html
    assert "Time zone</a>:" in html


def test_too_large_logo_is_refused(owner_client, business):
    buffer = io.BytesIO()
    noise = Image.frombytes("RGB", (1000, 1000), bytes(range(256)) * 11718 + b"\0" * 192)
    noise.save(buffer, "BMP")  # uncompressed: about 3 MB, a valid image
    logo = SimpleUploadedFile("logo.bmp", buffer.getvalue(), content_type="image/bmp")
    response = owner_client.post(
        reverse("panel:business_settings"), {**settings_data(business), "logo": logo}
    )
    assert "2 MB" in errors_of(response)["logo"]
    business.refresh_from_db()
    assert not business.logo


def test_account_type_pays_for(owner_client, program):
    """payments.md: a goods account names the goods and categories its units pay for."""
    data = {
        "name": "Car washes",
        "key": "car-wash",
        "program": program.pk,
        "kind": "goods",
        "pays_for_goods": "WASH, WASH-XL",
        "pays_for_categories": "wash",
    }
    owner_client.post(reverse("panel:account_type_create"), data)
    assert AccountType.objects.get().pays_for == {
        "goods": ["WASH", "WASH-XL"],
        "categories": ["wash"],
    }
    money = {**data, "key": "wallet", "kind": "money"}
    response = owner_client.post(reverse("panel:account_type_create"), money)
    assert "pays_for_goods" in errors_of(response)

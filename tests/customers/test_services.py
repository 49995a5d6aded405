"""Finding, registering and enrolling customers."""

import re
from datetime import date

import pytest

from core.errors import ValidationFailed
from customers import services
from customers.models import Customer, Enrolment
from tests.factories import CustomerCategoryFactory, CustomerFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_card_codes_are_random_upper_case_and_look_alike_free():
    codes = {services.new_card_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[A-Z0-9]{12}", code)
        assert not set(code) & set("0O1IL5S2Z8B")
    # >= 40 bits of entropy
    assert len(services.CARD_ALPHABET) ** services.CARD_LENGTH >= 2**40


# --- find -----------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["050 123 45 67", "+380501234567", "0501234567"])
def test_find_by_phone_in_any_format(customer, business, phone):
    assert services.find_customer(business=business, phone=phone) == customer


@pytest.mark.parametrize("card", ["card00000777", "CARD-0000-0777", " card 0000 0777 "])
def test_find_by_card_ignores_case_spaces_and_dashes(business, card):
    customer = CustomerFactory(business=business, card_code="CARD00000777")
    assert services.find_customer(business=business, card=card) == customer


def test_find_by_id(customer, business):
    assert services.find_customer(business=business, customer_id=customer.pk) == customer
    assert services.find_customer(business=business, customer_id="nonsense") is None


def test_find_never_crosses_businesses(customer):
    other = ProgramFactory().business
    assert services.find_customer(business=other, phone=customer.phone) is None
    assert services.find_customer(business=other, card=customer.card_code) is None
    assert services.find_customer(business=other, customer_id=customer.pk) is None


def test_find_unknown_and_nothing_given(business):
    assert services.find_customer(business=business, phone="0509999999") is None
    assert services.find_customer(business=business, card="NOPE") is None
    assert services.find_customer(business=business) is None


def test_find_with_a_malformed_phone_is_an_input_error(business):
    with pytest.raises(ValidationFailed) as err:
        services.find_customer(business=business, phone="not a phone")
    assert err.value.field == "phone"


# --- register -------------------------------------------------------------------------------


def test_register_normalises_and_enrols_in_the_default_category(business, program, regular):
    customer = services.register_customer(
        business=business,
        program=program,
        phone="050 765 43 21",
        name=" Olena ",
        email="olena@example.com",
        language="uk",
        birthday=date(1990, 5, 1),
    )
    customer.refresh_from_db()
    assert customer.phone == "+380507654321"
    assert customer.name == "Olena"
    assert customer.channel == Customer.Channel.SMS
    assert re.fullmatch(r"[A-Z0-9]{12}", customer.card_code)
    enrolment = Enrolment.objects.get(customer=customer)
    assert (enrolment.program, enrolment.category) == (program, regular)


def test_register_with_a_category_and_a_card(business, program, regular):
    vip = CustomerCategoryFactory(program=program, key="vip")
    customer = services.register_customer(
        business=business, program=program, card_code="ab-12 cd", category=vip
    )
    assert customer.card_code == "AB12CD"
    assert customer.phone == ""
    assert customer.channel == Customer.Channel.NONE
    assert Enrolment.objects.get(customer=customer).category == vip


def test_register_by_email_only_uses_the_email_channel(business, program):
    customer = services.register_customer(business=business, program=program, email="a@b.co")
    assert customer.channel == Customer.Channel.EMAIL


def test_register_without_default_category(business, program):
    customer = services.register_customer(business=business, program=program, phone="0501112233")
    assert Enrolment.objects.get(customer=customer).category is None


def test_register_twice_is_refused(business, program, customer):
    with pytest.raises(ValidationFailed) as err:
        services.register_customer(business=business, program=program, phone="0501234567")
    assert (err.value.field, err.value.code) == ("phone", "validation_error")
    assert "already registered" in err.value.message


def test_register_a_taken_card_is_refused(business, program, customer):
    with pytest.raises(ValidationFailed) as err:
        services.register_customer(business=business, program=program, card_code=customer.card_code)
    assert err.value.field == "card"


def test_same_phone_in_another_business_is_fine(customer):
    other = ProgramFactory()
    registered = services.register_customer(
        business=other.business, program=other, phone=customer.phone
    )
    assert registered.phone == customer.phone


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "garbage"}, "phone"),
        ({"phone": "0501112233", "email": "not-an-email"}, "email"),
        ({"phone": "0501112233", "language": "xx"}, "language"),
        ({"phone": "0501112233", "name": "x" * 201}, "name"),
        ({"card_code": "!!"}, "card"),
    ],
)
def test_register_refuses_bad_fields(business, program, fields, field):
    with pytest.raises(ValidationFailed) as err:
        services.register_customer(business=business, program=program, **fields)
    assert err.value.field == field
    assert not Customer.objects.exists()


def test_register_refuses_a_category_of_another_program(business, program):
    foreign = CustomerCategoryFactory(program=ProgramFactory(business=business))
    with pytest.raises(ValidationFailed) as err:
        services.register_customer(
            business=business, program=program, phone="0501112233", category=foreign
        )
    assert err.value.field == "category"


def test_register_in_a_program_of_another_business(business):
    with pytest.raises(ValidationFailed) as err:
        services.register_customer(business=business, program=ProgramFactory(), phone="0501112233")
    assert err.value.field == "program"


# --- get or register ------------------------------------------------------------------------


def test_get_or_register_creates_then_finds(business, program, regular):
    customer, created = services.get_or_register_by_phone(
        business=business, program=program, phone="050 555 44 33"
    )
    assert created and customer.phone == "+380505554433"
    assert Enrolment.objects.get(customer=customer).category == regular
    again, created_again = services.get_or_register_by_phone(
        business=business, program=program, phone="+380505554433"
    )
    assert (again, created_again) == (customer, False)


def test_get_or_register_enrols_a_known_customer_in_another_program(business, customer):
    second = ProgramFactory(business=business)
    found, created = services.get_or_register_by_phone(
        business=business, program=second, phone=customer.phone
    )
    assert (found, created) == (customer, False)
    assert Enrolment.objects.filter(customer=customer).count() == 2


def test_get_or_register_after_losing_the_race(business, program, customer, monkeypatch):
    """The lookup misses (another till inserts meanwhile): the insert's IntegrityError
    turns into the existing customer."""
    real_scoped, calls = services.scoped, []

    def first_lookup_misses(model, business):
        calls.append(model)
        qs = real_scoped(model, business)
        return qs.none() if len(calls) == 1 else qs

    monkeypatch.setattr(services, "scoped", first_lookup_misses)
    found, created = services.get_or_register_by_phone(
        business=business, program=program, phone=customer.phone
    )
    assert (found, created) == (customer, False)
    assert Customer.objects.count() == 1


def test_get_or_register_refuses_garbage(business, program):
    with pytest.raises(ValidationFailed):
        services.get_or_register_by_phone(business=business, program=program, phone="x")


# --- enrolment and categories ---------------------------------------------------------------


def test_enrol_is_idempotent(business, program, regular):
    customer = CustomerFactory(business=business)
    first = services.enrol(customer=customer, program=program)
    vip = CustomerCategoryFactory(program=program)
    second = services.enrol(customer=customer, program=program, category=vip)
    assert first.pk == second.pk and second.category == regular


def test_enrol_in_a_program_of_another_business(customer):
    with pytest.raises(ValidationFailed):
        services.enrol(customer=customer, program=ProgramFactory())


def test_set_category(customer, program, regular):
    vip = CustomerCategoryFactory(program=program, key="vip")
    enrolment = services.set_category(
        customer=customer, program=program, category=vip, staff=UserFactory()
    )
    assert Enrolment.objects.get(pk=enrolment.pk).category == vip
    services.set_category(customer=customer, program=program, category=None)
    assert Enrolment.objects.get(pk=enrolment.pk).category is None


def test_set_category_of_another_program(customer, program):
    with pytest.raises(ValidationFailed) as err:
        services.set_category(
            customer=customer, program=program, category=CustomerCategoryFactory()
        )
    assert err.value.field == "category"

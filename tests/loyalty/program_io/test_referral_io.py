"""program-format.md `program.referral`: read on import, written on export."""

import pytest

from loyalty.models import Business
from loyalty.program_io import export_program, import_program
from loyalty.program_io.errors import ProgramImportError

from .conftest import load_demo

pytestmark = pytest.mark.django_db

REFERRAL = {"referrer": {"points": "50.00"}, "friend": {"series": "free-croissant"}}


def test_the_referral_programme_travels_with_the_program():
    business = Business.objects.create(name="Demo", slug="demo")
    doc = load_demo()
    doc["program"]["referral"] = REFERRAL
    program = import_program(doc, business=business).program
    program.refresh_from_db()
    assert str(program.referral_referrer_points) == "50.00"
    assert program.referral_referrer_series is None
    assert program.referral_friend_points is None
    assert program.referral_friend_series.key == "free-croissant"
    assert export_program(program)["program"]["referral"] == REFERRAL
    # an older document leaves it as it is; the same document again changes nothing
    assert not import_program(load_demo(), business=business).changed
    assert not import_program(doc, business=business).changed
    program.refresh_from_db()
    assert program.referral_on
    # null switches it off
    doc["program"]["referral"] = None
    import_program(doc, business=business)
    program.refresh_from_db()
    assert not program.referral_on
    assert export_program(program)["program"]["referral"] is None


@pytest.mark.parametrize(
    ("referral", "path"),
    [
        ({"friend": {"series": "no-such"}}, "program.referral.friend.series"),
        ({"friend": {}}, "program.referral.friend"),
        ({"referrer": {"points": "-5"}}, "program.referral.referrer.points"),
        ({"referrer": {"points": 5.5}}, "program.referral.referrer.points"),
        ({"someone": {"points": "5"}}, "program.referral.someone"),
    ],
)
def test_a_bad_referral_is_named(referral, path):
    doc = load_demo()
    doc["program"]["referral"] = referral
    with pytest.raises(ProgramImportError) as info:
        import_program(doc, business=Business.objects.create(name="D", slug="d"))
    assert path in str(info.value.errors)

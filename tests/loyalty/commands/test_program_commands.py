"""export_program, import_program and issue_device_token, as an operator runs them."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from loyalty.models import Business, Device, PointOfSale, Program, Rule
from loyalty.program_io import export_program, import_program
from loyalty.services.devices import hash_key
from terminal.auth import DeviceTokenAuthentication
from tests.loyalty.program_io.conftest import DEMO_PATH, load_demo

pytestmark = pytest.mark.django_db


def run(*args, stdin: bytes | None = None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def business():
    return Business.objects.create(name="Target", slug="target")


# export_program -------------------------------------------------------------------------


def test_export_prints_the_document_indented_and_unescaped(business):
    program = import_program(load_demo(), business=business).program

    out, _ = run("export_program", str(program.pk))

    assert json.loads(out) == export_program(program)
    assert '\n  "format": "loyalty-program/1",' in out
    assert "Круасан від нас" in out  # ensure_ascii=False


def test_export_of_an_unknown_program_fails(db):
    with pytest.raises(CommandError, match="no program with id 999"):
        run("export_program", "999")


# import_program -------------------------------------------------------------------------


def test_import_from_a_file_prints_a_one_line_summary(business):
    out, err = run("import_program", str(DEMO_PATH), "--business", "target")

    assert err == ""
    [line] = out.strip().splitlines()
    assert line.startswith("Program “coffee-club” (id ")
    assert "created 1 program, 2 points of sale, 2 customer categories, 2 account types," in line
    assert "1 gift-card series," in line
    assert "12 rules, 1 certificate;" in line
    assert Rule.objects.filter(business=business).count() == 12

    again, _ = run("import_program", str(DEMO_PATH), "--business", "target")
    assert "created nothing; updated nothing; 36 unchanged." in again


def test_import_from_stdin(business, monkeypatch):
    out, _ = run(
        "import_program",
        "-",
        "--business",
        "target",
        stdin=DEMO_PATH.read_bytes(),
        monkeypatch=monkeypatch,
    )
    assert "created 1 program" in out
    assert Program.objects.filter(business=business, key="coffee-club").exists()


def test_import_creates_the_business_when_asked(db):
    out, _ = run(
        "import_program",
        str(DEMO_PATH),
        "--business",
        "new-shop",
        "--create-business",
        "--currency",
        "EUR",
        "--timezone",
        "Europe/Warsaw",
        "--phone-region",
        "PL",
        "--name",
        "New Shop",
    )

    business = Business.objects.get(slug="new-shop")
    assert (business.name, business.currency, business.timezone, business.phone_region) == (
        "New Shop",
        "EUR",
        "Europe/Warsaw",
        "PL",
    )
    assert out.splitlines()[0] == "Created business “new-shop”."
    assert PointOfSale.objects.filter(business=business).count() == 2


def test_import_into_an_unknown_business_names_it(db):
    with pytest.raises(CommandError, match="'nowhere'"):
        run("import_program", str(DEMO_PATH), "--business", "nowhere")
    assert not Business.objects.exists()


def test_import_errors_are_printed_one_per_line_and_exit_1(business, tmp_path):
    doc = load_demo()
    doc["rules"][0]["value"] = "150"
    doc["coupon_series"][0]["code_format"]["length"] = 8
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    with pytest.raises(SystemExit) as exited:
        run("import_program", str(path), "--business", "target")

    assert exited.value.code == 1
    assert not Program.objects.filter(business=business).exists()


def test_import_error_lines_name_the_paths(business, tmp_path):
    doc = load_demo()
    doc["rules"][5]["depends_on"]["thresholds"][1]["from"] = "100.00"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import_program", str(path), "--business", "target", stderr=err)

    assert err.getvalue().splitlines() == [
        "rules[5].depends_on.thresholds[1].from: Thresholds must be in ascending order of “from”."
    ]


def test_import_of_bad_json_exits_1_with_the_position(business, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "loyalty-program/1",', encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import_program", str(path), "--business", "target", stderr=err)

    assert err.getvalue().startswith("$: Not valid JSON")


def test_import_of_a_missing_file_fails_cleanly(business, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_program", str(tmp_path / "nope.json"), "--business", "target")


# issue_device_token ---------------------------------------------------------------------


@pytest.fixture
def shop(business):
    import_program(load_demo(), business=business)
    return business


@pytest.mark.parametrize("kind", ["terminal", "kiosk"])
def test_issue_device_token_prints_a_working_key_on_its_last_line(shop, kind):
    out, _ = run(
        "issue_device_token",
        "--business",
        "target",
        "--pos",
        "podil",
        "--kind",
        kind,
        "--name",
        "Till 2",
    )

    key = out.strip().splitlines()[-1]
    device = Device.objects.get(key_hash=hash_key(key))
    assert (device.kind, device.name, device.point_of_sale.key) == (kind, "Till 2", "podil")
    assert device.business_id == shop.pk and key not in device.key_hash

    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    user, authenticated = DeviceTokenAuthentication().authenticate(request)
    assert authenticated == device


def test_each_issue_makes_a_new_key(shop):
    first, _ = run(
        "issue_device_token", "--business", "target", "--pos", "center", "--kind", "terminal"
    )
    second, _ = run(
        "issue_device_token", "--business", "target", "--pos", "center", "--kind", "terminal"
    )
    assert first.splitlines()[-1] != second.splitlines()[-1]
    assert Device.objects.filter(business=shop).count() == 2


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--business", "nowhere", "--pos", "center"], "'nowhere'"),
        (["--business", "target", "--pos", "airport"], "'airport'"),
    ],
)
def test_issue_device_token_names_what_it_cannot_find(shop, args, named):
    with pytest.raises(CommandError, match=named):
        run("issue_device_token", *args, "--kind", "terminal")
    assert not Device.objects.exists()


def test_a_point_of_sale_of_another_business_is_not_found(shop):
    other = Business.objects.create(name="Other", slug="other")
    with pytest.raises(CommandError, match="'center'"):
        run("issue_device_token", "--business", other.slug, "--pos", "center", "--kind", "kiosk")


def test_an_unknown_kind_is_refused(shop):
    with pytest.raises(CommandError):
        run("issue_device_token", "--business", "target", "--pos", "center", "--kind", "phone")

"""A document with an error anywhere imports nothing, and the error names its JSON path."""

import pytest

from certificates.models import CertificateCode, GiftCertificate
from coupons.models import CouponSeries
from loyalty.models import Business
from loyalty.program_io import FORMAT, ProgramImportError, import_program, parse_document

from .conftest import load_demo, mutated, nothing_in, tenant_counts, write_marks

pytestmark = pytest.mark.django_db

# Indexes in loyalty/fixtures/demo_program.json
STAFF_MEAL, MORNING_LATTE, CROISSANT_ZERO, TIERS, CASHBACK = 0, 1, 2, 5, 6
VIP_EXTRA, BEANS_LOYAL, BIG_CHECK, KIOSK = 8, 9, 10, 11
FREE_CROISSANT, ESPRESSO_TODAY, TOP_UP, CHEESECAKE_KIOSK = 0, 1, 2, 3


def rule(doc, index):
    return doc["rules"][index]


def series(doc, index):
    return doc["coupon_series"][index]


CASES = [
    # shape and types (schema)
    ("unknown top-level field", lambda d: d.update(extras=[]), "extras"),
    ("section not a list", lambda d: d.update(rules={}), "rules"),
    ("program name missing", lambda d: d["program"].pop("name"), "program.name"),
    (
        "points share above 100",
        lambda d: d["program"].update(max_points_share="150"),
        "program.max_points_share",
    ),
    (
        "bad point of sale key",
        lambda d: d["points_of_sale"][0].update(key="Center!"),
        "points_of_sale[0].key",
    ),
    (
        "two default categories",
        lambda d: d["customer_categories"][1].update(default=True),
        "customer_categories[1].default",
    ),
    (
        "built-in account key",
        lambda d: d["account_types"][0].update(key="bonus"),
        "account_types[0].key",
    ),
    (
        "unknown account kind",
        lambda d: d["account_types"][0].update(kind="gold"),
        "account_types[0].kind",
    ),
    ("negative price", lambda d: d["goods"][0].update(price="-1.00"), "goods[0].price"),
    ("price as a float", lambda d: d["goods"][0].update(price=60.5), "goods[0].price"),
    ("three-place price", lambda d: d["goods"][0].update(price="1.005"), "goods[0].price"),
    ("duplicate goods code", lambda d: d["goods"][1].update(code="LATTE"), "goods[1].code"),
    ("duplicate rule key", lambda d: rule(d, 1).update(key="staff-meal"), "rules[1].key"),
    ("unknown rule field", lambda d: rule(d, 0).update(combien=True), "rules[0].combien"),
    ("rule value as float", lambda d: rule(d, STAFF_MEAL).update(value=50.0), "rules[0].value"),
    (
        "threshold from not a number",
        lambda d: rule(d, TIERS)["depends_on"]["thresholds"][1].update({"from": "lots"}),
        "rules[5].depends_on.thresholds[1].from",
    ),
    (
        "threshold without value",
        lambda d: rule(d, TIERS)["depends_on"]["thresholds"][0].pop("value"),
        "rules[5].depends_on.thresholds[0].value",
    ),
    (
        "depends_on without thresholds",
        lambda d: rule(d, BEANS_LOYAL)["depends_on"].pop("thresholds"),
        "rules[9].depends_on.thresholds",
    ),
    (
        "bad date",
        lambda d: rule(d, MORNING_LATTE)["schedule"].update(date_from="2026-13-01"),
        "rules[1].schedule.date_from",
    ),
    (
        "bad time",
        lambda d: rule(d, MORNING_LATTE)["schedule"].update(time_from="25:00"),
        "rules[1].schedule.time_from",
    ),
    (
        "coupon quantity not whole",
        lambda d: rule(d, BIG_CHECK)["coupon"].update(quantity="1"),
        "rules[10].coupon.quantity",
    ),
    (
        "code of 8 characters",
        lambda d: series(d, FREE_CROISSANT)["code_format"].update(length=8),
        "coupon_series[0].code_format.length",
    ),
    (
        "group longer than the code",
        lambda d: series(d, FREE_CROISSANT)["code_format"].update(group=11),
        "coupon_series[0].code_format.group",
    ),
    (
        "unknown validity",
        lambda d: series(d, ESPRESSO_TODAY).update(validity={"type": "week"}),
        "coupon_series[1].validity.type",
    ),
    (
        "24 valid hours",
        lambda d: series(d, ESPRESSO_TODAY).update(validity={"type": "hours", "valid_hours": 24}),
        "coupon_series[1].validity.valid_hours",
    ),
    (
        "range without end",
        lambda d: series(d, ESPRESSO_TODAY).update(
            validity={"type": "range", "valid_from": "2027-01-01"}
        ),
        "coupon_series[1].validity.valid_to",
    ),
    (
        "range ends before it starts",
        lambda d: series(d, ESPRESSO_TODAY).update(
            validity={"type": "range", "valid_from": "2027-01-02", "valid_to": "2027-01-01"}
        ),
        "coupon_series[1].validity.valid_to",
    ),
    (
        "pregenerated without inventory",
        lambda d: series(d, TOP_UP).update(inventory=None),
        "coupon_series[2].inventory",
    ),
    (
        "zero inventory",
        lambda d: series(d, TOP_UP).update(inventory=0),
        "coupon_series[2].inventory",
    ),
    (
        "unknown code mode",
        lambda d: series(d, TOP_UP).update(code_mode="printed"),
        "coupon_series[2].code_mode",
    ),
    (
        "reward with rule and top-up",
        lambda d: series(d, TOP_UP)["reward"].update(rule="croissant-zero"),
        "coupon_series[2].reward",
    ),
    (
        "zero top-up",
        lambda d: series(d, TOP_UP)["reward"]["top_up"].update(amount="0"),
        "coupon_series[2].reward.top_up.amount",
    ),
    (
        "reminder with two units",
        lambda d: series(d, FREE_CROISSANT).update(expiry_reminder={"hours": 1, "days": 1}),
        "coupon_series[0].expiry_reminder",
    ),
    (
        "random count above the bundle",
        lambda d: d["certificates"][0].update(random_count=3),
        "certificates[0].random_count",
    ),
    (
        "a series twice in a bundle",
        lambda d: d["certificates"][0]["series"][1].update(series="free-croissant"),
        "certificates[0].series[1].series",
    ),
    ("empty bundle", lambda d: d["certificates"][0].update(series=[]), "certificates[0].series"),
    (
        "blank public code",
        lambda d: d["certificates"][0].update(public_code="  "),
        "certificates[0].public_code",
    ),
    # rule semantics (rules_validation, mapped to JSON paths)
    (
        "unknown action",
        lambda d: rule(d, STAFF_MEAL).update(action="discount_everything"),
        "rules[0].action",
    ),
    ("unknown mode", lambda d: rule(d, STAFF_MEAL).update(mode="sometimes"), "rules[0].mode"),
    ("percent above 100", lambda d: rule(d, STAFF_MEAL).update(value="150"), "rules[0].value"),
    ("negative value", lambda d: rule(d, MORNING_LATTE).update(value="-1"), "rules[1].value"),
    (
        "negative special price",
        lambda d: rule(d, CROISSANT_ZERO).update(value="-5.00"),
        "rules[2].value",
    ),
    ("value missing", lambda d: rule(d, CASHBACK).pop("value"), "rules[6].value"),
    (
        "max below min",
        lambda d: rule(d, CROISSANT_ZERO).update(min_quantity="2"),
        "rules[2].max_quantity",
    ),
    (
        "goods list on a check action",
        lambda d: rule(d, TIERS).update(include_goods=["LATTE"]),
        "rules[5].include_goods",
    ),
    (
        "min quantity on a check action",
        lambda d: rule(d, TIERS).update(min_quantity="1"),
        "rules[5].min_quantity",
    ),
    (
        "threshold percent above 100",
        lambda d: rule(d, TIERS)["depends_on"]["thresholds"][1].update(value="101"),
        "rules[5].depends_on.thresholds[1].value",
    ),
    (
        "negative threshold value",
        lambda d: rule(d, TIERS)["depends_on"]["thresholds"][0].update(value="-3"),
        "rules[5].depends_on.thresholds[0].value",
    ),
    (
        "duplicate threshold",
        lambda d: rule(d, TIERS)["depends_on"]["thresholds"][1].update({"from": "200.00"}),
        "rules[5].depends_on.thresholds[1].from",
    ),
    (
        "descending thresholds",
        lambda d: rule(d, TIERS)["depends_on"]["thresholds"][1].update({"from": "100.00"}),
        "rules[5].depends_on.thresholds[1].from",
    ),
    (
        "empty thresholds",
        lambda d: rule(d, BEANS_LOYAL)["depends_on"].update(thresholds=[]),
        "rules[9].depends_on.thresholds",
    ),
    (
        "unknown period",
        lambda d: rule(d, BEANS_LOYAL)["depends_on"].update(period="decade"),
        "rules[9].depends_on.period",
    ),
    (
        "unknown measure",
        lambda d: rule(d, BEANS_LOYAL)["depends_on"].update(measure="weight"),
        "rules[9].depends_on.measure",
    ),
    (
        "issue without a series",
        lambda d: rule(d, BIG_CHECK).pop("coupon"),
        "rules[10].coupon.series",
    ),
    (
        "unknown series",
        lambda d: rule(d, BIG_CHECK)["coupon"].update(series="nope"),
        "rules[10].coupon.series",
    ),
    (
        "unknown per",
        lambda d: rule(d, BEANS_LOYAL)["coupon"].update(per="week"),
        "rules[9].coupon.per",
    ),
    (
        "zero coupons",
        lambda d: rule(d, BEANS_LOYAL)["coupon"].update(quantity=0),
        "rules[9].coupon.quantity",
    ),
    (
        "unknown credit account",
        lambda d: rule(d, CASHBACK)["credit"].update(account="gold"),
        "rules[6].credit.account",
    ),
    (
        "expiry on the bonus account",
        lambda d: rule(d, CASHBACK)["credit"].update(expires_in_days=10),
        "rules[6].credit.expires_in_days",
    ),
    (
        "weekday 8",
        lambda d: rule(d, MORNING_LATTE)["schedule"].update(weekdays=[1, 8]),
        "rules[1].schedule.weekdays[1]",
    ),
    (
        "schedule ends before it starts",
        lambda d: rule(d, MORNING_LATTE)["schedule"].update(
            date_from="2027-05-02", date_to="2027-05-01"
        ),
        "rules[1].schedule.date_to",
    ),
    (
        "kiosk offer with a goods action",
        lambda d: rule(d, KIOSK).update(action="issue_coupon_goods"),
        "rules[11].mode",
    ),
    (
        "kiosk offer of a series without kiosk price",
        lambda d: series(d, CHEESECAKE_KIOSK).pop("kiosk_price"),
        "rules[11].coupon.series",
    ),
    (
        "unknown point of sale",
        lambda d: rule(d, KIOSK).update(points_of_sale=["airport"]),
        "rules[11].points_of_sale[0]",
    ),
    (
        "unknown customer category",
        lambda d: rule(d, VIP_EXTRA).update(customer_categories=["gold"]),
        "rules[8].customer_categories[0]",
    ),
    # references resolved against the document and the program
    (
        "unknown goods category",
        lambda d: d["goods"][0].update(category="drinks"),
        "goods[0].category",
    ),
    (
        "unknown reward rule",
        lambda d: series(d, FREE_CROISSANT).update(reward={"rule": "nope"}),
        "coupon_series[0].reward.rule",
    ),
    (
        "reward rule not in coupon mode",
        lambda d: series(d, FREE_CROISSANT).update(reward={"rule": "tiers"}),
        "coupon_series[0].reward.rule",
    ),
    (
        "unknown top-up account",
        lambda d: series(d, TOP_UP)["reward"]["top_up"].update(account="gold"),
        "coupon_series[2].reward.top_up.account",
    ),
    (
        "unknown bundled series",
        lambda d: d["certificates"][0]["series"][1].update(series="nope"),
        "certificates[0].series[1].series",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path"), [(m, p) for _, m, p in CASES], ids=[name for name, _, _ in CASES]
)
def test_an_error_anywhere_imports_nothing_and_names_the_path(business, mutate, path):
    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), mutate), business=business)

    paths = [p for p, _ in caught.value.errors]
    assert path in paths, caught.value.errors
    assert all(message for _, message in caught.value.errors)
    assert nothing_in(business)


@pytest.mark.parametrize(
    ("mutate", "path"),
    [(m, p) for _, m, p in CASES[-8:]],
    ids=[name for name, _, _ in CASES[-8:]],
)
def test_a_late_error_leaves_an_existing_program_untouched(business, mutate, path):
    """The certificate and reward checks run after rules were written: all of it rolls back."""
    import_program(load_demo(), business=business)
    counts, marks = tenant_counts(business), write_marks(business)

    def change_and_break(doc):
        doc["program"]["name"] = "Renamed"
        doc["goods"].append({"code": "NEW", "title": "New", "price": "1.00"})
        rule(doc, CASHBACK)["value"] = "9"
        mutate(doc)

    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), change_and_break), business=business)

    assert path in [p for p, _ in caught.value.errors]
    assert tenant_counts(business) == counts
    assert write_marks(business) == marks


def test_every_error_is_reported_not_only_the_first(business):
    def break_twice(doc):
        rule(doc, STAFF_MEAL)["value"] = "150"
        rule(doc, TIERS)["include_goods"] = ["LATTE"]

    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), break_twice), business=business)

    paths = [p for p, _ in caught.value.errors]
    assert "rules[0].value" in paths and "rules[5].include_goods" in paths
    assert caught.value.lines()[0].startswith("rules[0].value: ")


@pytest.mark.parametrize("fmt", ["loyalty-program/2", "something-else", 1])
def test_an_unknown_format_is_refused_with_a_message(business, fmt):
    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), lambda d: d.update(format=fmt)), business=business)

    [(path, message)] = caught.value.errors
    assert path == "format" and FORMAT in message
    assert nothing_in(business)


def test_a_missing_format_is_refused(business):
    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), lambda d: d.pop("format")), business=business)
    assert caught.value.errors[0][0] == "format"


def test_the_error_carries_the_api_error_shape(business):
    with pytest.raises(ProgramImportError) as caught:
        import_program(
            mutated(load_demo(), lambda d: rule(d, STAFF_MEAL).update(value="150")),
            business=business,
        )
    shape = caught.value.as_dict()
    assert shape["code"] == "validation_error" and shape["field"] == "rules[0].value"
    assert shape["errors"][0]["path"] == "rules[0].value"


def test_a_point_of_sale_of_another_program_is_refused(business):
    import_program(load_demo(), business=business)
    doc = load_demo()
    doc["program"]["key"] = "second-program"

    with pytest.raises(ProgramImportError) as caught:
        import_program(doc, business=business)

    assert "points_of_sale[0].key" in [p for p, _ in caught.value.errors]


def test_a_public_code_taken_by_another_certificate_is_refused(business):
    import_program(load_demo(), business=business)
    doc = load_demo()
    doc["program"]["key"] = "second-program"
    doc["points_of_sale"] = []
    for r in doc["rules"]:
        r.pop("points_of_sale", None)

    with pytest.raises(ProgramImportError) as caught:
        import_program(doc, business=business)

    assert [p for p, _ in caught.value.errors] == ["certificates[0].public_code"]


def test_issued_coupons_lock_the_reward_and_the_inventory_floor(business):
    program = import_program(load_demo(), business=business).program
    CouponSeries.objects.filter(program=program, key__in=["free-croissant", "top-up-100"]).update(
        issued_count=120
    )

    def change_rewards(doc):
        rule(doc, CROISSANT_ZERO)["value"] = "10.00"  # the reward rule of free-croissant
        series(doc, TOP_UP)["reward"]["top_up"]["amount"] = "50.00"
        series(doc, TOP_UP)["inventory"] = 100

    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), change_rewards), business=business)

    paths = [p for p, _ in caught.value.errors]
    assert "rules[2].value" in paths
    assert "coupon_series[2].reward" in paths and "coupon_series[2].inventory" in paths

    # texts and validity stay editable
    def change_texts(doc):
        series(doc, FREE_CROISSANT)["title"]["en"] = "A croissant, on the house"
        series(doc, FREE_CROISSANT)["validity"]["valid_days"] = 60
        rule(doc, CROISSANT_ZERO)["explanation"] = "Free croissant"

    result = import_program(mutated(load_demo(), change_texts), business=business)
    assert result.updated["coupon_series"] == 1 and result.updated["rules"] == 1


def test_an_unknown_business_is_an_error_without_create_kwargs(db):
    with pytest.raises(ProgramImportError) as caught:
        import_program(load_demo(), business="nowhere")
    assert caught.value.errors[0][0] == "$"
    assert not Business.objects.filter(slug="nowhere").exists()


def test_a_business_with_bad_settings_is_not_created(db):
    with pytest.raises(ProgramImportError) as caught:
        import_program(
            load_demo(),
            business="new-coffee",
            create_business_kwargs={
                "currency": "hryvnia",
                "timezone": "Mars/Olympus",
                "phone_region": "XX",
            },
        )
    paths = {p for p, _ in caught.value.errors}
    assert {"business.timezone", "business.currency", "business.phone_region"} <= paths
    assert not Business.objects.filter(slug="new-coffee").exists()


def test_a_broken_document_creates_no_business(db):
    with pytest.raises(ProgramImportError):
        import_program(
            mutated(load_demo(), lambda d: rule(d, STAFF_MEAL).update(value="150")),
            business="new-coffee",
            create_business_kwargs={"currency": "UAH"},
        )
    assert not Business.objects.filter(slug="new-coffee").exists()


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"{not json", "Not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"\xff\xfe{}", "UTF-8"),
        ('{"format": 1', "line 1"),
    ],
)
def test_parse_document_reports_bad_bytes_at_the_root(raw, fragment):
    with pytest.raises(ProgramImportError) as caught:
        parse_document(raw)
    [(path, message)] = caught.value.errors
    assert path == "$" and fragment in message


def test_parse_document_reads_utf8_with_a_bom():
    doc = parse_document('\ufeff{"format": "loyalty-program/1", "x": "Київ"}'.encode())
    assert doc["x"] == "Київ"


def test_parse_document_refuses_oversized_files(settings):
    settings.PERKLINE_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ProgramImportError) as caught:
        parse_document(b'{"format": "loyalty-program/1"}')
    assert caught.value.errors[0][0] == "$"


def test_a_failed_object_is_reported_once_not_again_by_what_refers_to_it(business):
    def break_reward_rule(doc):
        rule(doc, CROISSANT_ZERO)["value"] = "-5.00"  # free-croissant's reward
        series(doc, TOP_UP)["reward"]["top_up"]["account"] = "gold"  # bundled nowhere

    with pytest.raises(ProgramImportError) as caught:
        import_program(mutated(load_demo(), break_reward_rule), business=business)

    assert [p for p, _ in caught.value.errors] == [
        "coupon_series[2].reward.top_up.account",
        "rules[2].value",
    ]


def test_a_public_code_taken_by_a_printed_single_use_code_is_refused(business):
    program = import_program(load_demo(), business=business).program
    other = GiftCertificate.objects.create(
        business=business,
        program=program,
        key="printed",
        name="Printed batch",
        public_code="PRINTED-1",
        public_code_norm="PRINTED1",
    )
    CertificateCode.objects.create(
        business=business, certificate=other, code="NEW-CODE-1", code_norm="NEWCODE1"
    )
    doc = load_demo()
    doc["certificates"][0]["public_code"] = "new code 1"

    with pytest.raises(ProgramImportError) as caught:
        import_program(doc, business=business)

    [(path, message)] = caught.value.errors
    assert path == "certificates[0].public_code" and "Printed batch" in message


def test_a_constraint_hit_by_a_concurrent_change_is_an_import_error(business, monkeypatch):
    from django.db import IntegrityError

    from loyalty.program_io import importer

    def collide(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importer._Import, "import_goods", collide)
    with pytest.raises(ProgramImportError) as caught:
        import_program(load_demo(), business=business)
    assert caught.value.errors[0][0] == "$"
    assert nothing_in(business)

"""R18 (quality.md): no input earns a 500.

NUL bytes and broken encodings in a path, a query or a form answer 400 or 404; JSON nested
deeper than 32 levels answers 400 `validation_error`; a body above the limit answers 413 in
the error shape (API and cashier JSON endpoints) or a plain page. Shown on public pages,
panel search boxes, cashier pages and the API.
"""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core import jsonparse
from loyalty.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.terminal.cashier.conftest import logged_in
from tests.terminal.cashier.shop import make_shop
from tests.terminal.conftest import make_till, position

# The shared cache (cleared around every test) is a database table.
pytestmark = pytest.mark.django_db

BROKEN = ("%00", "a%00b", "%ff", "%C3%28")  # NUL, NUL inside, bad byte, bad sequence
DEEP = "[" * 100_000 + "]" * 100_000
LIMIT = 10 * 1024 * 1024


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def owner_client(shop):
    owner = UserFactory()
    MembershipFactory(business=shop.business, user=owner, role=Membership.OWNER)
    return logged_in(owner)


def nested(depth: int):
    body = "1"
    for _ in range(depth):
        body = f'{{"a": {body}}}'
    return body


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["field"] == field
    return error


class Exploding:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


# Paths and queries --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/c/", "/g/", "/s/"])
@pytest.mark.parametrize("bad", BROKEN)
def test_public_pages_refuse_broken_paths_and_queries(shop, prefix, bad):
    client = Client()
    assert client.get(f"{prefix}{bad}").status_code in (400, 404)
    assert client.get(f"{prefix}ABC{bad}").status_code in (400, 404)
    response = client.get(f"{prefix}ABC?x={bad}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_nul_in_a_public_path_is_a_400_page(shop):
    response = Client().get("/c/AB%00CD")
    assert response.status_code == 400
    assert b"NUL" in response.content


PANEL_LISTS = [
    "panel:program_list",
    "panel:pos_list",
    "panel:goods_list",
    "panel:category_list",
    "panel:brand_list",
    "panel:device_list",
    "panel:staff_list",
    "panel:customer_list",
    "panel:certificate_list",
    "panel:series_list",
]


@pytest.mark.parametrize("name", PANEL_LISTS)
@pytest.mark.parametrize("bad", BROKEN)
def test_panel_search_boxes_refuse_broken_text(owner_client, name, bad):
    response = owner_client.get(f"{reverse(name)}?q={bad}")
    assert response.status_code == 400
    assert "field “q”" in response.content.decode()
    # The same box with sound text still searches.
    assert owner_client.get(reverse(name), {"q": "Латте"}).status_code == 200


@pytest.mark.parametrize("bad", BROKEN)
def test_series_code_search_refuses_broken_text(owner_client, shop, bad):
    url = reverse("panel:series_coupons", args=[shop.series.pk])
    assert owner_client.get(f"{url}?q={bad}").status_code == 400


@pytest.mark.parametrize(
    "url", ["/terminal/api/customer?phone={}", "/terminal/api/goods?q={}", "/terminal/check/?x={}"]
)
@pytest.mark.parametrize("bad", BROKEN)
def test_cashier_look_ups_refuse_broken_text(shop, url, bad):
    response = logged_in(shop.cashier, shop.pos).get(url.format(bad))
    if url.startswith("/terminal/api/"):
        field = url.split("?")[1].split("=")[0]
        assert_error(response, 400, "validation_error", field)
    else:
        assert response.status_code == 400


@pytest.mark.parametrize("bad", BROKEN)
def test_urlencoded_forms_refuse_broken_text(shop, bad):
    client = Client()
    login = reverse("panel:login")
    body = f"username={bad}&password=x"
    response = client.post(login, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "field “username”" in response.content.decode()
    # A NUL in a field's name is refused too.
    response = client.post(login, "user%00=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    # Sound forms still reach the view.
    sound = "username=nobody&password=%C3%A9t%C3%A9"
    assert (
        client.post(login, sound, content_type="application/x-www-form-urlencoded").status_code
        == 200
    )


@pytest.mark.parametrize("bad", BROKEN)
def test_api_paths_and_queries_refuse_broken_text(bad):
    till = make_till()
    if "%00" in bad:
        assert_error(till.client.get(f"/api/v1/terminal/coupons/X{bad}"), 400, "validation_error")
    else:  # Django hands the view "%FF" as text: an unknown code
        assert till.client.get(f"/api/v1/terminal/coupons/X{bad}").status_code == 404
    response = till.client.get(f"/api/v1/terminal/coupons/ABC?phone={bad}")
    assert_error(response, 400, "validation_error", "phone")
    response = till.client.get(f"/api/v1/terminal/customers/lookup?phone={bad}")
    assert_error(response, 400, "validation_error", "phone")


# JSON depth ---------------------------------------------------------------------------


def test_the_parser_counts_depth_outside_strings():
    assert jsonparse.loads(nested(32)) is not None
    with pytest.raises(jsonparse.JSONTooDeep):
        jsonparse.loads(nested(33))
    with pytest.raises(jsonparse.JSONTooDeep):
        jsonparse.loads(DEEP)
    # Brackets inside strings, escaped quotes and many shallow containers are not depth.
    text = json.dumps({"a": "[[[[" * 20 + '\\"{{{', "b": [[1], [2]] * 100, "c": [{}] * 50})
    assert jsonparse.loads(text)["b"][0] == [1]


API_POSTS = [
    "/api/v1/terminal/checks/evaluate",
    "/api/v1/terminal/checks",
    "/api/v1/terminal/customers",
    "/api/v1/terminal/certificates/activate",
]


@pytest.mark.parametrize("url", API_POSTS)
@pytest.mark.parametrize("body", [DEEP, nested(33), "{" * 100_000])
def test_api_posts_refuse_deep_json(url, body):
    till = make_till()
    response = till.client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep-1"
    )
    error = assert_error(response, 400, "validation_error")
    assert "nested deeper than 32 levels" in error["message"]


def test_kiosk_refuses_deep_json():
    kiosk = make_till(kind="kiosk")
    response = kiosk.client.post("/api/v1/kiosk/identify", DEEP, content_type="application/json")
    error = assert_error(response, 400, "validation_error")
    assert "32 levels" in error["message"]


def test_a_check_32_levels_deep_is_still_read():
    till = make_till()
    body = {"positions": [position("LATTE", "60.00")], "extra": json.loads(nested(29))}
    assert till.evaluate(body).status_code == 200


@pytest.mark.parametrize("url", ["/terminal/api/evaluate", "/terminal/api/customer"])
def test_cashier_json_endpoints_refuse_deep_json(shop, url):
    client = logged_in(shop.cashier, shop.pos)
    response = client.post(url, DEEP, content_type="application/json")
    assert response.status_code in (400, 405)
    if response.status_code == 400:
        assert response.json()["error"]["code"] == "validation_error"


def test_cashier_evaluate_refuses_deep_json_with_the_reason(shop):
    client = logged_in(shop.cashier, shop.pos)
    response = client.post("/terminal/api/evaluate", DEEP, content_type="application/json")
    error = assert_error(response, 400, "validation_error")
    assert "32 levels" in error["message"]


def test_program_import_page_refuses_deep_json(owner_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("deep.json", DEEP.encode(), content_type="application/json")
    response = owner_client.post(reverse("panel:program_import"), {"file": upload})
    assert response.status_code == 200
    assert "nested deeper than 32 levels" in response.content.decode()


def test_import_program_command_refuses_deep_json(shop, tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_program", str(path), business=shop.business.slug)
    assert exit_info.value.code == 1
    assert "nested deeper than 32 levels" in capsys.readouterr().err


# Body size ----------------------------------------------------------------------------


def test_an_api_body_above_the_limit_is_413_in_the_error_shape():
    till = make_till()
    body = b'{"positions": [], "pad": "' + b"x" * LIMIT + b'"}'
    response = till.client.post(
        "/api/v1/terminal/checks/evaluate", body, content_type="application/json"
    )
    assert_error(response, 413, "request_too_large")


@pytest.mark.parametrize("url", ["/api/v1/terminal/checks", "/api/v1/kiosk/identify"])
def test_a_content_length_above_the_limit_is_refused_unread(url):
    till = make_till()
    response = till.client.post(
        url,
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(LIMIT + 1),
        HTTP_IDEMPOTENCY_KEY="big-1",
        **{"wsgi.input": Exploding()},
    )
    assert_error(response, 413, "request_too_large")


def test_cashier_json_endpoints_answer_413_in_the_error_shape(shop):
    client = logged_in(shop.cashier, shop.pos)
    response = client.post(
        "/terminal/api/confirm",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(LIMIT + 1),
        **{"wsgi.input": Exploding()},
    )
    assert_error(response, 413, "request_too_large")


def test_panel_forms_answer_a_413_page(owner_client):
    response = owner_client.post(
        reverse("panel:program_list"),
        b"q=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(LIMIT + 1),
        **{"wsgi.input": Exploding()},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_a_multipart_form_over_the_limit_found_by_the_csrf_check_is_413(shop, settings):
    """Multipart bodies are not refused by length (their files do not count); a text field
    over the limit is found when the CSRF check reads the form."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("panel:login"))  # the CSRF cookie
    response = client.post(reverse("panel:login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")

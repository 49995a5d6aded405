"""R20 (quality.md): pages send a Content-Security-Policy (scripts, styles and images from
the site itself, no inline script) and every page keeps to it: no inline script, event
handler or style in a template or in the HTML and SVG the code writes."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.terminal.cashier.conftest import logged_in
from tests.terminal.cashier.shop import make_shop

from .csp_pages import main_pages

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict:
    pairs = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in pairs}


class InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' refuses."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A data block (json_script) is not run, so the policy lets it be.
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> handler")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def client_for(page) -> Client:
    return logged_in(page.user, page.pos) if page.user else Client()


def test_main_pages_send_the_policy_and_keep_to_it():
    shop = make_shop()
    for page in main_pages(shop):
        response = client_for(page).get(page.url)
        assert response.status_code == 200, page.name
        # the kiosk's scanner reads a photo through a blob: image (issue 18)
        expected = {**POLICY, "img-src": "'self' data: blob:"} if page.name == "kiosk" else POLICY
        assert directives(response["Content-Security-Policy"]) == expected, page.name
        assert inline_parts(response.content.decode()) == [], page.name


def test_the_policy_is_sent_on_errors_and_api_answers_too():
    assert "script-src 'self'" in Client().get("/no-such-page/")["Content-Security-Policy"]
    assert "script-src 'self'" in Client().get("/c/A%00")["Content-Security-Policy"]
    assert "script-src 'self'" in Client().get("/api/v1/terminal/ping")["Content-Security-Policy"]


def test_templates_hold_no_inline_script_handler_or_style():
    """Every template, whether or not a test renders it."""
    offending = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # Template tags may stand where values go: look at the markup around them.
        found = inline_parts(re.sub(r"{%.*?%}|{{.*?}}", "x", text, flags=re.DOTALL))
        offending += [f"{path.name}: {what}" for what in found]
    assert offending == []


def test_the_python_that_writes_html_and_svg_writes_no_inline_style():
    """Charts and QR codes are written by code, not templates."""
    from core.charts import Line, bar_chart, line_chart
    from core.qr import qr_svg

    days = [{"date": f"2026-01-{d:02d}", "sales": d} for d in range(1, 15)]
    sales = Line("sales", "Sales", "#0f766e")
    for svg in (
        qr_svg("https://example.com/c/ABCD-EFGH"),
        line_chart(days, [sales], aria_label="Sales"),
        bar_chart(days, sales, aria_label="Sales"),
    ):
        assert inline_parts(svg) == []
    sources = [
        p
        for app in ("core", "loyalty", "customers", "coupons", "certificates", "terminal")
        for p in Path(settings.BASE_DIR, app).rglob("*.py")
        if "migrations" not in p.parts
    ]
    assert [p.name for p in sources if re.search(r"""style=["'{]""", p.read_text())] == []


def test_api_docs_load_their_script_from_the_site():
    """Swagger UI's start-up script comes from the same view (?script), not inline; its
    policy differs from the site's only in allowing inline styles, which Swagger UI sets."""
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "inline <script>" not in inline_parts(html)
    policy = directives(response["Content-Security-Policy"])
    assert policy == {**POLICY, "style-src": "'self' 'unsafe-inline'"}
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    answer = Client().get(script.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert "SwaggerUIBundle" in answer.content.decode()

"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright over live_server.

Skips cleanly when Chromium or Playwright is missing, unless PERKLINE_REQUIRE_BROWSER is
set (CI that must run them). Never runs `playwright install`: the system browser is used.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

CHROMIUM = os.environ.get("PERKLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENS = Path(settings.BASE_DIR) / "test-artifacts" / "screens"
REQUIRED = bool(os.environ.get("PERKLINE_REQUIRE_BROWSER"))


def _why_unavailable():
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _why_unavailable()
    if reason:
        if REQUIRED:
            pytest.fail(f"PERKLINE_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous code.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _page(browser, **options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return context, page


@pytest.fixture
def tablet(browser):
    context, page = _page(browser, viewport={"width": 1280, "height": 860}, locale="en-US")
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context, page = _page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="uk-UA",
    )
    yield page
    context.close()


@pytest.fixture
def shoot():
    SCREENS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        path = SCREENS / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # sticky bars stay at the top of the shot
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="session")
def vendor_assets():
    """The pinned third-party browser assets (the kiosk's QR scanner) in static/vendor/:
    `make install` fetches them; a bare pytest run fetches them here (a no-op when present)."""
    import importlib.util

    path = Path(settings.BASE_DIR) / "scripts" / "fetch_assets.py"
    spec = importlib.util.spec_from_file_location("fetch_assets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ensure(quiet=True)

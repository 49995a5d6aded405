"""What the screenshot scripts share (scripts/screens.py for the panel,
scripts/screens_coupons.py for coupon series and certificates): settings for the throwaway
PostgreSQL database that scripts/pg_test.sh gives them (DATABASE_URL), a `runserver` for the
time of the shots, and a headless Chromium
(Debian's /usr/bin/chromium driven by Playwright; never `playwright install`) logged in once
per viewport.
"""

import argparse
import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "owner@perkline.test", "screens-pass-123"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def settings_env(**extra: str) -> dict:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("run through scripts/pg_test.sh: the shots need a throwaway database")
    return {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECURE_SSL_REDIRECT": "0",
        **extra,
    }


def wait_for_server(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"the dev server did not answer at {url}")


@contextlib.contextmanager
def dev_server(env: dict, port: int):
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_server(f"http://127.0.0.1:{port}/login/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def logged_in_pages(base: str, lang: str, viewports: dict, *, before_login=None):
    """(viewport label, a page signed in as the owner), one viewport after the other;
    `before_login(label, page)` may shoot the login page first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for label, (width, height) in viewports.items():
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale=lang)  # fmt: skip
            context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/login/")
            if before_login:
                before_login(label, page)
            page.fill("input[name=username]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            yield label, page
            context.close()
        browser.close()


def run(*, description: str, seed, pages, shoot, env: dict, port: int, out: Path) -> None:
    """The command line both scripts share: seed, serve, shoot `--only` pages in `--lang`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--lang", default="en", choices=["en", "uk"])
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    urls = pages(seed())
    with dev_server(env, port) as base:
        shoot(base, urls, args.lang, {n for n in args.only.split(",") if n})
    print(f"screenshots in {out}")

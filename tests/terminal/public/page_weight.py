"""The weight of a public page: its HTML plus every stylesheet and script it loads, all
served by us (journey.md: each page under 100 KB of HTML, CSS and script, no CDN)."""

import re

from django.contrib.staticfiles import finders
from django.templatetags.static import static

ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+\.(?:css|js))"')


def page_weight(client, url, **kwargs) -> int:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    total = len(response.content)
    prefix = static("")
    for src in set(ASSET.findall(html)):
        assert src.startswith(prefix), f"{src} is not served by us"
        path = finders.find(src[len(prefix) :].split("?")[0])
        assert path, f"{src} not found"
        with open(path, "rb") as f:
            total += len(f.read())
    return total

"""What a person reads on a page: text nodes and the attributes shown to them."""

import re
from html.parser import HTMLParser

SHOWN_ATTRS = {"placeholder", "title", "aria-label", "alt", "label"}
SKIPPED_TAGS = {"script", "style", "template", "code", "kbd", "samp"}


class _Reader(HTMLParser):
    """Skips scripts and code, and an element marked as another language than the page's
    (`<td lang="en">` holding an English message template on a Ukrainian page)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.page_language = ""
        self.foreign: list[list] = []  # [tag, depth] of the element in another language

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        attrs = dict(attrs)
        language = attrs.get("lang") or ""
        if tag == "html":
            self.page_language = language
        elif self.foreign and tag == self.foreign[-1][0]:
            self.foreign[-1][1] += 1
        elif language and self.page_language and language != self.page_language:
            self.foreign.append([tag, 1])
        if self.foreign:
            return
        for name in SHOWN_ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1
        if self.foreign and tag == self.foreign[-1][0]:
            self.foreign[-1][1] -= 1
            if not self.foreign[-1][1]:
                self.foreign.pop()

    def handle_data(self, data):
        if not self.skipping and not self.foreign and data.strip():
            self.parts.append(data.strip())


def shown_text(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return reader.parts


WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def latin_words(text: str) -> list[str]:
    return WORD.findall(text)

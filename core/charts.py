"""Day-by-day charts for panel pages, drawn on the server as inline SVG.

No JavaScript and no third-party assets: the page stays self-contained (it works offline,
prints, and needs no CDN). Each chart scales to its container through its viewBox; every
point carries a ``<title>`` so that hovering shows the exact figure.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 760, 280
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 40, 44
MAX_X_LABELS = 10
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
AXIS, GRID, MUTED = "#9aa5b1", "#e6eaef", "#5f6b7a"


@dataclass(frozen=True)
class Line:
    key: str  # the figure's key in each day's dict
    label: str
    color: str


def nice_max(value: float) -> int:
    """The smallest of 1, 2, 5 x 10^n (at least 4) that is >= ``value``: round axis steps."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return int(math.ceil(step * power))
    return int(10 * power)  # pragma: no cover - the loop always answers


def _day_label(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day:02d}.{day.month:02d}"


def _frame(days, top, label, plot_w, plot_h):
    """Grid lines with y labels, the x axis and thinned date labels."""
    parts = []
    ticks = 4
    for i in range(ticks + 1):
        value = top * i / ticks
        y = PAD_TOP + plot_h - plot_h * i / ticks
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{PAD_LEFT + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID if i else AXIS}" stroke-width="1"/>'
        )
        text = f"{value:g}" if value == int(value) else f"{value:.1f}"
        parts.append(
            f'<text x="{PAD_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
            f"{FONT}>{text}</text>"
        )
    every = max(1, math.ceil(len(days) / MAX_X_LABELS))
    for index, day in enumerate(days):
        if index % every and index != len(days) - 1:
            continue
        if index != len(days) - 1 and len(days) - 1 - index < every:
            continue  # too close to the last label, which is always shown
        x = label(index)
        parts.append(
            f'<text x="{x:.1f}" y="{PAD_TOP + plot_h + 20}" text-anchor="middle" '
            f'fill="{MUTED}" {FONT}>{_day_label(day["date"])}</text>'
        )
    return parts


def _legend(lines):
    parts, x = [], PAD_LEFT
    for line in lines:
        parts.append(
            f'<rect x="{x}" y="10" width="14" height="14" rx="3" fill="{line.color}"/>'
            f'<text x="{x + 20}" y="22" fill="#1c2430" {FONT}>{escape(line.label)}</text>'
        )
        x += 32 + 8 * len(str(line.label))
    return parts


def _svg(parts, aria_label, width, height) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(aria_label)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMidYMid meet">{body}</svg>'
    )


def line_chart(days: list[dict], lines: list[Line], *, aria_label: str = "") -> SafeString:
    """A line chart of ``days`` (``[{"date": "2030-03-10", key: n, ...}]``), one line per
    ``Line``; the y axis starts at 0 and ends at a round number."""
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    top = nice_max(max((d.get(line.key, 0) for d in days for line in lines), default=0))
    count = len(days)

    def x_of(index):
        if count == 1:
            return PAD_LEFT + plot_w / 2
        return PAD_LEFT + plot_w * index / (count - 1)

    def y_of(value):
        return PAD_TOP + plot_h - plot_h * value / top

    parts = _frame(days, top, x_of, plot_w, plot_h)
    for line in lines:
        coords = [(x_of(i), y_of(d.get(line.key, 0))) for i, d in enumerate(days)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{line.color}" stroke-width="2.5" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
        radius = 3.5 if count <= 31 else 2
        for (x, y), day in zip(coords, days, strict=True):
            tip = f"{_day_label(day['date'])} · {line.label}: {day.get(line.key, 0)}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{line.color}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    parts += _legend(lines)
    return _svg(parts, aria_label, WIDTH, HEIGHT)


def bar_chart(days: list[dict], line: Line, *, aria_label: str = "") -> SafeString:
    """A bar per day of ``days[i][line.key]``."""
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    top = nice_max(max((d.get(line.key, 0) for d in days), default=0))
    count = max(len(days), 1)
    slot = plot_w / count
    bar = max(1.0, slot * 0.7)

    def x_of(index):
        return PAD_LEFT + slot * index + slot / 2

    parts = _frame(days, top, x_of, plot_w, plot_h)
    for index, day in enumerate(days):
        value = day.get(line.key, 0)
        h = plot_h * value / top
        x = x_of(index) - bar / 2
        tip = f"{_day_label(day['date'])} · {line.label}: {value}"
        parts.append(
            f'<rect x="{x:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" rx="2" fill="{line.color}"><title>{escape(tip)}</title></rect>'
        )
    parts += _legend([line])
    return _svg(parts, aria_label, WIDTH, HEIGHT)

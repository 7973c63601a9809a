"""Charts drawn on the server as SVG: pure functions from numbers to markup.

No script and no style attribute (the Content-Security-Policy forbids both): colours and
sizes are SVG presentation attributes. Each chart names itself with <title> and <desc>
through aria-labelledby; the page shows the same numbers in a table.
"""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

TEXT = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c9ced6"
BAR = "#0b4f8a"
LINE = "#1d6b30"
FONT = 'font-family="sans-serif" font-size="13"'


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (0-100 for percentages) and an optional note."""

    label: str
    value: float
    note: str = ""


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(chart_id: str, title: str, bars: list[Bar], unit: str = "%", scale: float = 100):
    """Horizontal bars, one per item, on a 0-`scale` axis, with each value written at its end."""
    label_width, plot_width, row, top = 220, 380, 26, 24
    width = label_width + plot_width + 90
    height = top + row * max(len(bars), 1) + 10
    body = []
    for tick in range(0, 101, 25):
        x = label_width + plot_width * tick / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 10}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="{MUTED}" {FONT}>'
            f"{scale * tick / 100:g}{escape(unit)}</text>"
        )
    for n, bar in enumerate(bars):
        y = top + n * row
        length = plot_width * max(0.0, min(bar.value / scale, 1.0)) if scale else 0
        value = f"{bar.value:g}{unit}" + (f" ({bar.note})" if bar.note else "")
        body.append(
            f"<g><title>{escape(bar.label)}: {escape(value)}</title>"
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}" {FONT}>'
            f"{escape(_short(bar.label))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BAR}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" fill="{TEXT}" {FONT}>'
            f"{escape(value)}</text></g>"
        )
    desc = "; ".join(f"{bar.label}: {bar.value:g}{unit}" for bar in bars) or "No data."
    return _svg(chart_id, title, desc, width, height, body)


def cumulative(points: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Running totals of per-day counts, in date order."""
    total, result = 0, []
    for day, count in sorted(points):
        total += count
        result.append((day, total))
    return result


def line_chart(chart_id: str, title: str, points: list[tuple[date, int]]) -> Markup:
    """A line of values over dates (e.g. completions to date), with first and last date marked."""
    width, height, left, right, top, bottom = 690, 240, 56, 20, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    if not points:
        body.append(
            f'<text x="{left + 10}" y="{top + plot_h / 2:.0f}" fill="{MUTED}" {FONT}>'
            "No completions yet.</text>"
        )
        return _svg(chart_id, title, "No completions yet.", width, height, body)
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    peak = max(value for _, value in points) or 1

    def xy(day: date, value: int) -> tuple[float, float]:
        return left + plot_w * (day - first).days / span, top + plot_h * (1 - value / peak)

    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(d, v) for d, v in points))
    body.append(
        f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2.5" '
        'stroke-linejoin="round"/>'
    )
    for value in (0, peak):
        y = top + plot_h * (1 - value / peak)
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" {FONT}>'
            f"{value}</text>"
        )
    for day, anchor, x in ((first, "start", left), (last, "end", left + plot_w)):
        body.append(
            f'<text x="{x}" y="{height - 14}" text-anchor="{anchor}" fill="{MUTED}" {FONT}>'
            f"{day.isoformat()}</text>"
        )
    desc = (
        f"From {first.isoformat()} to {last.isoformat()}: {points[0][1]} rising to {points[-1][1]}."
    )
    return _svg(chart_id, title, desc, width, height, body)


def monthly(points: list[tuple[date, int]]) -> list[tuple[str, int, int]]:
    """Per-day counts summed by month: (YYYY-MM, count, running total), for the data table."""
    months: dict[str, int] = {}
    for day, count in sorted(points):
        key = f"{day.year:04d}-{day.month:02d}"
        months[key] = months.get(key, 0) + count
    total, rows = 0, []
    for key, count in months.items():
        total += count
        rows.append((key, count, total))
    return rows

"""Charts drawn on the server as SVG: a line chart (a figure month by month, this year and the
year before), a bar chart (branches side by side, one bar or a group of bars each) and a
progress bar (how far a figure has come towards its target).

    from bibliohub import charts

    chart = charts.line_chart(
        title=_("Loans by month"),
        description=_("Loans each month of 2026, with 2025 for comparison."),
        category_label=_("Month"),
        categories=["Jan", "Feb", …],
        series=[charts.Series("2026", [120, 98, …]), charts.Series("2025", [110, None, …])],
        number=django.utils.formats.number_format,
    )

A chart is never shown alone: `web/_chart.html` renders it with its data as a table (the
same numbers, in the same order: `Chart.rows`) and a link to the same data as CSV
(`Chart.csv_href`), so that nothing is only in the picture. Include it with
`{% include "web/_chart.html" with chart=chart %}`.

The SVG carries `role="img"` with its `<title>` and `<desc>`; every text is escaped; colours
are presentation attributes (the site's Content-Security-Policy refuses style attributes),
each series' colour has at least 3:1 contrast with the white background and every text
4.5:1 (WCAG 2.1, 1.4.11 and 1.4.3), and a second series is told apart by its dashes and
markers as well as by its colour. Labels are measured for their script (a Chinese character
is about twice as wide as a Latin letter) so that branch names in any of the five languages
fit or are shortened with an ellipsis (the whole name stays in the table and in a tooltip).

Plain Python: this module knows nothing of Django, models or requests."""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from urllib.parse import quote

Number = Decimal | int | float
Formatter = Callable[[Number], str]

# Series colours, in order: each has ≥ 3:1 contrast with white, and ≥ 4.5:1 where it is
# also used for text (tests/test_charts.py checks both).
PALETTE = ("#1f4e9c", "#a34700", "#2b6a30", "#6b3fa0", "#8a1c3c", "#005f73")
TEXT = "#1a1a1a"
MUTED = "#595959"  # axes and grid labels: 7:1 on white
GRID = "#c8c8c8"  # decoration only: the values are in the table
TRACK = "#767676"  # the outline of a progress bar's track: 4.5:1 on white
FONT = "system-ui, 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
FONT_SIZE = 13
DASHES = ("", "6 4", "2 3", "10 3 2 3")


class Markup(str):
    """Text that is already safe HTML (Django's templates and MarkupSafe keep it as it is)."""

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Series:
    """One line, or one bar of each group: its name and a value per category (None: no value,
    a gap in the line, no bar)."""

    label: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class Chart:
    """A drawn chart with the data it was drawn from. `svg` is the markup; `rows` the table
    the chart stands beside; `csv` and `csv_href` the same data for a spreadsheet."""

    svg: Markup
    title: str
    description: str
    category_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number: Formatter = field(repr=False)
    filename: str = "chart.csv"

    @property
    def header(self) -> list[str]:
        return [self.category_label, *(s.label for s in self.series)]

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """Each category with its values formatted (the table's rows); "—" for no value."""
        rows = []
        for i, category in enumerate(self.categories):
            values = [s.values[i] for s in self.series]
            rows.append((category, ["—" if v is None else self.number(v) for v in values]))
        return rows

    @property
    def csv(self) -> str:
        """The data as CSV (RFC 4180), numbers unformatted so a spreadsheet reads them."""
        lines = [self.header]
        for i, category in enumerate(self.categories):
            values = [s.values[i] for s in self.series]
            lines.append([category, *("" if v is None else _plain(v) for v in values)])
        return "".join(",".join(_csv_cell(c) for c in line) + "\r\n" for line in lines)

    @property
    def csv_href(self) -> str:
        """A data: address of `csv`, for a link with a `download` attribute."""
        return "data:text/csv;charset=utf-8," + quote("\ufeff" + self.csv)

    def __html__(self) -> str:
        return str(self.svg)


# --- public API -----------------------------------------------------------------------------


def line_chart(
    *,
    title: str,
    description: str,
    category_label: str,
    categories: Sequence[str],
    series: Sequence[Series],
    number: Formatter | None = None,
    unit: str = "",
    filename: str = "chart.csv",
    width: int = 640,
    height: int = 280,
) -> Chart:
    """A line per series over `categories` (months), the first solid and the others dashed,
    with a marker at each value and a legend; `unit` is written by the value axis."""
    number = number or plain_number
    _check(categories, series)
    ident = _ident(title, categories, series)
    legend_h = 22 * math.ceil(len(series) / 3) if len(series) > 1 else 0
    top, bottom = 16 + legend_h, 28
    ticks = _ticks(_values(series))
    left = 12 + max(_text_width(number(_clean(t))) for t in ticks)
    right = 16
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _open(ident, title, description, width, height)
    parts += _value_axis(ticks, left=left, top=top, plot_w=plot_w, plot_h=plot_h, number=number, unit=unit)
    # The first and last points sit half a label in, so their labels are not cut.
    inset = min(max((_text_width(c) for c in categories), default=0) / 2 + 2, plot_w / 4)
    step = (plot_w - 2 * inset) / max(len(categories) - 1, 1)
    xs = [
        left + (inset + i * step if len(categories) > 1 else plot_w / 2)
        for i in range(len(categories))
    ]
    every = max(1, math.ceil(max((_text_width(c) for c in categories), default=0) * len(categories) / (plot_w * 0.9)))
    for i, (x, category) in enumerate(zip(xs, categories, strict=True)):
        if i % every == 0:
            parts.append(_text(x, top + plot_h + 18, _fit(category, step * every - 4), anchor="middle", fill=MUTED, full=category))
    low, high = ticks[0], ticks[-1]
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        dash = DASHES[n % len(DASHES)]
        points = [
            (x, _y(float(v), low, high, top, plot_h)) if v is not None else None
            for x, v in zip(xs, s.values, strict=True)
        ]
        for run in _runs(points):
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                dashed = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>'
                )
        for (i, point) in enumerate(points):
            if point is not None:
                label = f"{s.label}, {categories[i]}: {number(s.values[i])}"  # type: ignore[arg-type]
                parts.append(_marker(n, point[0], point[1], colour, label))
    if len(series) > 1:
        parts += _legend(series, left=left, top=6, width=plot_w, line=True)
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), title, description, category_label, tuple(categories),
                 tuple(series), number, filename)


def bar_chart(
    *,
    title: str,
    description: str,
    category_label: str,
    categories: Sequence[str],
    series: Sequence[Series],
    number: Formatter | None = None,
    unit: str = "",
    filename: str = "chart.csv",
    width: int = 640,
) -> Chart:
    """Horizontal bars, one row per category (a branch), one bar per series in each row
    (grouped when there are several: this year and the year before), each bar with its
    value written at its end. Names of any length and script fit on the left."""
    number = number or plain_number
    _check(categories, series)
    ident = _ident(title, categories, series)
    bar_h, gap = 16, 12
    legend_h = 22 * math.ceil(len(series) / 3) if len(series) > 1 else 0
    label_w = min(max((_text_width(c) for c in categories), default=0), width * 0.35)
    left = 12 + label_w + 8
    value_room = 12 + max(
        (_text_width(number(v)) for s in series for v in s.values if v is not None), default=0
    )
    right = 8 + value_room
    top = 12 + legend_h
    group_h = bar_h * len(series) + gap
    plot_h = group_h * len(categories)
    height = int(top + plot_h + 30)
    plot_w = width - left - right
    ticks = _ticks([*_values(series), 0.0])
    low, high = ticks[0], ticks[-1]
    parts = _open(ident, title, description, width, height)
    for tick in ticks:
        x = left + (tick - low) / (high - low) * plot_w
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(x, top + plot_h + 16, number(_clean(tick)), anchor="middle", fill=MUTED))
    if unit:
        parts.append(_text(left + plot_w, top + plot_h + 28, unit, anchor="end", fill=MUTED))
    zero = left + (0 - low) / (high - low) * plot_w
    for i, category in enumerate(categories):
        y0 = top + i * group_h + gap / 2
        parts.append(_text(left - 8, y0 + group_h / 2 - gap / 2 + 4, _fit(category, label_w), anchor="end", fill=TEXT, full=category))
        for n, s in enumerate(series):
            value = s.values[i]
            y = y0 + n * bar_h
            if value is None:
                parts.append(_text(zero + 4, y + bar_h - 4, "—", fill=MUTED))
                continue
            x = left + (float(value) - low) / (high - low) * plot_w
            x1, x2 = sorted((zero, x))
            colour = PALETTE[n % len(PALETTE)]
            label = f"{s.label}, {category}: {number(value)}"
            parts.append(
                f'<rect x="{x1:.1f}" y="{y:.1f}" width="{max(x2 - x1, 1):.1f}" height="{bar_h - 2}" '
                f'fill="{colour}"><title>{escape(label)}</title></rect>'
            )
            parts.append(_text(x2 + 4, y + bar_h - 5, number(value), fill=TEXT))
    parts.append(f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{top + plot_h}" stroke="{MUTED}" stroke-width="1"/>')
    if len(series) > 1:
        parts += _legend(series, left=left, top=4, width=plot_w, line=False)
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), title, description, category_label, tuple(categories),
                 tuple(series), number, filename)


def progress_bar(
    *,
    title: str,
    description: str,
    label: str,
    value: Number | None,
    target: Number | None,
    number: Formatter | None = None,
    value_label: str = "",
    target_label: str = "",
    filename: str = "progress.csv",
    width: int = 320,
) -> Chart:
    """How far `value` has come towards `target` (a bar filled to value ÷ target, never past
    its end; over the target it is full and says so in the words beside it). `label` names
    the row of its table; `value_label` and `target_label` its two columns."""
    number = number or plain_number
    ident = _ident(title, [label], [Series(value_label, [value]), Series(target_label, [target])])
    height = 24
    parts = _open(ident, title, description, width, height)
    parts.append(f'<rect x="1" y="4" width="{width - 2}" height="{height - 8}" rx="3" fill="#ffffff" stroke="{TRACK}" stroke-width="1.5"/>')
    if value is not None and target is not None and float(target) > 0:
        share = max(0.0, min(float(value) / float(target), 1.0))
        if share > 0:
            parts.append(
                f'<rect x="3" y="6" width="{(width - 6) * share:.1f}" height="{height - 12}" rx="2" fill="{PALETTE[0]}"/>'
            )
    parts.append("</svg>")
    return Chart(
        Markup("".join(parts)),
        title,
        description,
        "",
        (label,),
        (Series(value_label, [value]), Series(target_label, [target])),
        number,
        filename,
    )


def plain_number(value: Number) -> str:
    """A number as written without a locale: whole numbers without decimals, others to at
    most two places."""
    return _plain(round(Decimal(str(value)), 2))


# --- drawing --------------------------------------------------------------------------------


def _open(ident: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="{escape(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description)}</desc>',
    ]


def _value_axis(
    ticks: list[float], *, left: float, top: float, plot_w: float, plot_h: float,
    number: Formatter, unit: str,
) -> list[str]:
    low, high = ticks[0], ticks[-1]
    parts = []
    for tick in ticks:
        y = _y(tick, low, high, top, plot_h)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, number(_clean(tick)), anchor="end", fill=MUTED))
    if unit:
        parts.append(_text(left, top - 4, unit, fill=MUTED))
    parts.append(f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" y2="{top + plot_h:.1f}" stroke="{MUTED}" stroke-width="1"/>')
    return parts


def _legend(series: Sequence[Series], *, left: float, top: float, width: float, line: bool) -> list[str]:
    parts = []
    column = width / min(len(series), 3)
    for n, s in enumerate(series):
        x = left + (n % 3) * column
        y = top + 22 * (n // 3)
        colour = PALETTE[n % len(PALETTE)]
        if line:
            dash = DASHES[n % len(DASHES)]
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<line x1="{x:.1f}" y1="{y + 8}" x2="{x + 24:.1f}" y2="{y + 8}" stroke="{colour}" stroke-width="2.5"{dashed}/>')
            parts.append(_marker(n, x + 12, y + 8, colour, None))
        else:
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="14" height="12" fill="{colour}"/>')
        parts.append(_text(x + 30, y + 13, _fit(s.label, column - 36), fill=TEXT, full=s.label))
    return parts


def _marker(n: int, x: float, y: float, colour: str, label: str | None) -> str:
    tip = f"<title>{escape(label)}</title>" if label else ""
    if n % 2 == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">{tip}</circle>'
    return (
        f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="2">{tip}</rect>'
    )


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", fill: str = TEXT, full: str | None = None
) -> str:
    tip = f"<title>{escape(full)}</title>" if full is not None and full != text else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">'
        f"{tip}{escape(text)}</text>"
    )


def _y(value: float, low: float, high: float, top: float, plot_h: float) -> float:
    return top + plot_h - (value - low) / (high - low) * plot_h


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


# --- numbers and text -----------------------------------------------------------------------


def _values(series: Sequence[Series]) -> list[float]:
    return [float(v) for s in series for v in s.values if v is not None]


def _ticks(values: Sequence[float], count: int = 5) -> list[float]:
    """Round steps from (at most) 0 to (at least) the largest value."""
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def _clean(value: float) -> Number:
    return int(value) if float(value).is_integer() else Decimal(str(round(value, 6)))


def _plain(value: Number) -> str:
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    return str(value)


def _char_width(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.combining(char):
        return 0.0
    return 0.62


def _text_width(text: str) -> float:
    """About how wide `text` is drawn at FONT_SIZE, in pixels."""
    return sum(_char_width(c) for c in unicodedata.normalize("NFC", text)) * FONT_SIZE


def _fit(text: str, room: float) -> str:
    """`text`, shortened with an ellipsis to fit `room` pixels."""
    if _text_width(text) <= room:
        return text
    kept = ""
    for char in unicodedata.normalize("NFC", text):
        if _text_width(kept + char + "…") > room:
            break
        kept += char
    return kept.rstrip() + "…"


def _csv_cell(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(categories)} categories")


def _ident(title: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    """An id for the title and description, the same for the same chart (a page shows a
    chart once) and different for another."""
    key = repr((title, tuple(categories), [(s.label, tuple(s.values)) for s in series]))
    return "chart-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]


def contrast(foreground: str, background: str = "#ffffff") -> float:
    """The WCAG 2.1 contrast ratio of two colours written #rrggbb."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)

"""The SVG charts (bibliohub.charts): well-formed SVG an assistive technology can name, the
same numbers in the table beside it and in its CSV, every label escaped, names in every
script fitted, colours with enough contrast, and nothing the Content-Security-Policy
refuses. No database."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.template.loader import render_to_string
from lxml import etree, html

from bibliohub import charts
from bibliohub.charts import Series

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"]
BRANCHES = [
    "Центральна бібліотека імені Лесі Українки",
    "Thư viện chi nhánh Đường Lê Lợi",
    "河滨分馆",
    "Filia nr 3 „Źródło” w Łodzi",
    "<script>alert('x')</script> & Co",
]


def _line() -> charts.Chart:
    return charts.line_chart(
        title="Позики за місяцями, 2026",
        description="Позики кожного місяця 2026 і 2025 років.",
        category_label="Місяць",
        categories=MONTHS,
        series=[
            Series("2026", [12, 15, None, 20, 18, 30, 25, 0, 40, 44, 38, 50]),
            Series("2025", [10, 11, 9, 14, 15, 16, 12, 8, 30, 31, 29, Decimal("35.5")]),
        ],
    )


def _bars() -> charts.Chart:
    return charts.bar_chart(
        title="Loans by branch <2026>",
        description="Each branch & the year before",
        category_label="Branch",
        categories=BRANCHES,
        series=[Series("2026", [500, 120, 75, None, 3]), Series("2025", [480, 130, 60, 10, 0])],
    )


def _svg(chart: charts.Chart) -> etree._Element:
    return etree.fromstring(str(chart.svg).encode())


@pytest.mark.parametrize("make", [_line, _bars])
def test_a_chart_is_well_formed_svg_named_by_its_title_and_description(make):
    chart = make()
    svg = _svg(chart)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert (title.text, desc.text) == (chart.title, chart.description)
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize("make", [_line, _bars])
def test_nothing_in_a_chart_needs_an_inline_style_or_script(make):
    svg = _svg(make())
    for element in svg.iter():
        assert "style" not in element.attrib, element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.tag
        assert element.tag not in {f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject"}


def test_labels_are_escaped():
    chart = _bars()
    markup = str(chart.svg)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    texts = [t for t in _svg(chart).iter(f"{SVG}text", f"{SVG}title")]
    assert any("<script>" in "".join(t.itertext()) for t in texts)  # the text itself, unescaped by the parser
    assert _svg(chart).find(f"{SVG}title").text == "Loans by branch <2026>"


def test_the_table_beside_the_chart_holds_the_same_numbers():
    chart = _line()
    rendered = render_to_string("web/_chart.html", {"chart": chart})
    page = html.fromstring(rendered)
    (svg,) = page.xpath(".//svg")
    assert svg.get("role") == "img"
    (table,) = page.xpath(".//table")
    assert table.xpath("string(caption)") == chart.title
    assert [th.text_content() for th in table.xpath("thead/tr/th")] == ["Місяць", "2026", "2025"]
    rows = [[c.text_content() for c in tr.xpath("th|td")] for tr in table.xpath("tbody/tr")]
    assert rows[0] == ["січ", "12", "10"]
    assert rows[2] == ["бер", "—", "9"]  # no value: a gap in the line, a dash in the table
    assert rows[11] == ["гру", "50", "35.5"]
    # The points drawn: one marker per value, each named with its value.
    markers = [t.text for t in _svg(chart).iter(f"{SVG}title")][1:]
    assert "2026, січ: 12" in markers and "2025, гру: 35.5" in markers
    assert not any(m.startswith("2026, бер") for m in markers)


def test_the_csv_link_gives_the_same_data():
    chart = _bars()
    rendered = render_to_string("web/_chart.html", {"chart": chart})
    (link,) = html.fromstring(rendered).xpath(".//a[@download]")
    assert link.get("download") == chart.filename
    text = unquote(link.get("href").removeprefix("data:text/csv;charset=utf-8,")).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Branch", "2026", "2025"]
    assert rows[1] == [BRANCHES[0], "500", "480"]
    assert rows[4] == [BRANCHES[3], "", "10"]
    assert rows[5] == [BRANCHES[4], "3", "0"]


def test_a_bar_is_drawn_for_each_value_and_none_for_a_missing_one():
    svg = _svg(_bars())
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 9  # ten values, one missing
    named = {r.find(f"{SVG}title").text: float(r.get("width")) for r in bars}
    assert named[f"2026, {BRANCHES[0]}: 500"] > named[f"2025, {BRANCHES[0]}: 480"]
    assert named[f"2026, {BRANCHES[2]}: 75"] > named[f"2025, {BRANCHES[2]}: 60"]


def test_long_names_in_any_script_are_shortened_with_their_whole_name_kept():
    svg = _svg(_bars())
    labels = {
        "".join(t.itertext()): t for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"
    }
    # The Chinese name is short enough to be whole; the long Ukrainian one is shortened and
    # keeps its whole name as a tooltip.
    assert any(text == "河滨分馆" for text in labels)
    shortened = [t for t in svg.iter(f"{SVG}text") if (t.text or "").endswith("…") or
                 any((c.tail or "").endswith("…") for c in t)]
    assert shortened
    assert any(t.find(f"{SVG}title") is not None and t.find(f"{SVG}title").text == BRANCHES[0]
               for t in svg.iter(f"{SVG}text"))
    # Wide characters count double: ten Chinese characters need more room than ten Latin ones.
    assert charts._text_width("中" * 10) > charts._text_width("a" * 10) * 1.5
    assert charts._text_width("Đường") == charts._text_width("Duong")


def test_colours_have_enough_contrast_on_white():
    for colour in charts.PALETTE:
        assert charts.contrast(colour) >= 4.5, colour  # also used for values' text
    assert charts.contrast(charts.TEXT) >= 4.5 and charts.contrast(charts.MUTED) >= 4.5
    assert charts.contrast(charts.TRACK) >= 3
    svg = _svg(_line())
    dashes = {p.get("stroke-dasharray") for p in svg.iter(f"{SVG}polyline")}
    assert None in dashes and len(dashes) == 2  # the year before is dashed, not only coloured


def test_a_progress_bar_fills_to_its_share_of_the_target_and_no_further():
    half = charts.progress_bar(title="Нові користувачі", description="120 з 240", label="2026",
                               value=120, target=240, value_label="Value", target_label="Target")
    over = charts.progress_bar(title="Нові користувачі", description="300 з 240", label="2026",
                               value=300, target=240)
    nothing = charts.progress_bar(title="x", description="y", label="2026", value=None, target=240)

    def fill(chart: charts.Chart) -> float:
        rects = list(_svg(chart).iter(f"{SVG}rect"))
        return float(rects[1].get("width")) / float(rects[0].get("width")) if len(rects) > 1 else 0.0

    assert fill(half) == pytest.approx(0.5, abs=0.02)
    assert fill(over) == pytest.approx(1.0, abs=0.02)
    assert fill(nothing) == 0
    assert half.rows == [("2026", ["120", "240"])]


def test_a_series_must_have_a_value_for_each_category():
    with pytest.raises(ValueError, match="3 values for 2 categories"):
        charts.bar_chart(title="t", description="d", category_label="c", categories=["a", "b"],
                         series=[Series("s", [1, 2, 3])])

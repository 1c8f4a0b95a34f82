"""One date style per language: the plain styles come from bibliohub/formats, a day with its
weekday from bibliohub.dates, and no template writes its own date format."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from bibliohub.dates import day_long, day_short

SATURDAY = date(2026, 12, 12)

STYLES = {
    "en": ("12 December 2026", "Saturday, 12 December 2026", "Sat 12 Dec"),
    "vi": ("12 tháng 12 năm 2026", "Thứ Bảy, ngày 12 tháng 12 năm 2026", "T7, 12/12"),
    "zh-hans": ("2026年12月12日", "2026年12月12日 星期六", "12月12日 周六"),
    "uk": ("12 грудня 2026 р.", "субота, 12 грудня 2026 р.", "сб, 12 грудня"),
    "pl": ("12 grudnia 2026", "sobota, 12 grudnia 2026", "sob., 12 grudnia"),
}


@pytest.mark.parametrize("language", STYLES)
def test_each_language_writes_a_day_one_way(language: str) -> None:
    plain, long, short = STYLES[language]
    with translation.override(language):
        assert formats.date_format(SATURDAY, "DATE_FORMAT") == plain
        assert day_long(SATURDAY) == long
        assert day_short(SATURDAY) == short


def test_templates_use_the_styles_without_loading_anything() -> None:
    template = Template("{{ day|day_long }} · {{ day|day_short }} · {{ none|day_long }}.")
    with translation.override("vi"):
        text = template.render(Context({"day": SATURDAY, "none": None}))
    assert text == "Thứ Bảy, ngày 12 tháng 12 năm 2026 · T7, 12/12 · ."


def test_a_moment_is_a_day_in_the_library_time_zone(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    late_evening_utc = datetime(2026, 12, 11, 20, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("en"):
        assert day_long(late_evening_utc) == "Saturday, 12 December 2026"


# A literal format with names of days or months in a template comes out in a different style
# in each language; ISO dates for machines ('Y-m-d', 'c') and the named styles are fine.
NAMED_PARTS = re.compile(r"""\|date:(["'])(?P<format>[^"']*)\1""")
ALLOWED = re.compile(r"^([A-Z_]+_FORMAT|[YmdHisc: \-TZO]*)$")


def test_no_template_writes_a_date_format_of_its_own() -> None:
    root = Path(__file__).resolve().parent.parent / "bibliohub"
    offenders = []
    for path in root.rglob("*.html"):
        for match in NAMED_PARTS.finditer(path.read_text(encoding="utf-8")):
            if not ALLOWED.match(match["format"]):
                offenders.append(f"{path.relative_to(root)}: {match['format']!r}")
    assert offenders == []

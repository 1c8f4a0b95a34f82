"""The record generator behind the demo network and the benchmarks."""

from __future__ import annotations

import io
from collections import Counter

import pymarc
import pytest
from stdnum import isbn, issn

from bibliohub.demo.generate import (
    ITEM_TYPES,
    LOCATIONS,
    generate_records,
    iter_iso2709,
    write_iso2709,
)


@pytest.fixture(scope="module")
def records() -> list[pymarc.Record]:
    return list(generate_records(2000, seed=7))


def _read(data: bytes) -> list[pymarc.Record]:
    return list(pymarc.MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True))


def _all_text(record: pymarc.Record) -> str:
    return " ".join(f.value() for f in record.get_fields())


def test_every_isbn_is_valid_and_unique(records):
    seen = [f["a"] for r in records for f in r.get_fields("020")]
    assert len(seen) > 1000
    assert all(isbn.is_valid(value) and len(value) == 13 for value in seen)
    assert len(set(seen)) == len(seen)


def test_isbns_carry_the_prefix_of_the_country_of_publication(records):
    prefixes = {"vie": ("978604",), "chi": ("9787",), "ukr": ("978617", "978966"), "pol": ("97883",), "eng": ("9780", "9781")}
    for record in records:
        language = record["008"].data[35:38]
        for f in record.get_fields("020"):
            if language in prefixes and not record.get_fields("041"):
                assert f["a"].startswith(prefixes[language]), (language, f["a"])


def test_serials_have_a_valid_issn(records):
    serials = [r for r in records if r.leader[7] == "s"]
    assert serials
    assert all(issn.is_valid(r["022"]["a"]) for r in serials)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    first = b"".join(iter_iso2709(300, seed=5))
    assert first == b"".join(iter_iso2709(300, seed=5))
    assert first != b"".join(iter_iso2709(300, seed=6))


def test_pymarc_records_and_the_fast_encoder_agree():
    fast = b"".join(iter_iso2709(200, seed=2))
    via_pymarc = b"".join(r.as_marc() for r in generate_records(200, seed=2))
    assert fast == via_pymarc


def test_every_language_is_present_in_roughly_even_shares(records):
    languages = Counter(r["008"].data[35:38] for r in records)
    for code in ("vie", "chi", "ukr", "pol", "eng"):
        assert 0.14 < languages[code] / len(records) < 0.26, languages
    others = sum(n for code, n in languages.items() if code not in {"vie", "chi", "ukr", "pol", "eng"})
    assert 0 < others < 0.08 * len(records)


def test_the_strings_readers_search_for_are_in_the_first_few_hundred_records():
    text = [_all_text(r) for r in generate_records(300)]
    wanted = {
        "Đường Kách Mệnh": "Hồ Chí Minh",
        "Łódź": "Łódź",
        "Солом’янська": "Солом’янська",
        "红楼梦": "曹雪芹",
        "Truyện Kiều": "Nguyễn Du",
        "Lісова пісня".replace("L", "Л"): "Українка, Леся",
        "Pan Tadeusz": "Mickiewicz, Adam",
    }
    for title, author in wanted.items():
        assert any(title in t and author in t for t in text), title


def test_the_ukrainian_apostrophe_is_the_typographic_one():
    text = " ".join(_all_text(r) for r in generate_records(300))
    assert "Солом’янська" in text
    assert "Солом'янська" not in text


def test_the_polish_record_about_lodz_is_in_polish():
    records = list(generate_records(300))
    lodz = [r for r in records if "Łódź" in r["245"]["a"]]
    assert lodz
    assert all(r["008"].data[35:38] == "pol" for r in lodz)


def test_records_have_the_parts_a_catalogue_needs(records):
    for record in records:
        assert record["001"].data and record["003"].data == "BIBLIOHUB"
        assert len(record["008"].data) == 40
        assert len(str(record.leader)) == 24 and record.leader[9] == "a"
        year = int(record["008"].data[7:11])
        assert 1950 <= year <= 2026
        assert record["245"]["a"].strip(" /:.")
        assert record["264"].get("b")
    assert len({r["001"].data for r in records}) == len(records)


def test_material_types_are_mostly_books_with_some_of_each_other_kind(records):
    kinds = Counter(r.leader[6:8] for r in records)
    assert kinds["am"] / len(records) > 0.7
    for kind in ("as", "im", "jm", "gm", "em", "cm", "mm"):
        assert kinds[kind] > 0, kind


def test_there_are_books_for_children_and_teenagers_and_translations(records):
    books = [r for r in records if r.leader[6:8] == "am"]
    audiences = Counter(r["008"].data[22] for r in books)
    assert audiences["j"] > 0.05 * len(books)
    assert audiences["d"] > 0.02 * len(books)
    translations = [r for r in records if r.get("041") and r["041"].get("h")]
    assert translations
    assert all(r.get("240") for r in translations)


def test_years_lean_towards_recent_publications(records):
    years = [int(r["008"].data[7:11]) for r in records]
    recent = sum(1 for y in years if y >= 2000)
    assert recent > 0.5 * len(years)
    assert min(years) < 1975


def test_items_spread_over_the_given_branches_with_unique_barcodes(records):
    items = [f for r in records for f in r.get_fields("952")]
    assert Counter(f["a"] for f in items).keys() == {"central", "north", "riverside", "school"}
    barcodes = [f["p"] for f in items]
    assert len(set(barcodes)) == len(barcodes)
    assert {f["y"] for f in items} <= ITEM_TYPES.keys()
    assert {f["c"] for f in items} <= LOCATIONS.keys()
    assert all(f["a"] == f["b"] and f["o"] and f["d"] for f in items)


def test_some_items_are_on_loan_lost_or_for_reference_only(records):
    items = [f for r in records for f in r.get_fields("952")]
    assert any(f.get("q") for f in items)  # Koha: on loan, with the due date
    assert any(f.get("1") for f in items)  # Koha: lost
    assert any(f.get("7") for f in items)  # Koha: not for loan


def test_items_per_record_and_branches_can_be_chosen():
    records = list(generate_records(200, branches=["main"], items_per_record=(2, 3)))
    for record in records:
        items = record.get_fields("952")
        if record.leader[6] == "m":  # online resources have a link instead of items
            assert not items and record["856"]["u"]
        else:
            assert 2 <= len(items) <= 3
            assert {f["a"] for f in items} == {"main"}


def test_impossible_item_ranges_and_empty_branch_lists_are_refused():
    with pytest.raises(ValueError):
        next(generate_records(1, branches=[]))
    with pytest.raises(ValueError):
        next(generate_records(1, items_per_record=(3, 1)))


def test_written_file_parses_back_to_the_same_records(tmp_path):
    path = tmp_path / "demo.mrc"
    size = write_iso2709(path, 2500, seed=4)
    data = path.read_bytes()
    assert size == len(data)
    parsed = _read(data)
    assert len(parsed) == 2500
    assert [r.as_marc() for r in parsed[:50]] == [r.as_marc() for r in generate_records(50, seed=4)]


def test_records_a_catalogue_already_has_can_be_left_out():
    wanted = [r["001"].data for r in generate_records(20)]
    kept = _read(b"".join(iter_iso2709(20, exclude=set(wanted[:15]))))
    assert [r["001"].data for r in kept] == wanted[15:]

"""Finding a record across scripts (docs/search.md, "Across scripts"): Ukrainian and Russian
Cyrillic and Latin letters, Chinese characters and pinyin, Traditional and Simplified Chinese,
in every seed language, on the database in use; a match of the text as catalogued first."""

from __future__ import annotations

import pytest
from django.test import override_settings

from bibliohub.search.indexing import index_records, rebuild
from bibliohub.search.scripts import index_forms, query_forms, simplified
from bibliohub.search.service import search
from bibliohub.search.types import Field, SearchQuery
from tests.search.conftest import make_record


def found(text: str, **kwargs) -> list[int]:
    return [h.record_id for h in search(SearchQuery(text=text, **kwargs)).hits]


# The forms themselves (no database).


def test_ukrainian_cyrillic_is_kept_in_the_official_transliteration_and_the_library_of_congress_one():
    assert index_forms("Луцьк") == ["lutsk"]
    assert index_forms("Юрій") == ["yurii", "iurii"]


def test_russian_cyrillic_is_kept_in_the_library_of_congress_romanisation():
    assert ("voina", "i", "mir") in query_forms("Война и мир")


def test_chinese_is_kept_simplified_and_in_pinyin_with_syllables_alone_and_run_together():
    forms = index_forms("紅樓夢")
    assert forms[:5] == ["红楼", "楼梦", "红", "楼", "梦"]
    assert forms[5:8] == ["hong", "lou", "meng"]
    assert "hongloumeng" in forms and "honglou" in forms
    assert simplified("紅樓夢") == "红楼梦"


def test_latin_text_has_no_other_forms():
    assert index_forms("Łódź i okolice") == [] and query_forms("hongloumeng") == []
    assert index_forms("Đường Kách Mệnh") == []


# Searching.


@pytest.fixture
def scripts(db) -> dict[str, object]:
    records = {
        "lutsk_ukr": make_record("Луцьк", subtitle="путівник", languages=["ukr"], created=1),
        "lutsk_eng": make_record("Lutsk", subtitle="a guide", languages=["eng"], created=2),
        "war_rus": make_record("Война и мир", authors=["Толстой, Лев"], languages=["rus"], created=3),
        "war_loc": make_record("Voĭna i mir", authors=["Tolstoĭ, Lev"], languages=["rus"], created=4),
        "honglou_trad": make_record("紅樓夢", authors=["曹雪芹"], languages=["chi"], created=5),
        "honglou_simp": make_record("红楼梦", subtitle="校注本", languages=["chi"], created=6),
        "honglou_pinyin": make_record("Hong lou meng", languages=["chi"], created=7),
        "duong": make_record("Đường Kách Mệnh", languages=["vie"], created=8),
        "lodz": make_record("Łódź i okolice", languages=["pol"], created=9),
        "lodz_ukr": make_record("Лодзь", subtitle="історія міста", languages=["ukr"], created=10),
    }
    index_records(r.id for r in records.values())
    return records


def ids(records, *keys) -> set[int]:
    return {records[k].id for k in keys}


def test_ukrainian_luck_and_lutsk_find_each_other_the_same_script_first(scripts):
    assert found("Lutsk") == [scripts["lutsk_eng"].id, scripts["lutsk_ukr"].id]
    assert found("Луцьк") == [scripts["lutsk_ukr"].id, scripts["lutsk_eng"].id]


def test_russian_voina_i_mir_with_and_without_the_romanisation_marks(scripts):
    for typed in ("Voĭna i mir", "Voina i mir", '"voina i mir"'):
        assert found(typed) == [scripts["war_loc"].id, scripts["war_rus"].id], typed
    assert found("Война и мир") == [scripts["war_rus"].id, scripts["war_loc"].id]
    assert found("Tolstoi", field=Field.AUTHOR) == [scripts["war_loc"].id, scripts["war_rus"].id]


@pytest.mark.parametrize("typed", ["hongloumeng", "HongLouMeng"])
def test_chinese_pinyin_run_together_finds_the_characters(scripts, typed):
    assert set(found(typed)) == ids(scripts, "honglou_trad", "honglou_simp")


@pytest.mark.parametrize("typed", ["hóng lóu mèng", "hong lou meng", '"hong lou meng"'])
def test_chinese_pinyin_syllables_with_or_without_tones_find_the_characters_the_romanised_title_first(
    scripts, typed
):
    result = found(typed)
    assert result[0] == scripts["honglou_pinyin"].id
    assert set(result) == ids(scripts, "honglou_trad", "honglou_simp", "honglou_pinyin")


def test_traditional_and_simplified_characters_find_each_other_the_same_form_first(scripts):
    trad, simp, pinyin = scripts["honglou_trad"].id, scripts["honglou_simp"].id, scripts["honglou_pinyin"].id
    assert found("紅樓夢")[0] == trad and set(found("紅樓夢")) == {trad, simp, pinyin}
    assert found("红楼梦")[0] == simp and set(found("红楼梦")) == {trad, simp, pinyin}


def test_a_field_prefix_keeps_to_its_field_across_scripts(scripts):
    assert found("title:hongloumeng") and not found("author:hongloumeng")
    assert found("author:caoxueqin") == [scripts["honglou_trad"].id]


def test_vietnamese_with_and_without_diacritics(scripts):
    assert found("Đường Kách Mệnh") == [scripts["duong"].id]
    assert found("duong kach menh") == [scripts["duong"].id]


def test_polish_lodz_in_latin_and_in_cyrillic(scripts):
    assert found("Łódź") == [scripts["lodz"].id, scripts["lodz_ukr"].id]
    assert found("Lodz") == [scripts["lodz"].id, scripts["lodz_ukr"].id]
    assert found("Лодзь") == [scripts["lodz_ukr"].id, scripts["lodz"].id]


def test_cross_script_matching_can_be_switched_off(scripts):
    with override_settings(SEARCH_CROSS_SCRIPT=False):
        assert found("Lutsk") == [scripts["lutsk_eng"].id]
        assert found("Луцьк") == [scripts["lutsk_ukr"].id]
        assert found("hongloumeng") == []


def test_the_forms_survive_a_rebuild(scripts):
    rebuild()
    assert set(found("hongloumeng")) == ids(scripts, "honglou_trad", "honglou_simp")


def test_880_fields_are_found_with_the_field_they_are_linked_to(db):
    record = make_record(
        "Hong lou meng", authors=["Cao, Xueqin"], languages=["chi"],
        vernacular=[
            {"role": "title", "tag": "245", "text": "紅樓夢", "dir": "ltr", "linked": "Hong lou meng"},
            {"role": "author", "tag": "100", "text": "曹雪芹", "dir": "ltr", "linked": "Cao, Xueqin"},
        ],
    )
    arabic = make_record(
        "Qaḍāʼ al-usrah", languages=["ara"],
        vernacular=[{"role": "title", "tag": "245", "text": "قضاء الأسرة", "dir": "rtl", "linked": "Qaḍāʼ al-usrah"}],
    )
    index_records([record.id, arabic.id])
    assert found("title:紅樓夢") == [record.id]
    assert found("红楼梦") == [record.id]
    assert found("author:曹雪芹") == [record.id]
    assert found("title:قضاء") == [arabic.id]
    assert found("qada al-usrah") == [arabic.id]


def test_one_chinese_character_is_not_searched_by_its_syllable():
    assert query_forms("梦") == []
    assert query_forms("夢") == [("梦",)]

"""The normaliser alone: no database."""

from __future__ import annotations

import pytest

from bibliohub.text import normalize, query_units, sort_key, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đường Kách Mệnh", "duong kach menh"),
        ("ĐƯỜNG", "duong"),
        ("Łódź", "lodz"),
        ("ŁÓDŹ", "lodz"),
        ("Zażółć gęślą jaźń", "zazolc gesla jazn"),
        ("Ørsted", "orsted"),
        ("Æsop", "aesop"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Œuvre", "oeuvre"),
        ("Þórr", "thorr"),
        ("Iıİ", "iii"),
        ("Ærø", "aero"),
        ("Ðorđe", "dorde"),
        ("Ħamrun", "hamrun"),
        ("ﬁnance", "finance"),
        ("ＡＢＣ１２３", "abc123"),
        ("Café crème", "cafe creme"),
        ("Ελληνικά", "ελληνικα"),
        ("ΣΟΦΊΑ", "σοφια"),
        ("Київ", "киів"),
        ("Їжак", "іжак"),
        ("Йогурт", "иогурт"),
        ("שָׁלוֹם", "שלום"),
        ("Ёлка", "елка"),
    ],
)
def test_normalize_folds_case_and_removes_diacritics(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ", "`", "′", "‘", "＇"])
def test_every_apostrophe_becomes_one(apostrophe):
    assert normalize(f"Солом{apostrophe}янська") == "солом'янська"
    assert tokens(f"Солом{apostrophe}янська") == ["соломянська"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("War and Peace", ["war", "and", "peace"]),
        ("Napoleonic Wars, 1800-1815 -- Fiction.", ["napoleonic", "wars", "1800", "1815", "fiction"]),
        ("snake_case", ["snake", "case"]),
        ("O’Brien's", ["obriens"]),
        ("  ", []),
        ("!!!", []),
        ("हिन्दी पुस्तक", ["हिन्दी", "पुस्तक"]),
    ],
)
def test_words_are_split_on_spaces_and_punctuation(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("红", ["红"]),
        ("红楼", ["红楼", "红", "楼"]),
        ("红楼梦", ["红楼", "楼梦", "红", "楼", "梦"]),
        ("红楼梦：第一卷", ["红楼", "楼梦", "红", "楼", "梦", "第一", "一卷", "第", "一", "卷"]),
        ("ひらがな", ["ひら", "らが", "がな", "ひ", "ら", "が", "な"]),
        ("カタカナ", ["カタ", "タカ", "カナ", "カ", "タ", "カ", "ナ"]),
        ("한국어", ["한국", "국어", "한", "국", "어"]),
        ("Python编程", ["python", "编程", "编", "程"]),
        ("第3版", ["第", "3", "版"]),
        ("ＣＤ版", ["cd", "版"]),
    ],
)
def test_cjk_runs_become_bigrams_then_single_characters(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("红", [("红",)]),
        ("红楼", [("红楼",)]),
        ("红楼梦", [("红楼", "楼梦")]),
        ("红楼 梦", [("红楼",), ("梦",)]),
        ("duong kach", [("duong",), ("kach",)]),
        ("Python编程", [("python",), ("编程",)]),
        ("한국어", [("한국", "국어")]),
    ],
)
def test_query_units_ask_for_bigram_phrases_or_single_characters(text, expected):
    assert [u.tokens for u in query_units(text)] == expected


@pytest.mark.parametrize(
    "query",
    ["红", "楼", "梦", "红楼", "楼梦", "红楼梦"],
)
def test_every_query_unit_of_a_chinese_title_is_among_its_index_tokens(query):
    index = tokens("红楼梦")
    for unit in query_units(query):
        first = index.index(unit.tokens[0])
        # A phrase's bigrams must sit next to each other in the index.
        assert index[first : first + len(unit.tokens)] == list(unit.tokens)


@pytest.mark.parametrize(
    ("typed", "catalogued"),
    [
        ("duong kach menh", "Đường Kách Mệnh"),
        ("lodz", "Łódź"),
        ("Солом'янська", "Солом’янська"),
        ("соломянська", "Соломʼянська"),
        ("STRASSE", "Straße"),
        ("aesop", "Æsop"),
    ],
)
def test_what_a_reader_types_meets_what_was_catalogued(typed, catalogued):
    assert [u.tokens[0] for u in query_units(typed)] == tokens(catalogued)


def test_sort_key_sorts_letters_with_their_base_letter():
    assert sort_key("Łódź i okolice") < sort_key("Marzec") < sort_key("Żółw")
    assert sort_key("The   War!") == "the war"


def test_every_combining_mark_lies_in_a_plane_the_word_pattern_covers():
    import sys
    import unicodedata

    from bibliohub.text import _MARK_PLANES

    planes = {cp >> 16 for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)).startswith("M")}
    assert planes <= {plane >> 16 for plane in _MARK_PLANES}

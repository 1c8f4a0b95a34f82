"""The searchable fields taken from a MARC record: a pure function, many cases, no database."""

from __future__ import annotations

import pytest
from pymarc import Field, Indicators, Leader, Record, Subfield

from bibliohub.catalog.marc.extract import RecordFields, clean, extract_fields, normalise_isbn
from bibliohub.catalog.models import Record as RecordModel


def _record(leader: str = "00000nam a2200000 i 4500", fixed: str = "", fields=()) -> Record:
    record = Record()
    record.leader = Leader(leader)
    if fixed:
        record.fields.append(Field(tag="008", data=fixed))
    for tag, ind, subfields in fields:
        if tag < "010":
            record.fields.append(Field(tag=tag, data=subfields))
        else:
            record.fields.append(
                Field(tag=tag, indicators=Indicators(*ind), subfields=[Subfield(c, v) for c, v in subfields])
            )
    return record


def _fixed(date1: str = "2020", language: str = "eng", audience: str = " ") -> str:
    # 008 for books: 00-05 entered, 06 date type, 07-10 date 1, 22 audience, 35-37 language.
    value = list("240101s" + date1 + "    xxu" + " " * 28 + language + " d")
    value[22] = audience
    return "".join(value)


def test_record_fields_are_exactly_the_extracted_columns_of_the_model():
    model_fields = {f.name for f in RecordModel._meta.concrete_fields} - {"id", "marc", "created_at", "updated_at"}
    assert set(RecordFields.__dataclass_fields__) == model_fields


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("War and peace /", "War and peace"),
        ("Tolstoy, Leo,", "Tolstoy, Leo"),
        ("Moscow :", "Moscow"),
        ("Smith, J.", "Smith, J."),
        ("Taftsville, Vt.", "Taftsville, Vt."),
        ("Penguin Books,", "Penguin Books"),
        ("1999.", "1999"),
        ("and so on...", "and so on..."),
        ("Коваленко, Ірина.", "Коваленко, Ірина"),
        ("  spaced ;  ", "spaced"),
    ],
)
def test_trailing_isbd_punctuation_is_cleaned(raw, cleaned):
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "isbn13"),
    [
        ("0306406152", "9780306406157"),
        ("0-306-40615-2 (pbk.)", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        ("9791090636071", "9791090636071"),
        ("080442957X", "9780804429573"),
        ("0306406153", ""),  # wrong check digit
        ("9780306406158", ""),
        ("not an isbn", ""),
        ("", ""),
    ],
)
def test_isbns_are_validated_and_normalised_to_isbn13(raw, isbn13):
    assert normalise_isbn(raw) == isbn13


def test_title_subtitle_and_responsibility_come_from_245():
    fields = extract_fields(_record(fields=[
        ("245", ("1", "0"), [("a", "Kobzar :"), ("b", "poems /"), ("c", "Taras Shevchenko.")]),
    ]))
    assert (fields.title, fields.subtitle, fields.responsibility) == ("Kobzar", "poems", "Taras Shevchenko")


def test_245_number_and_name_of_part_belong_to_the_title():
    fields = extract_fields(_record(fields=[
        ("245", ("0", "0"), [("a", "Chronicles."), ("n", "Part 2,"), ("p", "The war years.")]),
    ]))
    assert fields.title == "Chronicles Part 2 The war years"


def test_authors_come_from_1xx_and_7xx_once_each_in_order():
    fields = extract_fields(_record(fields=[
        ("100", ("1", " "), [("a", "Shevchenko, Taras,"), ("d", "1814-1861.")]),
        ("110", ("2", " "), [("a", "Lutsk Central Library."), ("b", "Children's department.")]),
        ("700", ("1", " "), [("a", "Franko, Ivan,"), ("e", "editor.")]),
        ("711", ("2", " "), [("a", "Library Congress"), ("d", "(2024 :"), ("c", "Kyiv)")]),
        ("700", ("1", " "), [("a", "Shevchenko, Taras,"), ("d", "1814-1861.")]),
    ]))
    assert fields.authors == [
        "Shevchenko, Taras 1814-1861",
        "Lutsk Central Library Children's department",
        "Franko, Ivan",
        "Library Congress (2024 Kyiv)",
    ]


def test_subjects_join_their_subfields_with_double_dashes_and_leave_out_codes():
    fields = extract_fields(_record(fields=[
        ("650", (" ", "0"), [("a", "Libraries"), ("z", "Ukraine"), ("x", "History."), ("2", "lcsh")]),
        ("651", (" ", "7"), [("a", "Łódź (Poland)"), ("0", "(uri)x")]),
        ("650", (" ", "0"), [("a", "Libraries"), ("z", "Ukraine"), ("x", "History.")]),
    ]))
    assert fields.subjects == ["Libraries -- Ukraine -- History", "Łódź (Poland)"]


def test_isbns_from_020a_only_valid_ones_and_not_020z():
    fields = extract_fields(_record(fields=[
        ("020", (" ", " "), [("a", "0306406152 (hardback)"), ("q", "hardback")]),
        ("020", (" ", " "), [("a", "1234567890")]),
        ("020", (" ", " "), [("z", "9780804429573")]),
        ("020", (" ", " "), [("a", "978-0-306-40615-7")]),
    ]))
    assert fields.isbns == ["9780306406157"]


def test_issns_are_validated():
    fields = extract_fields(_record(fields=[
        ("022", (" ", " "), [("a", "0378-5955")]),
        ("022", (" ", " "), [("a", "0378-5954")]),
    ]))
    assert fields.issns == ["0378-5955"]


def test_publication_prefers_264_publication_over_copyright_and_260():
    fields = extract_fields(_record(fields=[
        ("260", (" ", " "), [("a", "Old place :"), ("b", "Old publisher,"), ("c", "1900.")]),
        ("264", (" ", "4"), [("c", "©2019")]),
        ("264", (" ", "1"), [("a", "Kyiv :"), ("b", "A-BA-BA-HA-LA-MA-HA,"), ("c", "2020.")]),
    ]))
    assert (fields.place, fields.publisher) == ("Kyiv", "A-BA-BA-HA-LA-MA-HA")


def test_260_is_used_when_there_is_no_264():
    fields = extract_fields(_record(fields=[
        ("260", (" ", " "), [("a", "[Warszawa] :"), ("b", "Czytelnik,"), ("c", "c1985.")]),
    ]))
    assert (fields.place, fields.publisher, fields.year) == ("Warszawa", "Czytelnik", 1985)


@pytest.mark.parametrize(
    ("date1", "statement", "year"),
    [
        ("2020", "1999", 2020),
        ("19uu", "[1955?]", 1955),
        ("    ", "c1985.", 1985),
        ("uuuu", "n.d.", None),
    ],
)
def test_year_comes_from_008_else_from_the_publication_date(date1, statement, year):
    fields = extract_fields(_record(fixed=_fixed(date1=date1), fields=[("264", (" ", "1"), [("c", statement)])]))
    assert fields.year == year


def test_languages_from_008_then_041_deduplicated_in_order():
    fields = extract_fields(_record(fixed=_fixed(language="ukr"), fields=[
        ("041", ("1", " "), [("a", "ukr"), ("a", "eng"), ("h", "rus"), ("d", "pol")]),
        ("041", ("0", " "), [("a", "engfre")]),
    ]))
    assert fields.languages == ["ukr", "eng", "pol", "fre"]


def test_blank_and_fill_language_codes_are_ignored():
    assert extract_fields(_record(fixed=_fixed(language="   "))).languages == []
    assert extract_fields(_record(fixed=_fixed(language="|||"))).languages == []


@pytest.mark.parametrize(
    ("leader", "physical", "expected"),
    [
        ("00000nam a2200000 i 4500", "", "book"),
        ("00000nas a2200000 i 4500", "", "serial"),
        ("00000nai a2200000 i 4500", "", "serial"),
        ("00000nam a2200000 i 4500", "cr", "eresource"),
        ("00000ntm a2200000 i 4500", "", "manuscript"),
        ("00000ncm a2200000 i 4500", "", "score"),
        ("00000nem a2200000 i 4500", "", "map"),
        ("00000ngm a2200000 i 4500", "", "video"),
        ("00000nim a2200000 i 4500", "", "audio"),
        ("00000njm a2200000 i 4500", "", "music"),
        ("00000nkm a2200000 i 4500", "", "visual"),
        ("00000nmm a2200000 i 4500", "", "eresource"),
        ("00000nom a2200000 i 4500", "", "kit"),
        ("00000npc a2200000 i 4500", "", "kit"),
        ("00000nrm a2200000 i 4500", "", "object"),
        ("00000nzm a2200000 i 4500", "", "other"),
    ],
)
def test_format_comes_from_leader_06_07_and_007(leader, physical, expected):
    fields = [("007", None, physical)] if physical else []
    assert extract_fields(_record(leader=leader, fields=fields)).format == expected


@pytest.mark.parametrize(
    ("leader", "code", "expected"),
    [
        ("00000nam a2200000 i 4500", "j", "children"),
        ("00000nam a2200000 i 4500", "a", "children"),
        ("00000nam a2200000 i 4500", "d", "young_adult"),
        ("00000nam a2200000 i 4500", "e", "adult"),
        ("00000nam a2200000 i 4500", "f", "specialised"),
        ("00000nam a2200000 i 4500", "g", "general"),
        ("00000nam a2200000 i 4500", " ", ""),
        ("00000njm a2200000 i 4500", "j", "children"),
        ("00000ngm a2200000 i 4500", "d", "young_adult"),
        # For maps and serials 008/22 means something else.
        ("00000nem a2200000 i 4500", "j", ""),
        ("00000nas a2200000 i 4500", "j", ""),
    ],
)
def test_audience_comes_from_008_22_where_the_record_type_defines_it(leader, code, expected):
    assert extract_fields(_record(leader=leader, fixed=_fixed(audience=code))).audience == expected


def test_series_summary_edition_and_control_number():
    fields = extract_fields(_record(fields=[
        ("001", None, " 12345 "),
        ("003", None, "UkKyNPL"),
        ("250", (" ", " "), [("a", "2nd ed.,"), ("b", "revised.")]),
        ("490", ("1", " "), [("a", "Library of Ukraine ;"), ("v", "12")]),
        ("830", (" ", "0"), [("a", "Library of Ukraine ;"), ("v", "no. 12.")]),
        ("520", (" ", " "), [("a", "First paragraph.")]),
        ("520", (" ", " "), [("a", "Second paragraph."), ("b", "More.")]),
    ]))
    assert fields.series == "Library of Ukraine ; 12"
    assert fields.summary == "First paragraph.\n\nSecond paragraph. More."
    assert fields.edition == "2nd ed. revised"
    assert (fields.control_number, fields.control_source) == ("12345", "UkKyNPL")


def test_series_falls_back_to_830_without_490():
    fields = extract_fields(_record(fields=[("830", (" ", "0"), [("a", "Dolphin picture books ;"), ("v", "585.")])]))
    assert fields.series == "Dolphin picture books ; 585"


def test_a_record_without_fields_gives_empty_values():
    fields = extract_fields(_record())
    assert fields == RecordFields(format="book")


def test_cjk_and_vietnamese_text_is_kept_as_it_is():
    fields = extract_fields(_record(fields=[
        ("245", ("1", "0"), [("a", "西游记 /"), ("c", "吴承恩.")]),
        ("100", ("1", " "), [("a", "Trần Văn Đức.")]),
    ]))
    assert (fields.title, fields.responsibility, fields.authors) == ("西游记", "吴承恩", ["Trần Văn Đức"])

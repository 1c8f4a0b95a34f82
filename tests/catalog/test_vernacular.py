"""880 fields (alternate graphic representation): read with the field they are linked to, kept
with the record through an import, found by search and shown on the catalogue's pages."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.extract import extract_fields
from bibliohub.catalog.marc.importer import import_marc
from bibliohub.catalog.models import Record
from bibliohub.history import Actor
from bibliohub.search.service import search
from bibliohub.search.types import Field as SearchField
from bibliohub.search.types import SearchQuery
from tests.catalog.marc_builders import make_record

IMPORTER = Actor.for_import(source="a.mrc")


def _field(tag: str, subfields: list[tuple[str, str]], indicators=(" ", " ")) -> Field:
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=[Subfield(c, v) for c, v in subfields])


def hong_lou_meng() -> pymarc.Record:
    """The Dream of the Red Chamber as a library that romanises its main fields catalogues it."""
    record = make_record(control="hlm1", title="Hong lou meng /")
    record.remove_fields("008")
    record.add_ordered_field(Field(tag="008", data="240101s1982    cc            000 1 chi d"))
    record.add_ordered_field(_field("100", [("6", "880-01"), ("a", "Cao, Xueqin,"), ("d", "approximately 1717-1763.")], ("1", " ")))
    record.remove_fields("245")
    record.add_ordered_field(_field("245", [("6", "880-02"), ("a", "Hong lou meng /"), ("c", "Cao Xueqin zhu.")], ("1", "0")))
    record.add_ordered_field(_field("650", [("6", "880-03"), ("a", "Xiao shuo.")], (" ", "7")))
    record.add_ordered_field(_field("880", [("6", "100-01/$1"), ("a", "曹雪芹,"), ("d", "approximately 1717-1763.")], ("1", " ")))
    record.add_ordered_field(_field("880", [("6", "245-02/$1"), ("a", "紅樓夢 /"), ("c", "曹雪芹著.")], ("1", "0")))
    record.add_ordered_field(_field("880", [("6", "650-03/$1"), ("a", "小說.")], (" ", "7")))
    record.add_ordered_field(_field("880", [("6", "260-00/$1"), ("a", "北京 :"), ("b", "人民文學出版社")]))
    return record


def test_880_fields_are_read_with_the_field_they_are_linked_to():
    fields = extract_fields(hong_lou_meng())
    assert fields.title == "Hong lou meng"
    assert fields.vernacular == [
        {"role": "author", "tag": "100", "text": "曹雪芹 approximately 1717-1763", "dir": "ltr", "linked": "Cao, Xueqin approximately 1717-1763"},
        {"role": "title", "tag": "245", "text": "紅樓夢", "dir": "ltr", "linked": "Hong lou meng"},
        {"role": "subject", "tag": "650", "text": "小說", "dir": "ltr", "linked": "Xiao shuo"},
        {"role": "other", "tag": "260", "text": "北京 人民文學出版社", "dir": "ltr", "linked": ""},
    ]


def test_arabic_880_fields_are_right_to_left(marc_data: Path):
    # A Library of Congress record from YAZ's test files (tests/data/marc/yaz/LICENSE).
    with open(marc_data / "yaz" / "xml2tmarc9.xml.marc", "rb") as f:
        record = next(iter(pymarc.MARCReader(f, to_unicode=True, force_utf8=True)))
    fields = extract_fields(record)
    title = next(v for v in fields.vernacular if v["tag"] == "245")
    assert title["text"] == "قضاء الأسرة : مجلة متخصصة"
    assert title["dir"] == "rtl" and "al-usrah : majallah" in title["linked"]
    assert {v["role"] for v in fields.vernacular} == {"title", "author", "other"}


@pytest.mark.django_db
def test_an_imported_record_is_found_by_its_880_title_and_shown_with_it(tmp_path, at, central, client):
    path = tmp_path / "a.mrc"
    path.write_bytes(iso2709.encode(hong_lou_meng()))
    import_marc([path], actor=IMPORTER, at=at)
    record = Record.objects.get(control_number="hlm1")
    assert [v["text"] for v in record.vernacular][:2] == ["曹雪芹 approximately 1717-1763", "紅樓夢"]

    for typed, field in (("紅樓夢", SearchField.ANY), ("红楼梦", SearchField.ANY), ("曹雪芹", SearchField.AUTHOR),
                         ("hongloumeng", SearchField.ANY), ("小说", SearchField.SUBJECT)):
        hits = search(SearchQuery(text=typed, field=field)).hits
        assert [h.record_id for h in hits] == [record.id], typed
    assert hits[0].vernacular == record.vernacular

    page = client.get("/search/", {"q": "紅樓夢"}).content.decode()
    assert 'lang="zh-Latn">Hong lou meng <span class="vernacular" lang="zh" dir="ltr">紅樓夢</span></a>' in page
    assert '<span class="authors vernacular" lang="zh" dir="ltr">曹雪芹' in page
    page = client.get(f"/record/{record.pk}/").content.decode()
    assert '<h1 id="record-title" lang="zh-Latn">Hong lou meng<span class="vernacular" lang="zh" dir="ltr">紅樓夢</span></h1>' in page
    assert 'lang="zh" dir="ltr">北京 人民文學出版社</li>' in page


@pytest.mark.django_db
def test_an_arabic_title_is_shown_right_to_left_with_the_language_of_the_record(client, db):
    from bibliohub.search.indexing import index_records
    from tests.search.conftest import make_record as make_row

    record = make_row(
        "Qaḍāʼ al-usrah", languages=["ara"],
        vernacular=[{"role": "title", "tag": "245", "text": "قضاء الأسرة", "dir": "rtl", "linked": "Qaḍāʼ al-usrah"}],
    )
    index_records([record.id])
    page = client.get("/search/", {"q": "قضاء الأسرة"}).content.decode()
    assert 'lang="ar-Latn">Qaḍāʼ al-usrah' in page
    assert '<span class="vernacular" lang="ar" dir="rtl">قضاء الأسرة</span>' in page


@pytest.mark.django_db
def test_the_staff_catalogue_shows_the_880_title_and_author_beside_the_romanised_ones(tmp_path, at, central, client, cataloguer):
    path = tmp_path / "a.mrc"
    path.write_bytes(iso2709.encode(hong_lou_meng()))
    import_marc([path], actor=IMPORTER, at=at)
    record = Record.objects.get(control_number="hlm1")
    client.force_login(cataloguer)

    page = client.get("/staff/catalogue/", {"q": "hongloumeng"}).content.decode()
    assert 'lang="zh-Latn">Hong lou meng</a> <span class="vernacular" lang="zh" dir="ltr">紅樓夢</span>' in page
    assert '<span class="vernacular" lang="zh" dir="ltr">曹雪芹 approximately 1717-1763</span>' in page

    page = client.get(f"/staff/catalogue/records/{record.pk}/").content.decode()
    assert '<h1><span lang="zh-Latn">Hong lou meng</span> <span class="vernacular" lang="zh" dir="ltr">紅樓夢</span></h1>' in page
    assert '<li class="vernacular" lang="zh" dir="ltr">小說</li>' in page
    assert 'lang="zh" dir="ltr">北京 人民文學出版社</li>' in page

"""Records and items for the OPAC and API tests, built the way the importer stores them: a real
ISO 2709 record in `marc` and the extracted fields beside it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import count

from django.utils import timezone
from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord

from bibliohub.catalog.models import Item, ItemStatus, ItemType, Record
from bibliohub.libraries.models import Branch

_barcodes = count(1)


def marc_bytes(
    *,
    title: str,
    subtitle: str,
    responsibility: str,
    authors: Sequence[str],
    subjects: Sequence[str],
    year: int | None,
    languages: Sequence[str],
    isbns: Sequence[str],
    publisher: str,
    place: str,
    summary: str,
) -> bytes:
    marc = MarcRecord(force_utf8=True)
    marc.leader = marc.leader[:5] + "nam" + marc.leader[8:9] + "a" + marc.leader[10:]
    lang = (languages[0] if languages else "und").ljust(3)[:3]
    date1 = f"{year:04d}" if year else "    "
    marc.add_field(Field(tag="001", data=f"t{next(_barcodes)}"))
    marc.add_field(Field(tag="008", data=f"240101s{date1}    xx            000 0 {lang} d"))
    for isbn in isbns:
        marc.add_field(
            Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn)])
        )
    if len(languages) > 1:
        marc.add_field(
            Field(
                tag="041",
                indicators=Indicators("0", " "),
                subfields=[Subfield("a", c) for c in languages],
            )
        )
    if authors:
        marc.add_field(
            Field(tag="100", indicators=Indicators("1", " "), subfields=[Subfield("a", authors[0])])
        )
    title_subfields = [Subfield("a", title)]
    if subtitle:
        title_subfields.append(Subfield("b", subtitle))
    if responsibility:
        title_subfields.append(Subfield("c", responsibility))
    marc.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=title_subfields))
    publication = [Subfield("a", place), Subfield("b", publisher)] if place or publisher else []
    if year:
        publication.append(Subfield("c", str(year)))
    if publication:
        marc.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=publication))
    if summary:
        marc.add_field(
            Field(tag="520", indicators=Indicators(" ", " "), subfields=[Subfield("a", summary)])
        )
    for subject in subjects:
        marc.add_field(
            Field(tag="650", indicators=Indicators(" ", "0"), subfields=[Subfield("a", subject)])
        )
    for author in authors[1:]:
        marc.add_field(
            Field(tag="700", indicators=Indicators("1", " "), subfields=[Subfield("a", author)])
        )
    return marc.as_marc()


def make_record(
    *,
    title: str,
    subtitle: str = "",
    responsibility: str = "",
    authors: Sequence[str] = (),
    subjects: Sequence[str] = (),
    year: int | None = None,
    languages: Sequence[str] = ("eng",),
    isbns: Sequence[str] = (),
    publisher: str = "",
    place: str = "",
    summary: str = "",
    series: str = "",
    edition: str = "",
    format: str = "book",
    audience: str = "",
    created_at: datetime | None = None,
) -> Record:
    at = created_at or timezone.now()
    return Record.objects.create(
        marc=marc_bytes(
            title=title,
            subtitle=subtitle,
            responsibility=responsibility,
            authors=authors,
            subjects=subjects,
            year=year,
            languages=languages,
            isbns=isbns,
            publisher=publisher,
            place=place,
            summary=summary,
        ),
        title=title,
        subtitle=subtitle,
        responsibility=responsibility,
        authors=list(authors),
        subjects=list(subjects),
        year=year,
        languages=list(languages),
        isbns=list(isbns),
        publisher=publisher,
        place=place,
        summary=summary,
        series=series,
        edition=edition,
        format=format,
        audience=audience,
        created_at=at,
        updated_at=at,
    )


def add_items(
    record: Record,
    branch: Branch,
    item_type: ItemType,
    statuses: Iterable[str] = (ItemStatus.AVAILABLE,),
    *,
    call_number: str = "",
) -> list[Item]:
    now = timezone.now()
    location = branch.locations.first()
    return [
        Item.objects.create(
            record=record,
            branch=branch,
            location=location,
            item_type=item_type,
            status=status,
            barcode=f"B{next(_barcodes):07d}",
            call_number=call_number,
            created_at=now,
            updated_at=now,
        )
        for status in statuses
    ]

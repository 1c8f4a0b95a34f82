"""Small MARC records built in code for the import and export tests."""

from __future__ import annotations

from pymarc import Field, Indicators, Leader, Record, Subfield


def make_record(
    *,
    control: str = "",
    source: str = "BH",
    title: str = "A history of the river",
    isbn: str = "",
    items: list[dict[str, str]] = (),  # type: ignore[assignment]
    extra: list[Field] = (),  # type: ignore[assignment]
) -> Record:
    """A small UTF-8 book record; `items` become 952 fields ({"p": barcode, "a": branch...})."""
    record = Record()
    record.leader = Leader("00000nam a2200000 i 4500")
    fields: list[Field] = []
    if control:
        fields.append(Field(tag="001", data=control))
        if source:
            fields.append(Field(tag="003", data=source))
    fields.append(Field(tag="008", data="240101s2020    xxu           000 0 eng d"))
    if isbn:
        fields.append(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn)]))
    fields.append(
        Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)])
    )
    fields.extend(extra)
    for item in items:
        fields.append(
            Field(tag="952", indicators=Indicators(" ", " "), subfields=[Subfield(k, v) for k, v in item.items()])
        )
    record.fields = fields
    return record

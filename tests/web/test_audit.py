"""The audit log: staff read the history within their branches and role, filter it and take
it away as a spreadsheet."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.history.services import record
from bibliohub.libraries.kinds import EXCEPTION_ADDED, HOURS_SET

KYIV = ZoneInfo("Europe/Kyiv")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=KYIV)


@pytest.fixture
def history(central, riverside, network, manager, central_librarian, riverside_librarian):
    """Entries at both branches, one for the whole network, one of the catalogue."""
    record(
        HOURS_SET,
        at=at(2),
        actor=Actor.for_staff(central_librarian),
        branch=central,
        detail={"week": "a"},
    )
    record(HOURS_SET, at=at(3), actor=Actor.for_staff(riverside_librarian), branch=riverside)
    record(
        EXCEPTION_ADDED,
        at=at(4),
        actor=Actor.for_staff(manager, channel=Channel.ADMIN),
        network=network.pk,
        detail={"reason": "=HYPERLINK(1)"},
    )
    Entry.objects.create(
        at=at(5),
        day=at(5).date(),
        network_id=network.pk,
        domain="catalog",
        kind="record_created",
        channel=Channel.IMPORT,
        actor="import",
        source="new.mrc",
    )


def _page(client, user, url="staff:history:all", args=(), **params):
    client.force_login(user)
    response = client.get(reverse(url, args=args), params)
    assert response.status_code == 200
    return response


def _kinds(response) -> list[str]:
    return [cells[1][1] for _entry, cells in response.context["rows"]]


def test_a_branch_librarian_reads_only_her_branchs_history(client, history, central_librarian):
    response = _page(client, central_librarian)
    entries = [entry for entry, _cells in response.context["rows"]]
    assert [e.kind for e in entries] == ["hours_set"]
    assert entries[0].branch_id == central_librarian.branches.get().pk


def test_a_network_manager_reads_everything_newest_first(client, history, manager):
    response = _page(client, manager)
    assert [e.kind for e, _c in response.context["rows"]] == [
        "record_created",
        "exception_added",
        "hours_set",
        "hours_set",
    ]
    html = response.content.decode()
    assert "Regular hours changed" in html and "Administration" in html


def test_a_cataloguer_reads_the_catalogues_history_everywhere(client, history, cataloguer):
    response = _page(client, cataloguer)
    assert [e.kind for e, _c in response.context["rows"]] == ["record_created"]


def test_filters_narrow_by_kind_channel_dates_and_branch(client, history, manager, riverside):
    assert (
        _kinds(_page(client, manager, kind="libraries.hours_set")) == ["Regular hours changed"] * 2
    )
    assert len(_page(client, manager, kind="libraries.").context["rows"]) == 3
    assert [e.kind for e, _c in _page(client, manager, channel="admin").context["rows"]] == [
        "exception_added"
    ]
    assert len(_page(client, manager, since="2026-11-03", until="2026-11-04").context["rows"]) == 2
    assert len(_page(client, manager, branch=riverside.pk).context["rows"]) == 1
    refused = _page(client, manager, since="2026-11-05", until="2026-11-01")
    assert "The end comes before the start." in refused.content.decode()


def test_a_branchs_timeline_and_a_staff_members(
    client, history, manager, riverside, riverside_librarian
):
    response = _page(client, manager, "staff:history:branch", [riverside.code])
    assert len(response.context["rows"]) == 1
    response = _page(client, manager, "staff:history:staff_member", [riverside_librarian.pk])
    assert [e.staff_id for e, _c in response.context["rows"]] == [riverside_librarian.pk]


def test_the_history_downloads_as_csv_and_xlsx_with_formulas_kept_as_text(client, history, manager):
    client.force_login(manager)
    csv = client.get(reverse("staff:history:all"), {"format": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("When,What happened,Branch")
    assert "reason: =HYPERLINK(1)" in text
    xlsx = client.get(reverse("staff:history:all"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    assert all(not str(cell).startswith("=") for row in rows for cell in row if cell)


def test_a_page_costs_the_same_queries_whatever_it_shows(
    client, history, manager, central, django_assert_max_num_queries
):
    client.force_login(manager)
    client.get(reverse("staff:history:all"))
    for day in range(6, 26):
        record(HOURS_SET, at=at(day), actor=Actor.for_staff(manager), branch=central)
    with django_assert_max_num_queries(14):
        client.get(reverse("staff:history:all"))


def test_paging_goes_on_without_counting_the_whole_history(client, manager, central):
    for minute in range(55):
        record(
            HOURS_SET,
            at=datetime(2026, 11, 1, 9, minute, tzinfo=KYIV),
            actor=Actor.for_staff(manager),
            branch=central,
        )
    first = _page(client, manager)
    assert first.context["page"].has_next and len(first.context["rows"]) == 50
    second = _page(client, manager, page=2)
    assert not second.context["page"].has_next and len(second.context["rows"]) == 5


def test_spreadsheet_cells_that_would_run_as_formulas_stay_text():
    from bibliohub.web.spreadsheets import Table, to_csv, to_xlsx

    table = Table("Test", ["A", "B"], lambda row: row)
    text = to_csv(table, [["=1+1", "@SUM(A1)"], ["-2", 3]]).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["'=1+1,'@SUM(A1)", "'-2,3"]
    sheet = load_workbook(io.BytesIO(to_xlsx(table, [["=1+1", 5]]))).active
    assert list(sheet.iter_rows(values_only=True))[1] == ("'=1+1", 5)


def test_a_title_a_copy_and_a_branch_link_to_their_history(client, manager, central, book_type):
    from bibliohub.catalog.models import Item, Record

    record_ = Record.objects.create(marc=b"", title="Kobzar", created_at=at(1), updated_at=at(1))
    item = Item.objects.create(
        record=record_,
        barcode="B1",
        branch=central,
        item_type=book_type,
        created_at=at(1),
        updated_at=at(1),
    )
    client.force_login(manager)
    pages = {
        reverse("staff:catalog:record", args=[record_.pk]): reverse(
            "staff:history:title", args=[record_.pk]
        ),
        reverse("staff:catalog:item_edit", args=[item.pk]): reverse(
            "staff:history:copy", args=[item.pk]
        ),
        reverse("staff:libraries:branch", args=[central.code]): reverse(
            "staff:history:branch", args=[central.code]
        ),
    }
    for page, history_url in pages.items():
        assert f'href="{history_url}"' in client.get(page).content.decode(), page

"""The catalogue events that came before the history are moved into it, every one, with the
channel and actor inferred from what wrote them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bibliohub.catalog.models import Item, Record

BEFORE = [("catalog", "0002_record_newest")]
AFTER = [("catalog", "0003_move_events_to_history")]
IMPORTED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EDITED = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_every_catalogue_event_becomes_a_history_entry_with_its_channel(
    network, central, cataloguer, book_type
):
    # The other tables are as they are now: only the old event table comes back.
    record = Record.objects.create(
        marc=b"",
        title="Kobzar",
        languages=["ukr", "eng"],
        format="book",
        audience="children",
        created_at=IMPORTED,
        updated_at=EDITED,
    )
    item = Item.objects.create(
        record=record,
        barcode="B1",
        branch=central,
        item_type=book_type,
        created_at=EDITED,
        updated_at=EDITED,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Event = old.get_model("catalog", "CatalogEvent")
        common = {"record_id_value": record.pk}
        Event.objects.create(
            kind="record_created", at=IMPORTED, branch_id=central.pk, detail={}, **common
        )
        Event.objects.create(
            kind="record_updated",
            at=IMPORTED,
            branch_id=central.pk,
            detail={"source": "import"},
            **common,
        )
        Event.objects.create(
            kind="import",
            at=IMPORTED,
            branch_id=central.pk,
            detail={"read": 2, "created": 1, "files": ["/home/olena/new books.mrc"]},
        )
        Event.objects.create(
            kind="record_updated",
            at=EDITED,
            staff_id=cataloguer.pk,
            detail={"changed": ["title"]},
            **common,
        )
        Event.objects.create(
            kind="item_added",
            at=EDITED,
            staff_id=cataloguer.pk,
            branch_id=central.pk,
            item_id_value=item.pk,
            detail={"barcode": "B1"},
            **common,
        )
        # Withdrawn by a member of staff whose account has since been deleted.
        Event.objects.create(
            kind="item_withdrawn",
            at=EDITED,
            branch_id=central.pk,
            item_id_value=item.pk,
            detail={
                "barcode": "B1",
                "reason": "Soaked by Ms Kovalenko",
                "previous_status": "available",
            },
            **common,
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        Entry = executor.loader.project_state(AFTER).apps.get_model("history", "Entry")
        entries = list(Entry.objects.filter(domain="catalog").order_by("pk"))
        assert [(e.kind, e.channel, e.actor, e.staff_id, e.source) for e in entries] == [
            ("record_created", "import", "import", None, "new books.mrc"),
            ("record_updated", "import", "import", None, "new books.mrc"),
            ("import", "import", "import", None, "new books.mrc"),
            ("record_updated", "desk", "staff", cataloguer.pk, ""),
            ("item_added", "desk", "staff", cataloguer.pk, ""),
            ("item_withdrawn", "desk", "system", None, ""),
        ]
        added = entries[4]
        assert (added.at, added.day, added.network_id, added.branch_id) == (
            EDITED,
            EDITED.date(),
            network.pk,
            central.pk,
        )
        assert (added.record_id, added.item_id, added.item_type_id) == (
            record.pk,
            item.pk,
            book_type.pk,
        )
        assert (added.language, added.format, added.audience) == ("ukr", "book", "children")
        assert added.detail == {"barcode": "B1"}
        assert entries[3].detail == {"changed": ["title"]} and entries[3].network_id is None
        assert entries[2].detail == {"read": 2, "created": 1, "files": ["new books.mrc"]}
        # The reason was typed by a person: it stays on the copy, not in the history.
        assert entries[5].detail == {"barcode": "B1", "previous_status": "available"}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

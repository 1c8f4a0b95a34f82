"""The catalogue events move into the one history (bibliohub.history), then their table goes.
Every row is kept: what happened to which title or copy, when, where and by whom.

The old rows did not say through which channel; it is inferred from what each kind was
written by. Imports, and the records an import created or updated (the importer wrote
those with an empty detail or {"source": "import"}), are the import channel, with the
staff member who uploaded the file where there was one and the names of the files the
import's own row lists (every row of one import has its moment); everything else (records
edited with {"source": "staff"} or the changed fields, copies added, changed or withdrawn)
was written by the staff screens: the desk channel, the staff member or, where the account
is gone, the system. The network is the branch's. Old rows knew nothing of item types or
of the title's language, format and audience: they are taken from the copy and the title
as they are now, the nearest the data allows. The detail stays as it was, but for the
reason a copy was withdrawn, which is free text (it stays on the copy), and the paths of
imported files, of which the names are kept."""

import os

from django.db import migrations

from bibliohub.history.legacy import LegacyCopier


def copy_to_history(apps, schema_editor):
    copier = LegacyCopier(apps, domain="catalog")
    CatalogEvent = apps.get_model("catalog", "CatalogEvent")
    Branch = apps.get_model("libraries", "Branch")
    Item = apps.get_model("catalog", "Item")
    Record = apps.get_model("catalog", "Record")
    networks = dict(Branch.objects.values_list("id", "network_id"))
    files = {
        at: [os.path.basename(str(f)) for f in (detail or {}).get("files", [])]
        for at, detail in CatalogEvent.objects.filter(kind="import").values_list("at", "detail")
    }
    chunk = []
    for event in CatalogEvent.objects.order_by("pk").iterator(chunk_size=2000):
        chunk.append(event)
        if len(chunk) == 2000:
            _copy(chunk, copier, networks, files, Item, Record)
            chunk = []
    _copy(chunk, copier, networks, files, Item, Record)
    copier.flush()


def _copy(events, copier, networks, files, Item, Record):
    item_types = dict(
        Item.objects.filter(
            pk__in={e.item_id_value for e in events if e.item_id_value}
        ).values_list("id", "item_type_id")
    )
    titles = {
        pk: ((languages[0] if languages else "")[:8], format, audience)
        for pk, languages, format, audience in Record.objects.filter(
            pk__in={e.record_id_value for e in events if e.record_id_value}
        ).values_list("id", "languages", "format", "audience")
    }
    for event in events:
        detail = dict(event.detail or {})
        imported = (
            event.kind == "import"
            or detail.get("source") == "import"
            or (event.kind == "record_created" and "source" not in detail)
        )
        if event.kind == "item_withdrawn":
            detail.pop("reason", None)
        if event.kind == "import" and "files" in detail:
            detail["files"] = files[event.at]
        language, format, audience = titles.get(event.record_id_value, ("", "", ""))
        copier.add(
            kind=event.kind,
            at=event.at,
            channel="import" if imported else "desk",
            actor="import" if imported else ("staff" if event.staff_id else "system"),
            network_id=networks.get(event.branch_id),
            branch_id=event.branch_id,
            staff_id=event.staff_id,
            source=", ".join(files.get(event.at, [])) if imported else "",
            record_id=event.record_id_value,
            item_id=event.item_id_value,
            item_type_id=item_types.get(event.item_id_value),
            language=language,
            format=format,
            audience=audience,
            detail=detail,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_record_newest"),
        ("history", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="CatalogEvent"),
    ]

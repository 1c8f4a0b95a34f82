"""Read the 880 fields (alternate graphic representation) of the records catalogued before
they were kept: the new `vernacular` column starts empty for every existing record, and only a
record with an 880 field has anything to fill. The search index picks the texts up at the next
`bibliohub reindex` (search migration 0006 says so too)."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    from bibliohub.catalog.marc import iso2709
    from bibliohub.catalog.marc.extract import _romanised_links, vernacular_fields

    Record = apps.get_model("catalog", "Record")
    last = 0
    while True:
        rows = list(Record.objects.filter(pk__gt=last).order_by("pk").only("pk", "marc")[:BATCH])
        if not rows:
            return
        last = rows[-1].pk
        changed = []
        for row in rows:
            data = bytes(row.marc or b"")
            if b"880" not in data:  # cheap: a record with an 880 field has it in its directory
                continue
            try:
                record, _repairs = iso2709.decode(data)
            except Exception:  # a record the importer kept despite damage: leave it as it is
                continue
            found = vernacular_fields(record, _romanised_links(record))
            if found:
                row.vernacular = found
                changed.append(row)
        if changed:
            Record.objects.bulk_update(changed, ["vernacular"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_record_vernacular")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

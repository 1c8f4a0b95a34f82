"""The library events move into the one history (bibliohub.history), then their table goes.
Every row is kept: who changed which branch's hours, when, and what."""

from django.db import migrations

from bibliohub.history.legacy import LegacyCopier


def copy_to_history(apps, schema_editor):
    copier = LegacyCopier(apps, domain="libraries")
    LibraryEvent = apps.get_model("libraries", "LibraryEvent")
    for event in LibraryEvent.objects.order_by("pk").iterator(chunk_size=2000):
        copier.add(
            kind=event.kind,
            at=event.at,
            # Changes to the calendar were only ever made on the staff screens.
            channel="desk",
            actor="staff" if event.staff_id else "system",
            network_id=event.network_id,
            branch_id=event.branch_id,
            staff_id=event.staff_id,
            detail=event.detail,
        )
    copier.flush()


class Migration(migrations.Migration):
    dependencies = [
        ("libraries", "0002_library_event"),
        ("history", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="LibraryEvent"),
    ]

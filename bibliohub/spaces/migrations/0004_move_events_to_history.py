"""The booking events move into the one history (bibliohub.history), then their table goes.
Every row is kept, with its kind, moment, branch, member of staff, patron and minutes.

Who acted and through which channel, as the rows allow:
- a member of staff on the row: the staff screens (desk);
- otherwise a release or a reminder: the scheduled job "rooms";
- otherwise a patron on the row: the patron, online (the OPAC was the only other way to
  book or cancel);
- otherwise (an event's room booked by the programmes app without a member of staff, the
  demo): the installation itself.

The booking's minutes become the entry's amount; a refusal, which had no booking, gets the
minutes it asked for from its start and end. A refusal's reasons move from the detail to
the entry's reasons; the note given when declining (free text) is not copied: it stays on
the booking. A patron still linked gives the entry their category, age on that day and
pseudonym."""

from datetime import datetime
from decimal import Decimal

from django.db import migrations

from bibliohub.history.legacy import LegacyCopier

BOOKING_KINDS = {
    "booked", "requested", "approved", "declined", "moved", "cancelled", "checked_in",
    "returned", "released", "reminded", "refused",
}


def _asked_minutes(detail):
    try:
        start = datetime.fromisoformat(detail["start"])
        end = datetime.fromisoformat(detail["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return Decimal(int((end - start).total_seconds() // 60)) if end > start else None


def copy_to_history(apps, schema_editor):
    copier = LegacyCopier(apps, domain="spaces")
    BookingEvent = apps.get_model("spaces", "BookingEvent")
    Branch = apps.get_model("libraries", "Branch")
    Patron = apps.get_model("patrons", "Patron")
    networks = dict(Branch.objects.values_list("pk", "network_id"))
    patrons = {}
    rows = BookingEvent.objects.order_by("pk")
    for event in rows.iterator(chunk_size=2000):
        detail = dict(event.detail or {})
        reasons = detail.pop("reasons", None) or []
        if event.kind == "declined":
            detail.pop("note", None)
        if event.staff_id:
            channel, actor, source = "desk", "staff", ""
        elif event.kind in {"released", "reminded"}:
            channel, actor, source = "job", "job", "rooms"
        elif event.patron_id:
            channel, actor, source = "online", "patron", ""
        else:
            channel, actor, source = "admin", "system", ""
        patron = None
        if event.patron_id:
            if event.patron_id not in patrons:
                patrons[event.patron_id] = (
                    Patron.objects.filter(pk=event.patron_id)
                    .values("network_id", "category_id", "date_of_birth")
                    .first()
                )
            patron = patrons[event.patron_id]
        amount = None
        if event.kind in BOOKING_KINDS:
            amount = Decimal(event.minutes) if event.minutes else _asked_minutes(detail)
        if event.booking_id:
            object_type, object_id = "spaces.booking", event.booking_id
        elif event.resource_id:
            object_type, object_id = "spaces.resource", event.resource_id
        else:
            object_type, object_id = "", None
        network_id = networks.get(event.branch_id)
        if network_id is None and patron is not None:
            network_id = patron["network_id"]
        copier.add(
            kind=event.kind,
            at=event.at,
            channel=channel,
            actor=actor,
            source=source,
            network_id=network_id,
            branch_id=event.branch_id,
            staff_id=event.staff_id,
            patron_id=event.patron_id if patron is not None else None,
            birth=patron["date_of_birth"] if patron is not None else None,
            category_id=patron["category_id"] if patron is not None else None,
            object_type=object_type,
            object_id=object_id,
            amount=amount,
            reasons=reasons,
            detail=detail,
        )
    copier.flush()


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_setup_events"),
        ("history", "0001_initial"),
        ("patrons", "0004_patron_pin_and_notices"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="BookingEvent"),
    ]

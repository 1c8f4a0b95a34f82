"""The registration and attendance events move into the one history (bibliohub.history), then
their tables go. Every row is kept, with its kind, moment, branch, member of staff and
patron, and each entry gets the programme's audience and format as the event has them.

Who acted and through which channel, as the rows allow:
- a member of staff on the row: the staff screens (desk);
- a reminder: the scheduled job "event_reminders";
- a promotion from the waiting list: whoever made the cancellation at the same moment for
  the same event (it freed the place), else the staff screens, where places are added;
- a registration, a place on the waiting list or a cancellation without a member of staff:
  online, by the patron when the registration is for a patron, else by a guest;
- anything else without a member of staff (attendance, no-shows, a date cancelled, all
  taken on the staff screens; the demo): the staff screens, by the installation itself.

Registration entries name the registration and, in their detail, the date ("occurrence");
attendance entries name the date and, in their detail, the registration. A patron still
linked gives the entry their category, age on that day and pseudonym; the age band as
recorded is kept only where no age is known (a guest, a walk-in count, a patron without a
date of birth). A walk-in row's count, and an undone check-in's -1, become the entry's
quantity; closing the attendance counts 1."""

from django.db import migrations

from bibliohub.history.legacy import LegacyCopier

AUDIENCES = ("0-5", "6-11", "12-18", "19+")


def _audience(bands):
    if "all" in bands:
        return "all"
    return ",".join(b for b in AUDIENCES if b in bands)


class _People:
    """The patrons rows name, read once each."""

    def __init__(self, apps):
        self.model = apps.get_model("patrons", "Patron")
        self.found = {}

    def get(self, patron_id):
        if patron_id is None:
            return None
        if patron_id not in self.found:
            self.found[patron_id] = (
                self.model.objects.filter(pk=patron_id)
                .values("network_id", "category_id", "date_of_birth")
                .first()
            )
        return self.found[patron_id]


def copy_to_history(apps, schema_editor):
    copier = LegacyCopier(apps, domain="programs")
    Branch = apps.get_model("libraries", "Branch")
    Event = apps.get_model("programs", "Event")
    EventAudience = apps.get_model("programs", "EventAudience")
    RegistrationEvent = apps.get_model("programs", "RegistrationEvent")
    AttendanceEvent = apps.get_model("programs", "AttendanceEvent")
    networks = dict(Branch.objects.values_list("pk", "network_id"))
    formats = dict(Event.objects.values_list("pk", "format"))
    bands = {}
    for event_id, band in EventAudience.objects.values_list("event_id", "band"):
        bands.setdefault(event_id, set()).add(band)
    audiences = {event_id: _audience(found) for event_id, found in bands.items()}
    people = _People(apps)

    def add(row, *, kind, channel, actor, source="", patron_id, age_band, **fields):
        patron = people.get(patron_id)
        network_id = networks.get(row["branch_id"])
        if network_id is None and patron is not None:
            network_id = patron["network_id"]
        known_age = patron is not None and patron["date_of_birth"] is not None
        copier.add(
            kind=kind,
            at=row["at"],
            channel=channel,
            actor=actor,
            source=source,
            network_id=network_id,
            branch_id=row["branch_id"],
            staff_id=row["staff_id"],
            patron_id=patron_id if patron is not None else None,
            birth=patron["date_of_birth"] if patron is not None else None,
            category_id=patron["category_id"] if patron is not None else None,
            age_band="" if known_age else age_band,
            **fields,
        )

    # Who made the cancellation at a moment, by event: a promotion at the same moment
    # followed from it.
    cancellations = {}
    registrations = RegistrationEvent.objects.order_by("pk").values(
        "kind", "at", "branch_id", "staff_id", "patron_id", "age_band", "detail", "event_id",
        "occurrence_id", "registration_id", "registration__patron_id",
        "registration__registered_by_id",
    )
    for row in registrations.iterator(chunk_size=2000):
        detail = dict(row["detail"] or {})
        for_patron = row["registration__patron_id"] or row["registration__registered_by_id"]
        if row["staff_id"]:
            channel, actor, source = "desk", "staff", ""
        elif row["kind"] == "reminded":
            channel, actor, source = "job", "job", "event_reminders"
        elif row["kind"] == "promoted":
            channel, actor, source = cancellations.get(
                (row["event_id"], row["at"]), ("desk", "system", "")
            )
        elif row["kind"] in {"registered", "waitlisted"} or (
            row["kind"] == "cancelled" and not detail.get("date_cancelled")
        ):
            channel, actor, source = "online", "patron" if for_patron else "public", ""
        else:
            channel, actor, source = "desk", "system", ""
        if row["kind"] == "cancelled":
            cancellations[(row["event_id"], row["at"])] = (channel, actor, source)
        add(
            row,
            kind=row["kind"],
            channel=channel,
            actor=actor,
            source=source,
            patron_id=row["patron_id"],
            age_band=row["age_band"],
            audience=audiences.get(row["event_id"], ""),
            format=formats.get(row["event_id"], ""),
            object_type="programs.registration",
            object_id=row["registration_id"],
            detail={"occurrence": row["occurrence_id"], **detail},
        )

    attendance = AttendanceEvent.objects.order_by("pk").values(
        "kind", "at", "branch_id", "staff_id", "age_band", "count", "occurrence_id",
        "occurrence__event_id", "registration_id", "registration__patron_id",
    )
    for row in attendance.iterator(chunk_size=2000):
        event_id = row["occurrence__event_id"]
        add(
            row,
            kind=row["kind"],
            channel="desk",
            actor="staff" if row["staff_id"] else "system",
            patron_id=row["registration__patron_id"],
            age_band=row["age_band"],
            audience=audiences.get(event_id, ""),
            format=formats.get(event_id, ""),
            object_type="programs.occurrence",
            object_id=row["occurrence_id"],
            quantity=1 if row["kind"] == "closed" else row["count"],
            detail={"registration": row["registration_id"]} if row["registration_id"] else {},
        )
    copier.flush()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_event_partners"),
        ("history", "0001_initial"),
        ("patrons", "0004_patron_pin_and_notices"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="RegistrationEvent"),
        migrations.DeleteModel(name="AttendanceEvent"),
    ]

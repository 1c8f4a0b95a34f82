"""The patron events move into the one history (bibliohub.history), then their table goes.
Every row is kept with what it said: the kind, when, at which branch, by which member of
staff, about which patron (unless erased since), the patron's category and the detail.

The channel and the actor are inferred from what a row holds:

- A member of staff is named: the staff screens (desk). Except registrations of which one
  member of staff made several at the same instant at the same branch: a CSV import
  registers every row of its file at one time, a person at a desk cannot, so those are the
  import channel, run by that member of staff.
- No member of staff:
  - a registration: the command-line CSV import, the only way to register without one;
  - an online registration: someone not signed in, on the portal (online, public), or,
    when the person registered has a guardian, that guardian signed in (online, patron);
  - a PIN set, a reading-history choice, changed details, a data export: the patron in the
    portal (online, patron); a PIN set with the set-pin command cannot be told apart;
  - a confirmation, a card renewal, a block, a lifted block, an erasure: only staff do
    these, so a member of staff whose account has been deleted since (desk, staff).

The network is the branch's, else the patron's (unknown for a row without a branch about a
patron erased since). The age is the patron's on the row's day, from the date of birth of
patrons not erased; where no age is known, the row's age band (that of the patron's
category at the time) is kept, except "any", which says nothing. A block or a lifted block
names its block as the entry's object ("patrons.block").
"""

from django.db import migrations
from django.db.models import Count

from bibliohub.history.legacy import LegacyCopier

# Kinds only the patron does without a member of staff (in the portal).
_BY_THE_PATRON = {
    "pin_set",
    "reading_history_on",
    "reading_history_off",
    "details_changed",
    "data_exported",
}


def _channel_and_actor(event, patron, imports):
    if event.kind == "registered" and (event.at, event.staff_id, event.branch_id) in imports:
        return "import", "import"
    if event.staff_id is not None:
        return "desk", "staff"
    if event.kind == "registered":
        return "import", "import"
    if event.kind == "self_registered":
        guardian = patron is not None and patron.guardian_id is not None
        return "online", "patron" if guardian else "public"
    if event.kind in _BY_THE_PATRON:
        return "online", "patron"
    return "desk", "staff"


def copy_to_history(apps, schema_editor):
    PatronEvent = apps.get_model("patrons", "PatronEvent")
    Branch = apps.get_model("libraries", "Branch")
    networks = dict(Branch.objects.values_list("pk", "network_id"))
    imports = {
        (row["at"], row["staff_id"], row["branch_id"])
        for row in PatronEvent.objects.filter(kind="registered", staff__isnull=False)
        .values("at", "staff_id", "branch_id")
        .annotate(n=Count("pk"))
        .order_by()
        if row["n"] > 1
    }
    copier = LegacyCopier(apps, domain="patrons")
    events = PatronEvent.objects.select_related("patron").order_by("pk")
    for event in events.iterator(chunk_size=2000):
        patron = event.patron
        channel, actor = _channel_and_actor(event, patron, imports)
        birth = patron.date_of_birth if patron is not None else None
        network_id = networks.get(event.branch_id) if event.branch_id is not None else None
        if network_id is None and patron is not None:
            network_id = patron.network_id
        block = (event.detail or {}).get("block")
        copier.add(
            kind=event.kind,
            at=event.at,
            channel=channel,
            actor=actor,
            network_id=network_id,
            branch_id=event.branch_id,
            staff_id=event.staff_id,
            patron_id=event.patron_id,
            birth=birth,
            category_id=event.category_id,
            age_band="" if birth is not None or event.age_band == "any" else event.age_band,
            object_type="patrons.block" if block is not None else "",
            object_id=block,
            detail=event.detail,
        )
    copier.flush()


class Migration(migrations.Migration):
    dependencies = [
        ("patrons", "0004_patron_pin_and_notices"),
        ("history", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="PatronEvent"),
    ]

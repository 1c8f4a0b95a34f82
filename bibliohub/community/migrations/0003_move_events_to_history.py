"""The community events move into the one history (bibliohub.history), then their table goes.
Every row is kept, with its kind, moment, network, branch and member of staff.

Who acted and through which channel, as the rows allow:
- a member of staff on the row: the staff screens (desk);
- a mentoring request without one: online, by the patron it names when it names one (the
  request says so), else by someone not signed in;
- anything else without one (the demo, set-up scripts): the installation itself.

Each entry names what it was about: the partner, else the volunteer, else the mentoring
request, mentor, shift or career link its detail gave. An entry about a volunteer with a
card, or a patron's mentoring request, is about that patron (their category, age and
pseudonym). Volunteer minutes become the entry's amount in hours; a joint activity's value
becomes its amount, in its currency.

What named a person or was typed by one is not copied from the details, since entries
outlive erasure: a contact's name, a partner's name, an agreement's title, a career link's
address, and a volunteer's card number (kept only as whether they have a card). It all stays
on the rows themselves."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import migrations

from bibliohub.history.legacy import LegacyCopier

HOURS = {"hours_logged", "hours_confirmed", "hours_rejected"}
MENTORING = {"mentoring_requested", "mentoring_matched", "mentoring_logged", "mentoring_closed"}
PERSONAL = {
    "partner_saved": ("name",),
    "contact_saved": ("name",),
    "agreement_saved": ("title",),
    "resource_saved": ("url",),
}


def _decimal(value):
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def copy_to_history(apps, schema_editor):
    copier = LegacyCopier(apps, domain="community")
    CommunityEvent = apps.get_model("community", "CommunityEvent")
    Volunteer = apps.get_model("community", "Volunteer")
    MentoringRequest = apps.get_model("community", "MentoringRequest")
    Patron = apps.get_model("patrons", "Patron")
    volunteer_patrons = dict(
        Volunteer.objects.filter(patron__isnull=False).values_list("pk", "patron_id")
    )
    request_patrons = dict(
        MentoringRequest.objects.filter(patron__isnull=False).values_list("pk", "patron_id")
    )
    patrons = {}

    def patron_facts(patron_id):
        if patron_id is None:
            return None
        if patron_id not in patrons:
            patrons[patron_id] = (
                Patron.objects.filter(pk=patron_id)
                .values("pk", "category_id", "date_of_birth")
                .first()
            )
        return patrons[patron_id]

    for event in CommunityEvent.objects.order_by("pk").iterator(chunk_size=2000):
        kind = event.kind
        detail = dict(event.detail or {})
        for key in PERSONAL.get(kind, ()):
            detail.pop(key, None)
        if kind == "volunteer_saved" and "patron" in detail:
            detail["patron"] = bool(detail["patron"])
        amount, currency = None, ""
        if kind in HOURS and detail.get("minutes") is not None:
            amount = (Decimal(detail["minutes"]) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if kind == "activity_recorded":
            amount = _decimal(detail.pop("value", None))
            currency = detail.pop("currency", "") if amount is not None else ""
            detail.pop("currency", None)

        request_id = detail.get("request") if kind in MENTORING else None
        patron_id = None
        if event.volunteer_id is not None:
            patron_id = volunteer_patrons.get(event.volunteer_id)
        elif request_id is not None:
            patron_id = request_patrons.get(request_id)
        patron = patron_facts(patron_id)

        if event.staff_id:
            channel, actor = "desk", "staff"
        elif kind == "mentoring_requested":
            channel, actor = "online", "patron" if patron is not None else "public"
        else:
            channel, actor = "admin", "system"

        if event.partner_id is not None:
            object_type, object_id = "community.partner", event.partner_id
        elif event.volunteer_id is not None:
            object_type, object_id = "community.volunteer", event.volunteer_id
        elif request_id is not None:
            object_type, object_id = "community.mentoringrequest", request_id
        elif detail.get("mentor") is not None and kind in {"mentor_saved", "consent_given", "consent_withdrawn"}:
            object_type, object_id = "community.mentor", detail["mentor"]
        elif detail.get("shift") is not None and kind == "shift_saved":
            object_type, object_id = "community.shift", detail["shift"]
        elif detail.get("resource") is not None and kind == "resource_saved":
            object_type, object_id = "community.careerresource", detail["resource"]
        else:
            object_type, object_id = "", None

        copier.add(
            kind=kind,
            at=event.at,
            channel=channel,
            actor=actor,
            network_id=event.network_id,
            branch_id=event.branch_id,
            staff_id=event.staff_id,
            patron_id=patron["pk"] if patron is not None else None,
            birth=patron["date_of_birth"] if patron is not None else None,
            category_id=patron["category_id"] if patron is not None else None,
            object_type=object_type,
            object_id=object_id,
            amount=amount,
            currency=currency,
            detail=detail,
        )
    copier.flush()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_volunteers_mentors_referrals"),
        ("history", "0001_initial"),
        ("patrons", "0004_patron_pin_and_notices"),
    ]

    operations = [
        migrations.RunPython(copy_to_history, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="CommunityEvent"),
    ]

"""What the programmes app leaves in the history beyond registrations and attendance: events
and dates set up and changed, the rules for events, categories saved in the administration,
patrons counted as (e-service) users, and the registration and attendance events of before
moved into the history by the migration."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from bibliohub.history import Actor, Channel
from bibliohub.history import selectors as history
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.history.selectors import E_SERVICE_BITS
from bibliohub.programs import kinds as K
from bibliohub.programs import services
from bibliohub.programs.models import Audience, Category, Format
from bibliohub.programs.services import audience_code
from tests.migrating import before, forward
from tests.programs.conftest import AT, entries_about, story_time_details


@pytest.mark.parametrize(
    ("bands", "code"),
    [
        (["0-5"], "0-5"),
        (["6-11", "0-5"], "0-5,6-11"),
        (["19+", "12-18", "6-11", "0-5"], "0-5,6-11,12-18,19+"),
        (["0-5", "all"], "all"),
        ([], ""),
    ],
)
def test_an_events_audience_is_kept_as_its_bands_in_order(bands, code):
    assert audience_code(bands) == code


def test_creating_and_changing_an_event_is_in_the_history(make_event, central_librarian, story_category):
    event = make_event()
    [created] = entries_about(event, K.EVENT_CREATED.code)
    assert (created.staff_id, created.channel, created.branch_id) == (
        central_librarian.pk, Channel.DESK, event.branch_id)
    assert (created.audience, created.format) == (Audience.EARLY_YEARS, Format.ON_SITE)
    assert created.detail == {"kind": "programme", "dates": 4, "series": True,
                              "registration": "occurrence", "capacity": 2, "room": None,
                              "published": True}
    services.update_event(
        event, story_time_details(place="Garden", audiences=[Audience.EARLY_YEARS, Audience.CHILDREN],
                                  categories=[story_category]),
        actor=Actor.for_staff(central_librarian), at=AT,
    )
    [changed] = entries_about(event, K.EVENT_CHANGED.code)
    assert changed.detail == {"fields": ["place", "audiences"]}
    assert changed.audience == "0-5,6-11"  # as the event is now
    services.change_capacity(event, capacity=5, actor=Actor.for_staff(central_librarian), at=AT)
    assert entries_about(event, K.CAPACITY_CHANGED.code)[0].detail == {"from": 2, "to": 5}


def test_moving_a_date_and_saving_the_rules_for_events_are_in_the_history(
    story_time, central, manager
):
    first = story_time.occurrences.first()
    services.change_occurrence(first, starts_at=first.starts_at + timedelta(hours=2),
                               ends_at=first.ends_at + timedelta(hours=2), note="Afternoon",
                               actor=Actor.for_staff(manager), at=AT)
    [moved] = entries_about(first, K.DATE_CHANGED.code)
    assert moved.detail["moved"] is True and moved.staff_id == manager.pk
    policy = services.set_policy(central.network, no_show_rule=True, no_show_limit=2,
                                 no_show_period_days=60, no_show_pause_days=14, reminder_hours=12,
                                 actor=Actor.for_staff(manager), at=AT)
    [saved] = entries_about(policy, K.POLICY_SAVED.code)
    assert (saved.network_id, saved.branch_id, saved.detail["no_show_limit"]) == (central.network_id, None, 2)


def test_a_patron_registering_online_is_an_e_service_user_of_that_month(story_time, parent, child, central):
    first = story_time.occurrences.first()
    services.register(occurrence=first, attendee=services.Attendee(patron=child, registered_by=parent),
                      actor=Actor.for_patron(parent), at=AT)
    roll_up()
    december = {"start": date(2026, 12, 1), "end": date(2026, 12, 31), "network_id": central.network_id}
    assert history.distinct_users(**december) == 1
    assert history.distinct_users(**december, channels=E_SERVICE_BITS) == 1


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_a_category_added_in_the_administration_goes_through_the_service(admin_client, admin_user):
    response = admin_client.post(reverse("admin:programs_category_add"),
                                 {"code": "book-club", "name": "Book club", "names": "{}", "sort_order": 1})
    assert response.status_code == 302
    assert Category.objects.get().code == "book-club"
    entry = Entry.objects.get(domain="programs", kind=K.CATEGORY_SAVED.code)
    assert (entry.channel, entry.staff_id, entry.detail["created"]) == (Channel.ADMIN, admin_user.pk, True)


def test_events_and_the_rules_for_events_are_only_shown_in_the_administration(admin_client, story_time):
    assert admin_client.get(reverse("admin:programs_event_add")).status_code == 403
    assert admin_client.get(reverse("admin:programs_event_change", args=[story_time.pk])).status_code == 200
    assert admin_client.get(reverse("admin:programs_programpolicy_add")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_registration_and_attendance_event_into_the_history(
    make_event, register_guest, parent, child, central, central_librarian
):
    event = make_event(recurrence="")
    occurrence = event.occurrences.get()
    guest = register_guest(occurrence, "Anna A", age_band=Audience.ADULTS)
    taras = services.register(occurrence=occurrence, attendee=services.Attendee(patron=child, registered_by=parent),
                              actor=Actor.for_patron(parent), at=AT)
    Entry.objects.all().delete()  # only the copied rows are looked at
    with before("programs", "0002_event_partners") as apps:
        RegistrationEvent = apps.get_model("programs", "RegistrationEvent")
        AttendanceEvent = apps.get_model("programs", "AttendanceEvent")
        at_start = occurrence.starts_at
        common = {"event_id": event.pk, "occurrence_id": occurrence.pk, "branch_id": central.pk}
        RegistrationEvent.objects.bulk_create([
            RegistrationEvent(kind="registered", at=AT, registration_id=guest.pk, age_band="19+", **common),
            RegistrationEvent(kind="registered", at=AT, registration_id=taras.pk, patron_id=child.pk,
                              age_band="0-5", **common),
            RegistrationEvent(kind="cancelled", at=AT + timedelta(hours=1), registration_id=guest.pk,
                              age_band="19+", **common),
            RegistrationEvent(kind="promoted", at=AT + timedelta(hours=1), registration_id=taras.pk,
                              patron_id=child.pk, age_band="0-5", **common),
            RegistrationEvent(kind="reminded", at=at_start - timedelta(hours=20), registration_id=taras.pk,
                              patron_id=child.pk, age_band="0-5", **common),
        ])
        AttendanceEvent.objects.bulk_create([
            AttendanceEvent(kind="checked_in", at=at_start, occurrence_id=occurrence.pk, branch_id=central.pk,
                            registration_id=taras.pk, age_band="0-5", count=1, staff_id=central_librarian.pk),
            AttendanceEvent(kind="walk_ins", at=at_start, occurrence_id=occurrence.pk, branch_id=central.pk,
                            age_band="6-11", count=5, staff_id=central_librarian.pk),
            AttendanceEvent(kind="walk_ins", at=at_start, occurrence_id=occurrence.pk, branch_id=central.pk,
                            age_band="6-11", count=-2, staff_id=central_librarian.pk),
            AttendanceEvent(kind="closed", at=occurrence.ends_at, occurrence_id=occurrence.pk,
                            branch_id=central.pk, count=0, staff_id=central_librarian.pk),
        ])
        forward()
        entries = list(Entry.objects.filter(domain="programs").order_by("pk"))
    assert [e.kind for e in entries] == ["registered", "registered", "cancelled", "promoted", "reminded",
                                         "checked_in", "walk_ins", "walk_ins", "closed"]
    guest_in, taras_in, cancelled, promoted, reminded, checked_in, walk_ins, fewer, closed = entries
    assert (guest_in.channel, guest_in.actor, guest_in.patron_id, guest_in.age, guest_in.age_band) == (
        "online", "public", None, None, "19+")
    assert (guest_in.object_type, guest_in.object_id, guest_in.detail) == (
        "programs.registration", guest.pk, {"occurrence": occurrence.pk})
    # Taras's age is known from his date of birth: his band as recorded is not kept.
    assert (taras_in.actor, taras_in.patron_id, taras_in.age, taras_in.age_band) == ("patron", child.pk, 4, "")
    assert (taras_in.audience, taras_in.format, taras_in.network_id) == ("0-5", "on_site", central.network_id)
    assert taras_in.pseudonym and taras_in.category_id == child.category_id
    assert (cancelled.channel, cancelled.actor) == ("online", "public")
    assert (promoted.channel, promoted.actor) == ("online", "public")  # the cancellation freed the place
    assert (reminded.channel, reminded.source) == ("job", "event_reminders")
    assert (checked_in.object_type, checked_in.object_id, checked_in.detail) == (
        "programs.occurrence", occurrence.pk, {"registration": taras.pk})
    assert (checked_in.channel, checked_in.staff_id, checked_in.patron_id) == ("desk", central_librarian.pk, child.pk)
    assert [(e.quantity, e.age_band) for e in (walk_ins, fewer)] == [(5, "6-11"), (-2, "6-11")]
    assert (closed.quantity, closed.detail) == (1, {})


def test_forgetting_an_attendee_keeps_the_programme_figures(story_time, parent, child, central_librarian):
    from bibliohub.history.services import forget_patron
    from bibliohub.programs import selectors

    first = story_time.occurrences.first()
    taras = services.register(occurrence=first, attendee=services.Attendee(patron=child, registered_by=parent),
                              actor=Actor.for_patron(parent), at=AT)
    services.check_in(taras, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    roll_up()
    year = {"start": AT.date(), "end": AT.date() + timedelta(days=365)}
    counted = selectors.participation(**year)
    assert forget_patron(child.pk) == 2
    roll_up()
    assert selectors.participation(**year) == counted
    assert {(e.patron_id, e.age) for e in Entry.objects.filter(domain="programs", kind__in=["registered", "checked_in"])} == {
        (None, 4)}

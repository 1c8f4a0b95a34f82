"""What the community app leaves in the history: confirmed volunteer hours counted from the
roll-ups, activities counted in the period they took place however late they were recorded,
skills saved in the administration through the service, and the community events of before
moved into the history by the migration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bibliohub.community import kinds as Kind
from bibliohub.community.models import ActivityKind, Skill
from bibliohub.community.selectors import partner_dynamics, volunteer_hours
from bibliohub.community.services import partners, volunteers
from bibliohub.history import Actor, Channel
from bibliohub.history import selectors as history
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.patrons.models import Patron
from tests.migrating import before, forward

from .conftest import AT, entries, local


def test_volunteer_hours_are_the_confirmed_hours_from_the_roll_ups(anna, central, riverside, central_librarian):
    desk = Actor.for_staff(central_librarian)
    first = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 28), minutes=90, actor=desk, at=AT)
    second = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 29), minutes=20, actor=desk, at=AT)
    refused = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 30), minutes=60, actor=desk, at=AT)
    volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 30), minutes=45, actor=desk, at=AT)
    volunteers.confirm_hours(first, actor=desk, at=AT)
    volunteers.confirm_hours(second, actor=desk, at=AT)
    volunteers.reject_hours(refused, actor=desk, at=AT)
    roll_up()
    december = {"start": date(2026, 12, 1), "end": date(2026, 12, 31)}
    assert volunteer_hours(**december) == Decimal("1.83")  # 1.50 and 0.33: logged or refused do not count
    assert volunteer_hours(**december, branch_ids=[riverside.pk]) == 0
    # Volunteering is not a use of the library's services.
    assert history.distinct_users(**december, network_id=central.network_id) == 0


def test_a_joint_activity_entered_late_counts_in_the_period_it_took_place(network, school, central_librarian):
    partners.record_activity(partner=school, kind=ActivityKind.SERVICE, on=date(2026, 12, 30),
                             description="Reading lessons", actor=Actor.for_staff(central_librarian),
                             at=local(2027, 1, 8))
    y2026, y2027 = partner_dynamics(network=network, start_year=2026, end_year=2027)
    assert (y2026.active_partners, y2026.joint_activities) == (1, 1)
    assert (y2027.active_partners, y2027.joint_activities) == (0, 0)


def test_a_donation_carries_its_value_as_the_amount_and_the_partner_as_the_object(bakery, central, manager):
    activity = partners.record_activity(
        partner=bakery, kind=ActivityKind.DONATION, on=date(2026, 11, 20), branch=central,
        description="Cakes for the reading marathon", value=Decimal("120.00"), currency="usd",
        actor=Actor.for_staff(manager), at=AT,
    )
    [entry] = entries(Kind.ACTIVITY_RECORDED)
    assert (entry.object_type, entry.object_id) == ("community.partner", bakery.pk)
    assert (entry.amount, entry.currency, entry.detail["activity"]) == (Decimal("120.00"), "USD", activity.pk)
    assert "Cakes" not in str(entry.detail)


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_a_skill_added_in_the_administration_goes_through_the_service(admin_client, admin_user):
    response = admin_client.post(reverse("admin:community_skill_add"),
                                 {"code": "it-help", "name": "IT help", "names": "{}"})
    assert response.status_code == 302
    assert Skill.objects.get().code == "it-help"
    [entry] = entries(Kind.SKILL_SAVED)
    assert (entry.channel, entry.staff_id, entry.detail["code"]) == (Channel.ADMIN, admin_user.pk, "it-help")


def test_partners_and_volunteers_are_only_shown_in_the_administration(admin_client, school):
    assert admin_client.get(reverse("admin:community_partner_add")).status_code == 403
    assert admin_client.get(reverse("admin:community_partner_change", args=[school.pk])).status_code == 200
    assert admin_client.get(reverse("admin:community_volunteer_add")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_community_event_into_the_history(
    network, central, school, reader, central_librarian, manager
):
    Patron.objects.filter(pk=reader.pk).update(date_of_birth=date(1980, 1, 2))
    volunteer = volunteers.register_volunteer(
        network=network, patron=reader, consent=True, actor=Actor.for_staff(central_librarian), at=AT,
        details=volunteers.VolunteerDetails(name="", branches=[central]),
    )
    Entry.objects.all().delete()  # only the copied rows are looked at
    with before("community", "0002_volunteers_mentors_referrals") as apps:
        CommunityEvent = apps.get_model("community", "CommunityEvent")
        MentoringRequest = apps.get_model("community", "MentoringRequest")
        request = MentoringRequest.objects.create(
            branch_id=central.pk, patron_id=reader.pk, name="Iryna Kovalenko", email="iryna@example.org",
            topic="jobs", message="CV help", created_at=AT,
        )
        common = {"network_id": network.pk}
        CommunityEvent.objects.bulk_create([
            CommunityEvent(kind="contact_saved", at=AT, staff_id=manager.pk, partner_id=school.pk,
                           detail={"contact": 7, "name": "Head teacher", "primary": True}, **common),
            CommunityEvent(kind="activity_recorded", at=AT, staff_id=manager.pk, partner_id=school.pk,
                           branch_id=central.pk,
                           detail={"activity": 3, "type": "donation", "on": "2026-11-20",
                                   "value": "1500.00", "currency": "UAH"}, **common),
            CommunityEvent(kind="volunteer_saved", at=AT, staff_id=central_librarian.pk,
                           volunteer_id=volunteer.pk, detail={"created": True, "patron": "C0001"}, **common),
            CommunityEvent(kind="hours_confirmed", at=AT, staff_id=central_librarian.pk, branch_id=central.pk,
                           volunteer_id=volunteer.pk, detail={"entry": 5, "on": "2026-11-28", "minutes": 90},
                           **common),
            CommunityEvent(kind="mentoring_requested", at=AT, branch_id=central.pk,
                           detail={"request": request.pk, "topic": "jobs", "patron": True,
                                   "wished_mentor": None}, **common),
        ])
        forward()
        copied = list(Entry.objects.filter(domain="community").order_by("pk"))
    contact, activity, saved, hours, asked = copied
    assert (contact.object_type, contact.object_id, contact.channel, contact.staff_id) == (
        "community.partner", school.pk, "desk", manager.pk)
    assert contact.detail == {"contact": 7, "primary": True}  # no name
    assert (activity.amount, activity.currency, activity.branch_id) == (Decimal("1500.00"), "UAH", central.pk)
    assert activity.detail == {"activity": 3, "type": "donation", "on": "2026-11-20"}
    assert (saved.object_type, saved.object_id, saved.patron_id, saved.age) == (
        "community.volunteer", volunteer.pk, reader.pk, 46)
    assert saved.detail == {"created": True, "patron": True}  # no card number
    assert (hours.amount, hours.detail["minutes"]) == (Decimal("1.50"), 90)
    assert (asked.channel, asked.actor, asked.patron_id) == ("online", "patron", reader.pk)
    assert (asked.object_type, asked.object_id) == ("community.mentoringrequest", request.pk)
    assert all(e.network_id == network.pk and e.day == AT.date() for e in copied)

"""Self-registration on the OPAC: pending until staff confirm, with a PIN chosen now; a
signed-in guardian registers their child; every bad field is named on the form."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.history.privacy import age_on
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import Patron, PatronStatus


def _form(central, category, **changes) -> dict:
    data = {
        "given_names": "Jan",
        "family_name": "Nowak",
        "date_of_birth": "1990-05-01",
        "email": "jan@example.org",
        "phone": "",
        "address": "ul. Długa 1, Gdańsk",
        "language": "pl",
        "home_branch": central.pk,
        "category": category.pk,
        "pin": "5791",
        "pin_again": "5791",
    }
    data.update(changes)
    return data


def test_registering_online_leaves_a_pending_patron_with_a_pin(client, central, adult_category):
    response = client.post(reverse("portal:register"), _form(central, adult_category))
    assert response.status_code == 200
    assert "Thank you for registering" in response.content.decode()
    patron = Patron.objects.get(family_name="Nowak")
    assert patron.status == PatronStatus.PENDING and patron.card_barcode == ""
    assert patron.pin_matches("5791") and patron.language == "pl"
    entries = Entry.objects.filter(patron_id=patron.pk).order_by("pk")
    assert list(entries.values_list("kind", "channel", "actor", "branch_id")) == [
        ("self_registered", Channel.ONLINE, "public", central.pk),
        ("pin_set", Channel.ONLINE, "public", central.pk),
    ]
    today = timezone.localdate(patron.created_at)
    assert {e.age for e in entries} == {age_on(date(1990, 5, 1), today)}


def test_once_confirmed_at_the_desk_the_patron_signs_in(
    client, central, adult_category, central_librarian, default_rule
):
    client.post(reverse("portal:register"), _form(central, adult_category))
    patron = Patron.objects.get(family_name="Nowak")
    patron_services.confirm_patron(
        patron,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=patron.created_at,
        card_barcode="P3001",
    )
    response = client.post(reverse("portal:sign-in"), {"card_number": "P3001", "pin": "5791"})
    assert response.status_code == 302


def test_each_bad_field_is_named(client, central, adult_category):
    response = client.post(
        reverse("portal:register"),
        _form(
            central,
            adult_category,
            given_names="",
            email="nowhere",
            pin="12",
            pin_again="12",
        ),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"given_names", "email", "pin"}
    assert "at least 4 characters" in " ".join(errors["pin"])
    assert not Patron.objects.exists()


def test_the_two_pins_must_match(client, central, adult_category):
    response = client.post(
        reverse("portal:register"), _form(central, adult_category, pin_again="5792")
    )
    assert response.context["form"].errors["pin_again"] == ["The two PINs are not the same."]


def test_a_date_of_birth_in_the_future_is_refused_by_the_service(client, central, adult_category):
    response = client.post(
        reverse("portal:register"), _form(central, adult_category, date_of_birth="2999-01-01")
    )
    assert response.context["form"].errors["date_of_birth"] == [
        "The date of birth is in the future."
    ]
    assert not Patron.objects.exists()


def test_a_signed_in_guardian_registers_a_child(signed_in, reader, central, child_category):
    response = signed_in.post(
        reverse("portal:register-child"),
        _form(
            central,
            child_category,
            given_names="Zosia",
            family_name="Wiśniewska",
            date_of_birth="2017-03-03",
            email="",
            school_class="3B",
            pin="1111",
            pin_again="1111",
        ),
    )
    assert response.status_code == 200
    child = Patron.objects.get(given_names="Zosia")
    assert child.guardian == reader and child.status == PatronStatus.PENDING
    registered = Entry.objects.get(kind="self_registered")
    # About the child, done by the guardian signed in.
    assert (registered.patron_id, registered.actor, registered.channel) == (
        child.pk,
        "patron",
        Channel.ONLINE,
    )
    assert child.school_class == "3B"
    page = signed_in.get(reverse("portal:details")).content.decode()
    assert "Zosia" in page


def test_a_child_needs_a_date_of_birth(signed_in, central, child_category):
    response = signed_in.post(
        reverse("portal:register-child"),
        _form(central, child_category, given_names="Zosia", date_of_birth=""),
    )
    assert "date_of_birth" in response.context["form"].errors

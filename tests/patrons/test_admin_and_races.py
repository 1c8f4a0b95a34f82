from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.accounts.models import User
from bibliohub.history import Actor
from bibliohub.patrons import selectors, services
from bibliohub.patrons.errors import InvalidPatronData
from bibliohub.patrons.models import Patron

from .conftest import AT


def test_a_card_number_taken_between_check_and_insert_is_still_refused_cleanly(
    adult, central, adult_category, central_librarian, monkeypatch
):
    # Two desks typing the same pre-printed card number: the second passes the check before
    # the first commits, and the unique index decides.
    monkeypatch.setattr(services, "_validate", lambda patron: None)
    with pytest.raises(InvalidPatronData) as refused:
        services.register_patron(
            services.PatronDetails(family_name="Bondar", given_names="Iryna"),
            category=adult_category,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            card_barcode=adult.card_barcode,
        )
    assert "card_barcode" in refused.value.errors
    assert Patron.objects.count() == 1  # and the connection is still usable


def test_blocks_are_checked_in_at_most_one_query(blocked_patron, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        selectors.blocks_for(blocked_patron, at=AT)


@pytest.fixture
def superuser_client(client, db):
    # The admin is for superusers; the shared `admin_user` is an administrator by role.
    client.force_login(User.objects.create_superuser("root", password="correct horse battery"))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "patrons_patron_changelist",
        "patrons_patroncategory_changelist",
        "circulation_circulationrule_changelist",
        "circulation_term_changelist",
        "circulation_circulationrule_add",
        "circulation_term_add",
        "patrons_patroncategory_add",
    ],
)
def test_the_admin_pages_open(superuser_client, blocked_patron, name):
    assert superuser_client.get(reverse(f"admin:{name}")).status_code == 200


def test_the_admin_shows_a_patron_with_blocks_but_cannot_add_or_delete_patrons(
    superuser_client, blocked_patron
):
    url = reverse("admin:patrons_patron_change", args=[blocked_patron.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert "Returned a damaged laptop" in page.content.decode()
    delete = superuser_client.get(reverse("admin:patrons_patron_delete", args=[blocked_patron.pk]))
    assert delete.status_code == 403
    assert superuser_client.get(reverse("admin:patrons_patron_add")).status_code == 403

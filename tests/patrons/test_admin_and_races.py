from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bibliohub.accounts.models import User
from bibliohub.circulation import selectors as circulation
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons import services
from bibliohub.patrons.errors import InvalidPatronData
from bibliohub.patrons.models import Patron, PatronCategory
from tests.admin_pages import page_data

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
        circulation.blocks_for(blocked_patron, at=AT)


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


def test_a_patron_corrected_in_the_administration_is_in_the_history(
    superuser_client, blocked_patron
):
    url = reverse("admin:patrons_patron_change", args=[blocked_patron.pk])
    data = page_data(superuser_client.get(url))
    data.update({"email": "van.an@example.org", "card_expires_on": "2028-01-31"})
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    blocked_patron.refresh_from_db()
    assert blocked_patron.email == "van.an@example.org"
    assert blocked_patron.card_expires_on == date(2028, 1, 31)
    entry = Entry.objects.get(kind="details_changed")
    root = User.objects.get(username="root")
    assert (entry.patron_id, entry.channel, entry.staff_id) == (
        blocked_patron.pk,
        Channel.ADMIN,
        root.pk,
    )
    assert entry.detail == {"fields": ["email", "card_expires_on"]}


def test_the_administration_names_a_guardian_of_another_network_on_its_field(
    superuser_client, blocked_patron, adult_category
):
    village = Branch.objects.create(
        network=Network.objects.create(name="Village Library"), code="village", name="Village"
    )
    stranger = services.register_patron(
        services.PatronDetails(family_name="Far", given_names="Away"),
        category=adult_category,
        branch=village,
        actor=Actor.for_import(source="village.csv"),
        at=AT,
    )
    url = reverse("admin:patrons_patron_change", args=[blocked_patron.pk])
    data = page_data(superuser_client.get(url))
    data["guardian"] = str(stranger.pk)
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["guardian"] == [
        "The guardian must be a patron of the same library network."
    ]
    assert not Entry.objects.filter(kind="details_changed").exists()


def test_corrections_keep_to_the_details(adult, central, central_librarian):
    adult.status = "pending"
    with pytest.raises(ValueError, match="status"):
        services.correct_patron(adult, actor=Actor.for_staff(central_librarian), at=AT)
    adult.refresh_from_db()
    adult.home_branch = Branch.objects.create(
        network=Network.objects.create(name="Elsewhere"), code="far", name="Far"
    )
    with pytest.raises(InvalidPatronData) as refused:
        services.correct_patron(adult, actor=Actor.for_staff(central_librarian), at=AT)
    assert set(refused.value.errors) == {"home_branch"}


def test_categories_are_set_up_in_the_administration_through_the_service(
    superuser_client, adult_category
):
    response = superuser_client.post(
        reverse("admin:patrons_patroncategory_add"),
        {
            "code": "senior",
            "name": "Senior",
            "names": "{}",
            "age_band": "senior",
            "card_validity_months": "24",
            "sort_order": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    senior = PatronCategory.objects.get(code="senior")
    changelist = reverse("admin:patrons_patroncategory_changelist")
    response = superuser_client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(adult_category.pk),
            "form-0-sort_order": "9",
            "form-1-id": str(senior.pk),
            "form-1-sort_order": "5",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    delete = reverse("admin:patrons_patroncategory_delete", args=[senior.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    entries = Entry.objects.filter(domain="patrons").order_by("pk")
    assert [(e.kind, e.object_id, e.detail.get("fields")) for e in entries] == [
        ("category_saved", senior.pk, [f.name for f in PatronCategory._meta.concrete_fields][1:]),
        ("category_saved", adult_category.pk, ["sort_order"]),
        ("category_deleted", senior.pk, None),
    ]
    assert {e.channel for e in entries} == {Channel.ADMIN}


def test_notice_settings_are_saved_in_the_administration_through_the_service(
    superuser_client, network
):
    response = superuser_client.post(
        reverse("admin:patrons_noticepolicy_add"),
        {
            "network": network.pk,
            "due_soon_days": "2",
            "first_overdue_days": "1",
            "second_overdue_days": "7",
            "third_overdue_days": "14",
            "fines_threshold": "5.00",
            "fines_repeat_days": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = Entry.objects.get(kind="notice_policy_saved")
    assert (entry.network_id, entry.channel, entry.detail["created"]) == (
        network.pk,
        Channel.ADMIN,
        True,
    )
    log = reverse("admin:patrons_noticelog_changelist")
    assert superuser_client.get(log).status_code == 200

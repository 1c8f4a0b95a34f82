"""The staff home page: what this user can do, their branches, the quick search box."""

from __future__ import annotations

from django.urls import reverse


def test_a_branch_librarian_sees_their_branch_and_no_cataloguing(client, riverside_librarian):
    client.force_login(riverside_librarian)
    response = client.get(reverse("staff:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Branch librarian" in html
    assert reverse("staff:libraries:branch", args=["riverside"]) in html
    assert reverse("staff:catalog:record_create") not in html
    assert reverse("staff:catalog:marc_upload") not in html
    assert 'action="/staff/catalogue/"' in html and 'name="q"' in html


def test_a_cataloguer_is_offered_new_records_and_marc_upload(client, cataloguer, central, riverside):
    client.force_login(cataloguer)
    html = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:catalog:record_create") in html
    assert reverse("staff:catalog:marc_upload") in html
    # A cataloguer without listed branches works on copies of every branch.
    assert reverse("staff:libraries:branch", args=["central"]) in html
    assert reverse("staff:libraries:branch", args=["riverside"]) in html


def test_a_manager_is_pointed_to_the_staff_accounts_and_not_to_an_administration_that_refuses_her(
    client, manager
):
    client.force_login(manager)
    html = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:accounts:list") in html and reverse("admin:index") not in html
    assert client.get(reverse("admin:index")).status_code == 302  # the administration's login


def test_every_staff_screen_answers_a_logged_in_librarian(client, central_librarian, central):
    client.force_login(central_librarian)
    for url in (
        reverse("staff:home"),
        reverse("staff:catalog:search"),
        reverse("staff:catalog:item_lookup"),
        reverse("staff:libraries:branches"),
        reverse("staff:libraries:branch", args=["central"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<main id="main"' in response.content.decode()


def test_the_admin_lists_staff_users_with_role_and_branches(client, db, central_librarian, riverside_librarian, django_assert_max_num_queries):
    from bibliohub.accounts.models import User

    root = User.objects.create_superuser(username="root", password="x", email="root@example.org", role="administrator")
    client.force_login(root)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:accounts_user_changelist"), {"role__exact": "branch_librarian"})
    assert response.status_code == 200
    assert sorted(u.username for u in response.context["cl"].result_list) == ["minh", "olena"]
    assert "riverside" in response.content.decode()  # the branches column


def test_every_model_has_an_admin_page(client, db):
    from bibliohub.accounts.models import User

    root = User.objects.create_superuser(username="root", password="x", email="root@example.org")
    client.force_login(root)
    for name in (
        "accounts_user", "libraries_network", "libraries_branch", "libraries_location",
        "libraries_openingperiod", "libraries_calendarexception", "catalog_record",
        "catalog_item", "catalog_itemtype",
    ):
        app, model = name.split("_", 1)
        assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200, name

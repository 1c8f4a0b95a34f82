"""The administration screens set item types up through the catalogue services, so the change
is in the history like any other; records and copies are edited on the staff screens and only
shown there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.catalog.models import Item, ItemType, Record
from bibliohub.history import Channel
from bibliohub.history.models import Entry


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_an_item_type_added_and_deleted_in_the_administration_is_in_the_history(
    admin_client, admin_user
):
    response = admin_client.post(
        reverse("admin:catalog_itemtype_add"),
        {"code": "dvd", "name": "DVD", "names": '{"uk": "DVD-диск"}'},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dvd = ItemType.objects.get(code="dvd")
    assert dvd.names == {"uk": "DVD-диск"}
    response = admin_client.post(
        reverse("admin:catalog_itemtype_delete", args=[dvd.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ItemType.objects.exists()
    entries = list(
        Entry.objects.filter(domain="catalog")
        .order_by("pk")
        .values_list("kind", "item_type_id", "channel", "staff_id")
    )
    assert entries == [
        ("item_type_saved", dvd.pk, Channel.ADMIN, admin_user.pk),
        ("item_type_deleted", dvd.pk, Channel.ADMIN, admin_user.pk),
    ]


def test_an_item_type_that_copies_have_is_not_deleted(admin_client, book_type, central, at):
    record = Record.objects.create(title="Kobzar", created_at=at, updated_at=at)
    Item.objects.create(
        record=record,
        barcode="B1",
        branch=central,
        item_type=book_type,
        created_at=at,
        updated_at=at,
    )
    response = admin_client.post(
        reverse("admin:catalog_itemtype_delete", args=[book_type.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the page that lists what protects it
    assert ItemType.objects.filter(pk=book_type.pk).exists()
    assert not Entry.objects.exists()


def test_records_and_copies_are_read_only_in_the_administration(admin_client):
    assert admin_client.get(reverse("admin:catalog_record_add")).status_code == 403
    assert admin_client.get(reverse("admin:catalog_item_add")).status_code == 403
    assert admin_client.get(reverse("admin:catalog_record_changelist")).status_code == 200

"""The admin shows loans, holds, fines and events, and never edits them."""

from __future__ import annotations

import pytest

from bibliohub.accounts.models import User


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="correct horse battery"))
    return client


@pytest.mark.parametrize(
    "model", ["loan", "hold", "transfer", "fine", "payment", "circulationevent"]
)
def test_circulation_records_are_listed_but_not_added(superuser_client, model, lend, reader, book):
    lend(reader, book)
    assert superuser_client.get(f"/admin/circulation/{model}/").status_code == 200
    assert superuser_client.get(f"/admin/circulation/{model}/add/").status_code == 403


def test_the_privacy_delay_is_edited_in_the_admin(superuser_client):
    assert superuser_client.get("/admin/circulation/privacypolicy/add/").status_code == 200

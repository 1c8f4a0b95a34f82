"""The admin shows loans, holds, fines and payments and never edits them; rules, terms and
the privacy delay it saves through the circulation services, so each change is in the
history like one made on the staff screens (channel "administration")."""

from __future__ import annotations

import pytest

from bibliohub.accounts.models import User
from bibliohub.circulation.models import CirculationRule, PrivacyPolicy
from bibliohub.history import Channel
from bibliohub.history.models import Entry


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", password="correct horse battery")


@pytest.fixture
def superuser_client(client, root):
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", ["loan", "hold", "transfer", "fine", "payment", "refund"])
def test_circulation_records_are_listed_but_not_added(superuser_client, model, lend, reader, book):
    lend(reader, book)
    assert superuser_client.get(f"/admin/circulation/{model}/").status_code == 200
    assert superuser_client.get(f"/admin/circulation/{model}/add/").status_code == 403


def test_the_old_event_table_is_gone_from_the_admin(superuser_client):
    assert superuser_client.get("/admin/circulation/circulationevent/").status_code == 404


def test_the_privacy_delay_is_edited_in_the_admin_and_recorded(
    superuser_client, root, network
):
    assert superuser_client.get("/admin/circulation/privacypolicy/add/").status_code == 200
    response = superuser_client.post(
        "/admin/circulation/privacypolicy/add/",
        {"network": network.pk, "anonymise_after_days": "0"},
    )
    assert response.status_code == 302
    assert PrivacyPolicy.objects.get().anonymise_after_days == 0
    entry = Entry.objects.get(domain="circulation", kind="privacy_changed")
    assert (entry.channel, entry.staff_id, entry.network_id) == (Channel.ADMIN, root.pk, network.pk)
    assert entry.detail == {"created": True, "anonymise_after_days": 0}


def test_a_rule_changed_and_deleted_in_the_admin_is_in_the_history(
    superuser_client, root, default_rule
):
    url = f"/admin/circulation/circulationrule/{default_rule.pk}/change/"
    form = superuser_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(loan_period="28", note="Four weeks")
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CirculationRule.objects.get().loan_period == 28
    changed = Entry.objects.get(domain="circulation", kind="policy_changed")
    assert (changed.channel, changed.staff_id) == (Channel.ADMIN, root.pk)
    assert set(changed.detail["fields"]) == {"loan_period", "note"}
    assert changed.detail["values"]["loan_period"] == 28
    assert "note" not in changed.detail["values"]  # free text stays on the rule
    response = superuser_client.post(
        f"/admin/circulation/circulationrule/{default_rule.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not CirculationRule.objects.exists()
    deleted = Entry.objects.filter(kind="policy_changed").order_by("pk").last()
    assert deleted.detail["deleted"] is True and deleted.channel == Channel.ADMIN

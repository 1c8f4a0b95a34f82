"""The administration screens change branches and locations through the services, so the
change is in the history like any other; hours and closures are only shown there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.history import Channel
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Location, OpeningPeriod


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_a_branch_renamed_in_the_administration_is_in_the_history(
    admin_client, admin_user, riverside
):
    url = reverse("admin:libraries_branch_change", args=[riverside.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "Riverside Library",
            "names": "{}",
            "network": riverside.network_id,
            "locations-TOTAL_FORMS": "1",
            "locations-INITIAL_FORMS": "1",
            "locations-0-id": str(riverside.locations.get().pk),
            "locations-0-branch": str(riverside.pk),
            "locations-0-code": "kids",
            "locations-0-name": "Children's corner",
            "locations-0-names": "{}",
            "opening_periods-TOTAL_FORMS": str(
                OpeningPeriod.objects.filter(branch=riverside).count()
            ),
            "opening_periods-INITIAL_FORMS": str(
                OpeningPeriod.objects.filter(branch=riverside).count()
            ),
        }
    )
    for i, period in enumerate(OpeningPeriod.objects.filter(branch=riverside).order_by("pk")):
        data[f"opening_periods-{i}-id"] = str(period.pk)
        data[f"opening_periods-{i}-branch"] = str(riverside.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    riverside.refresh_from_db()
    assert riverside.name == "Riverside Library"
    assert Location.objects.get(branch=riverside).code == "kids"
    saved = {e.kind: e for e in Entry.objects.filter(domain="libraries")}
    assert set(saved) == {"branch_saved", "location_saved"}
    assert saved["branch_saved"].channel == Channel.ADMIN
    assert saved["branch_saved"].staff_id == admin_user.pk
    assert saved["branch_saved"].detail == {"created": False, "fields": ["name"]}


def test_hours_and_closures_are_read_only_in_the_administration(admin_client):
    assert admin_client.get(reverse("admin:libraries_openingperiod_add")).status_code == 403
    assert admin_client.get(reverse("admin:libraries_calendarexception_add")).status_code == 403

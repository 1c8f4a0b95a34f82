from __future__ import annotations

from django.core import mail

from bibliohub.community.demo import load_demo_community
from bibliohub.community.models import (
    HoursStatus,
    Mentor,
    MentoringRequest,
    Partner,
    Volunteer,
)
from bibliohub.community.selectors import partner_dynamics, public_mentors
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Branch

from .conftest import AT


def test_the_demo_adds_partners_volunteers_and_mentors_once_and_sends_no_mail(
    network, central, riverside, manager, django_capture_on_commit_callbacks
):
    Branch.objects.create(network=network, code="north", name="North Branch")
    Branch.objects.create(network=network, code="school", name="School Library")
    with django_capture_on_commit_callbacks(execute=True):
        added = load_demo_community(network, at=AT)
    assert "partner Riverton Chamber of Commerce" in added
    assert Partner.objects.count() == 7 and Volunteer.objects.count() == 5
    assert Volunteer.objects.filter(consented_at__isnull=True).count() == 1
    assert MentoringRequest.objects.get().mentor.name == "Iryna Koval"
    assert "Robert Hale" not in [m.name for m in public_mentors(network)]
    assert Volunteer.objects.get(name="Hanna Petrenko").hours.filter(status=HoursStatus.LOGGED).count() == 1
    year = AT.year
    dynamics = partner_dynamics(network=network, start_year=year - 1, end_year=year)
    assert sum(p.activities for p in dynamics) > 0
    assert mail.outbox == []

    entries = Entry.objects.filter(domain="community").count()
    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo_community(network, at=AT) == []
    assert Entry.objects.filter(domain="community").count() == entries and Mentor.objects.count() == 5

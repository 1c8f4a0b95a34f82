"""`bibliohub demo`: purchase suggestions at every stage in five languages, titles asked
for and not held, searches that found nothing and complaints, so that the unmet-demand
report and the listening indicators show something."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from bibliohub.demand import selectors
from bibliohub.demand.models import Suggestion, UnmetDemand, ZeroResultSearch
from bibliohub.history.indicators import Period, Scope, figures
from bibliohub.history.rollup import roll_up
from bibliohub.libraries.models import Network
from bibliohub.listening.models import Feedback
from bibliohub.mail.models import Message
from tests.demo.conftest import AT


@pytest.mark.django_db
def test_the_demo_has_suggestions_demand_searches_and_complaints_once():
    call_command("demo", "--records", "120", verbosity=0)
    states = set(Suggestion.objects.values_list("state", flat=True))
    assert states == {"new", "accepted", "ordered", "received", "declined", "closed"}
    languages = set(
        Message.objects.filter(kind="demand/email/suggestion").values_list("language", flat=True)
    )
    assert languages >= {"vi", "uk", "pl", "zh-hans", "en"}
    assert Suggestion.objects.exclude(hold_id=None).count() == 1
    assert UnmetDemand.objects.filter(source="refusal").exists()
    assert ZeroResultSearch.objects.count() == 5
    network = Network.objects.get()
    today = AT.date()
    found = selectors.unmet_demand(
        network_id=network.pk, start=date(today.year - 1, 1, 1), end=date(today.year + 1, 12, 31)
    )
    assert found.titles and found.total_people >= 10
    assert Feedback.objects.filter(kind="complaint").count() == 4

    roll_up()
    scope = Scope(network.pk)
    year = figures(Period.year(today.year), [scope], codes=["unmet_requests", "complaints"])[scope]
    assert year["unmet_requests"].value and year["complaints"].value is not None

    before = Suggestion.objects.count(), Feedback.objects.count(), UnmetDemand.objects.count()
    call_command("demo", "--records", "120", verbosity=0)
    assert (Suggestion.objects.count(), Feedback.objects.count(), UnmetDemand.objects.count()) == before

"""The demo network's surveys: two waves of the annual questionnaire answered in the five
languages, the second compared with the first, and an express poll open now; a second run
adds nothing."""

from __future__ import annotations

import pytest
import time_machine

from bibliohub.demo.services import load_demo
from bibliohub.history import indicators
from bibliohub.history.indicators import Period, Scope
from bibliohub.history.rollup import roll_up
from bibliohub.surveys import selectors
from bibliohub.surveys.models import Response, Survey, SurveyState
from tests.demo.conftest import AT

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_annual_waves_and_an_express_poll():
    with time_machine.travel(AT, tick=True):
        load_demo(records=0, at=AT)
        surveys = {s.slug: s for s in Survey.objects.all()}
        year = AT.year
        last, this = surveys[f"annual-{year - 2}"], surveys[f"annual-{year - 1}"]
        assert this.previous == last and last.state == this.state == SurveyState.CLOSED
        assert Response.objects.filter(survey=this, complete=True).count() > 100
        languages = set(Response.objects.filter(survey=this).values_list("language", flat=True))
        assert languages == {"en", "uk", "vi", "zh-hans", "pl"}
        poll = next(s for s in surveys.values() if s.kind == "express")
        assert poll.state == SurveyState.OPEN and poll in selectors.open_surveys(at=AT)
        results = selectors.results(this, None, language="en")
        assert results.previous_completed > 100
        satisfaction = next(r for r in results.questions if r.question.code == "satisfaction")
        assert satisfaction.mean > satisfaction.previous_mean  # the second wave is happier
        roll_up()
        figure = indicators.figures(Period.year(year - 1), [Scope(this.network_id)],
                                    codes=["satisfaction"])[Scope(this.network_id)]["satisfaction"]
        assert 3 < figure.value < 5
        count = Response.objects.count()
        load_demo(records=0, at=AT)
        assert Response.objects.count() == count

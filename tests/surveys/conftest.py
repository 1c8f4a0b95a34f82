"""Surveys on top of tests/conftest.py: the annual questionnaire and the express poll made
from their templates by a network manager, open from AT, Monday 1 March 2027 at 10:00 in
Kyiv; a patron of the central library who answers from the portal."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.http import QueryDict

from bibliohub.history import Actor
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus
from bibliohub.surveys import services
from bibliohub.surveys.models import Response, Survey, SurveyState

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2027, 3, 1, 10, 0, tzinfo=KYIV)
LANGUAGES = ["en", "uk", "vi", "zh-hans", "pl"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_survey(network, manager, *, blueprint: str = "annual", slug: str = "annual-2027",
                branch=None, opened: bool = True, **given) -> Survey:
    survey = services.start_from_blueprint(
        code=blueprint, network=network, branch=branch, slug=slug, language="en",
        languages=LANGUAGES, actor=Actor.for_staff(manager), at=AT - timedelta(days=1), **given,
    )
    if opened:
        services.set_state(survey, state=SurveyState.OPEN, actor=Actor.for_staff(manager),
                           at=AT - timedelta(days=1))
    return survey


@pytest.fixture
def annual(network, central, riverside, manager) -> Survey:
    return make_survey(network, manager)


@pytest.fixture
def express(network, central, riverside, manager) -> Survey:
    return make_survey(network, manager, blueprint="express", slug="express-2027-q1")


@pytest.fixture
def patron(central, manager) -> Patron:
    category = PatronCategory.objects.create(code="adult", name="Adult", age_band=AgeBand.ADULT)
    from datetime import date

    return Patron.objects.create(
        network=central.network, home_branch=central, category=category,
        family_name="Kovalenko", given_names="Oksana", date_of_birth=date(1990, 5, 4),
        email="oksana@example.org", language="uk", card_barcode="P2001", created_at=AT, status=PatronStatus.ACTIVE,
    )


def form(**answers: object) -> QueryDict:
    """Form data as the page posts it: q-<code> for each answer (lists for several)."""
    data = QueryDict(mutable=True)
    for key, value in answers.items():
        name = "q-" + key.replace("__", "-")
        for v in value if isinstance(value, list) else [value]:
            data.appendlist(name, str(v))
        data[f"q-{key.split('__')[0]}-shown"] = "1"
    return data


ANNUAL_OK = {"branch": "central", "how_often": "1", "services": ["1", "3"], "satisfaction": "4",
             "recommend": "9", "age": "adult"}


def answer(survey: Survey, *, patron=None, invitation=None, at: datetime = AT,
           place: str = "", language: str = "en", **answers: object) -> Response:
    """Start, save and send a response as the public (or `patron`) would."""
    actor = Actor.for_patron(patron) if patron is not None else Actor.for_public()
    response = services.start_response(survey=survey, language=language, patron=patron,
                                       invitation=invitation, actor=actor, at=at)
    problems = services.save_answers(response, data=form(**answers), at=at)
    assert not problems, problems
    return services.complete(response, patron=patron, invitation=invitation, place=place,
                             actor=actor, at=at)

"""The reports are built over the indicators' small world (tests/measures: three adults who
borrowed at the central library in December 2026, visits counted there and at Riverside, the
central library's population) and the planning world (tests/planning: the network's
programme for 2026 with one action and a staff-only update, Riverside's own programme), with a
SWOT analysis of the network for 2026 written in Ukrainian with a Chinese translation."""

from __future__ import annotations

import pytest

from bibliohub.history import Actor
from bibliohub.planning.models import Quadrant
from bibliohub.planning.services import swot as swots
from tests.circulation.conftest import (  # noqa: F401
    adult_category,
    default_rule,
    lend,
    librarian,
    make_item,
    make_record,
)
from tests.measures.conftest import world  # noqa: F401
from tests.planning.conftest import (  # noqa: F401
    AT,
    OWNER_NAME,
    STAFF_NOTE,
    _clock_from_at,
    _media_in_tmp,
    methodologist,
    monitor,
    owner,
    programme,
    riverside_programme,
)

STRENGTH_UK = "Сильна мережа філій"
STRENGTH_ZH = "强大的分馆网络"


@pytest.fixture
def swot(network, methodologist):  # noqa: F811
    actor = Actor.for_staff(methodologist)
    found = swots.save_swot(
        None, network=network, branch=None, year=2026, language="uk",
        summary="Підсумки року", actor=actor, at=AT,
    )
    swots.save_point(
        None, swot=found, actor=actor, at=AT,
        details=swots.PointDetails(
            quadrant=Quadrant.STRENGTH, statement=STRENGTH_UK, statements={"zh-hans": STRENGTH_ZH},
            reference="Annual questionnaire 2026",
        ),
    )
    return found


@pytest.fixture
def everything(world, programme, riverside_programme, swot):  # noqa: F811
    """The whole small world: figures, programmes and the SWOT analysis."""
    return world

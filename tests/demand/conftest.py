"""Unmet demand and purchase suggestions over the lending world of the circulation tests:
everything happens around AT, Tuesday 1 December 2026 at 10:00 in Kyiv."""

from __future__ import annotations

import pytest

from bibliohub.patrons.models import Patron
from tests.circulation.conftest import (  # noqa: F401
    AT,
    KYIV,
    _register,
    adult_category,
    default_rule,
    lend,
    librarian,
    make_item,
    make_record,
)


@pytest.fixture
def lan(central, adult_category, central_librarian, default_rule) -> Patron:  # noqa: F811
    """A reader who reads her e-mail in Vietnamese."""
    return _register(
        "Nguyễn", "P0201", adult_category, central, central_librarian,
        email="lan@example.org", language="vi",
    )


@pytest.fixture
def oksana(central, adult_category, central_librarian, default_rule) -> Patron:  # noqa: F811
    """A reader who reads her e-mail in Ukrainian."""
    return _register(
        "Шевченко", "P0202", adult_category, central, central_librarian,
        email="oksana@example.org", language="uk",
    )

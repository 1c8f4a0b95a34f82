from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.portal.world import (  # noqa: F401
    OTHER_PIN,
    PIN,
    _portal_clock,
    adult_category,
    child_category,
    default_rule,
    lend,
    make_item,
    other_reader,
    reader,
)


@pytest.fixture
def signed_in(client, reader):  # noqa: F811
    """A test client signed in as `reader`."""
    response = client.post(reverse("portal:sign-in"), {"card_number": "P1001", "pin": PIN})
    assert response.status_code == 302, response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"  # her own language
    # She then switches the interface to English, so that these tests read the English texts.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client

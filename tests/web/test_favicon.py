"""The site has an icon: every page links it, and /favicon.ico, which browsers ask for
whatever a page says, leads to it."""

from __future__ import annotations

from xml.etree import ElementTree

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_the_pages_link_the_icon_and_favicon_ico_leads_to_it(client, db):
    icon = static("web/favicon.svg")
    assert (
        f'<link rel="icon" href="{icon}" type="image/svg+xml">'
        in client.get(reverse("web:home")).content.decode()
    )
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, icon)
    path = finders.find("web/favicon.svg")
    assert path and ElementTree.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"

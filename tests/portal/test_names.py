"""The portal greets a reader by the name as their culture says it: given names where they
come last, the whole name where the family name comes first."""

from __future__ import annotations

from django.urls import reverse

from bibliohub.patrons.models import Patron


def test_a_polish_reader_is_greeted_by_her_given_name_and_sees_her_whole_name(signed_in):
    page = signed_in.get(reverse("portal:details")).content.decode()
    assert "Signed in as Anna, card P1001" in page and "Anna Wiśniewska" in page


def test_a_vietnamese_reader_is_greeted_by_her_whole_name_family_name_first(signed_in, reader):
    Patron.objects.filter(pk=reader.pk).update(family_name="Nguyễn", given_names="Thị Lan")
    page = signed_in.get(reverse("portal:details")).content.decode()
    assert "Signed in as Nguyễn Thị Lan, card P1001" in page and "Signed in as Thị Lan" not in page

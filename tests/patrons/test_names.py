"""Names in the order of their culture: in a sentence, in a list sorted by family name, in a
greeting; and the screens that show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub import names
from bibliohub.names import NameOrder


@pytest.mark.parametrize(
    ("family", "given", "language", "order"),
    [
        ("周", "子涵", "", NameOrder.FAMILY_FIRST_JOINED),
        ("李", "明轩", "en", NameOrder.FAMILY_FIRST_JOINED),
        ("さとう", "はなこ", "", NameOrder.FAMILY_FIRST_JOINED),
        ("김", "민준", "", NameOrder.FAMILY_FIRST_JOINED),
        ("Nguyễn", "Thị Lan", "en", NameOrder.FAMILY_FIRST),
        ("Đỗ", "Minh", "", NameOrder.FAMILY_FIRST),
        ("Nguyen", "Thi Lan", "vi", NameOrder.FAMILY_FIRST),
        ("Zhou", "Zihan", "zh-hans", NameOrder.FAMILY_FIRST),
        ("Kovács", "Éva", "hu", NameOrder.FAMILY_FIRST),
        ("Коваленко", "Оксана", "uk", NameOrder.GIVEN_FIRST),
        ("Wiśniewska", "Zofia", "pl", NameOrder.GIVEN_FIRST),
        ("Smith", "Jane", "", NameOrder.GIVEN_FIRST),
    ],
)
def test_the_order_comes_from_the_script_and_then_the_language(family, given, language, order):
    assert names.name_order(family, given, language=language) is order


@pytest.mark.parametrize(
    ("family", "given", "language", "text", "listed", "greeted"),
    [
        ("周", "子涵", "zh", "周子涵", "周子涵", "周子涵"),
        ("Nguyễn", "Thị Lan", "vi", "Nguyễn Thị Lan", "Nguyễn Thị Lan", "Nguyễn Thị Lan"),
        ("Коваленко", "Оксана", "uk", "Оксана Коваленко", "Коваленко, Оксана", "Оксана"),
        (
            "Kowalska",
            "Anna Maria",
            "pl",
            "Anna Maria Kowalska",
            "Kowalska, Anna Maria",
            "Anna Maria",
        ),
        ("Kovács", "Éva", "hu", "Kovács Éva", "Kovács Éva", "Kovács Éva"),
        ("Madonna", "", "en", "Madonna", "Madonna", "Madonna"),
    ],
)
def test_a_name_in_a_sentence_in_a_list_and_in_a_greeting(
    family, given, language, text, listed, greeted
):
    assert names.in_text(family, given, language=language) == text
    assert names.in_list(family, given, language=language) == listed
    assert names.to_greet(family, given, language=language) == greeted


def _patron(family: str, given: str, language: str, card: str):
    from bibliohub.patrons.models import Patron

    return Patron(family_name=family, given_names=given, language=language, card_barcode=card)


def test_a_patron_shows_the_same_three_forms():
    lan = _patron("Nguyễn", "Thị Lan", "vi", "P1")
    anna = _patron("Kowalska", "Anna", "pl", "P2")
    assert (lan.full_name, lan.listed_name, lan.greeting_name) == ("Nguyễn Thị Lan",) * 3
    assert (anna.full_name, anna.listed_name, anna.greeting_name) == (
        "Anna Kowalska",
        "Kowalska, Anna",
        "Anna",
    )
    assert str(lan) == "Nguyễn Thị Lan (P1)"


@pytest.fixture
def people(central, adult_category, central_librarian):
    from bibliohub.history import Actor
    from bibliohub.patrons import services
    from tests.patrons.conftest import AT

    def register(family: str, given: str, language: str, card: str):
        return services.register_patron(
            services.PatronDetails(family_name=family, given_names=given, language=language),
            category=adult_category, branch=central, card_barcode=card, at=AT,
            actor=Actor.for_staff(central_librarian),
        )  # fmt: skip

    return [
        register("周", "子涵", "zh-hans", "N1"),
        register("Kowalska", "Anna", "pl", "N2"),
        register("Nguyễn", "Thị Lan", "vi", "N3"),
    ]


def test_the_desk_lists_names_by_family_name_and_heads_a_record_with_the_name_as_said(
    client, central_librarian, people
):
    zihan, anna, _lan = people
    client.force_login(central_librarian)
    url = reverse("staff:patrons:search")
    assert "Kowalska, Anna" in client.get(url, {"q": "kowal"}).content.decode()
    assert "Nguyễn Thị Lan" in client.get(url, {"q": "nguyen"}).content.decode()
    assert "周子涵" in client.get(url, {"q": "周"}).content.decode()
    record = client.get(reverse("staff:patrons:detail", args=[anna.pk])).content.decode()
    assert "<h1>Anna Kowalska</h1>" in record
    assert (
        "<h1>周子涵</h1>"
        in client.get(reverse("staff:patrons:detail", args=[zihan.pk])).content.decode()
    )


def test_a_notice_greets_by_the_name_the_culture_uses():
    from django.template.loader import render_to_string

    def greeting(patron) -> str:
        return render_to_string("circulation/email/_greeting.txt", {"patron": patron}).strip()

    assert greeting(_patron("Kowalska", "Anna", "pl", "P2")) == "Dear Anna,"
    assert greeting(_patron("Nguyễn", "Thị Lan", "vi", "P1")) == "Dear Nguyễn Thị Lan,"
    assert greeting(_patron("周", "子涵", "zh-hans", "P3")) == "Dear 周子涵,"

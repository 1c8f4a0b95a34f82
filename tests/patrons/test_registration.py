from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from stdnum import luhn

from bibliohub.circulation import selectors as circulation
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons import selectors, services
from bibliohub.patrons.errors import BlockReason, InvalidPatronData, NotActive, NotPending
from bibliohub.patrons.models import Patron, PatronStatus

from .conftest import AT, KYIV

ONLINE = Actor.for_public()


def _details(**overrides) -> services.PatronDetails:
    values = {"family_name": "Wiśniewska", "given_names": "Anna", "language": "pl"}
    values.update(overrides)
    return services.PatronDetails(**values)


def test_a_patron_registered_at_the_desk_is_active_with_a_card_at_once(
    central, adult_category, central_librarian
):
    patron = services.register_patron(
        _details(),
        category=adult_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert patron.status == PatronStatus.ACTIVE
    assert patron.card_barcode
    assert patron.card_expires_on == date(2027, 9, 1)
    assert patron.home_branch == central
    assert patron.network == central.network
    assert circulation.blocks_for(patron, at=AT) == []


def test_registration_records_who_registered_whom_where_and_when(
    central, adult_category, central_librarian
):
    patron = services.register_patron(
        _details(),
        category=adult_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    entry = Entry.objects.get(patron_id=patron.pk)
    assert (entry.domain, entry.kind, entry.at, entry.branch_id, entry.staff_id) == (
        "patrons",
        "registered",
        AT,
        central.pk,
        central_librarian.pk,
    )
    assert (entry.channel, entry.actor, entry.network_id) == (
        Channel.DESK,
        "staff",
        central.network_id,
    )
    assert (entry.category_id, entry.age, entry.age_band) == (adult_category.pk, None, "")
    assert entry.pseudonym


def test_registration_records_the_age_on_that_day(central, adult_category, central_librarian):
    # Born 2 September 2008: seventeen on 1 September 2026, eighteen the day after.
    patron = services.register_patron(
        _details(date_of_birth=date(2008, 9, 2)),
        category=adult_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert Entry.objects.get(patron_id=patron.pk).age == 17


def test_a_generated_card_number_has_a_valid_check_digit(
    central, adult_category, central_librarian
):
    patron = services.register_patron(
        _details(),
        category=adult_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert len(patron.card_barcode) == 14 and patron.card_barcode.startswith("2")
    assert luhn.is_valid(patron.card_barcode)
    assert services.is_generated_card_number(patron.card_barcode)
    mistyped = (
        patron.card_barcode[:-2]
        + str((int(patron.card_barcode[-2]) + 1) % 10)
        + patron.card_barcode[-1]
    )
    assert not services.is_generated_card_number(mistyped)


def test_the_home_branch_can_differ_from_the_desk(
    central, riverside, adult_category, central_librarian
):
    patron = services.register_patron(
        _details(),
        category=adult_category,
        branch=central,
        home_branch=riverside,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert patron.home_branch == riverside
    assert Entry.objects.get(patron_id=patron.pk).branch_id == central.pk


def test_a_card_number_cannot_be_given_to_two_patrons_of_the_network(
    central, riverside, adult, adult_category, central_librarian
):
    with pytest.raises(InvalidPatronData) as refused:
        services.register_patron(
            _details(),
            category=adult_category,
            branch=riverside,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            card_barcode=adult.card_barcode,
        )
    assert "card_barcode" in refused.value.errors
    assert Patron.objects.count() == 1


def test_another_network_may_use_the_same_card_number(adult, adult_category, central_librarian):
    other = Network.objects.create(name="Village Library")
    village = Branch.objects.create(network=other, code="village", name="Village")
    patron = services.register_patron(
        _details(),
        category=adult_category,
        branch=village,
        actor=Actor.for_staff(central_librarian),
        at=AT,
        card_barcode=adult.card_barcode,
    )
    assert patron.card_barcode == adult.card_barcode


@pytest.mark.parametrize(
    ("overrides", "card", "field"),
    [
        ({"family_name": "  "}, "", "family_name"),
        ({"email": "not an address"}, "", "email"),
        ({"language": "de"}, "", "language"),
        ({}, "A|B", "card_barcode"),
        ({"date_of_birth": date(2030, 1, 1)}, "", "date_of_birth"),
    ],
)
def test_bad_details_are_refused_naming_the_field(
    central, adult_category, central_librarian, overrides, card, field
):
    with pytest.raises(InvalidPatronData) as refused:
        services.register_patron(
            _details(**overrides),
            category=adult_category,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            card_barcode=card,
        )
    assert field in refused.value.errors
    assert not Patron.objects.exists()
    assert not Entry.objects.exists()


def test_a_child_is_registered_with_a_guardian_and_a_class(child, adult):
    assert child.guardian == adult
    assert child.school_class == "3A"
    assert list(adult.wards.all()) == [child]


def test_a_guardian_must_have_a_confirmed_registration(central, child_category, central_librarian):
    parent = services.self_register(
        _details(), category=child_category, home_branch=central, actor=ONLINE, at=AT
    )
    with pytest.raises(InvalidPatronData) as refused:
        services.register_patron(
            _details(given_names="Zofia"),
            category=child_category,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            guardian=parent,
        )
    assert "guardian" in refused.value.errors


def test_a_self_registration_waits_for_staff_without_a_card(central, adult_category):
    patron = services.self_register(
        _details(), category=adult_category, home_branch=central, actor=ONLINE, at=AT
    )
    assert patron.status == PatronStatus.PENDING
    assert patron.card_barcode == ""
    assert circulation.blocks_for(patron, at=AT) == [BlockReason.PENDING]
    assert list(selectors.pending_registrations()) == [patron]
    entry = Entry.objects.get(patron_id=patron.pk)
    assert (entry.kind, entry.staff_id) == ("self_registered", None)
    assert (entry.channel, entry.actor, entry.branch_id) == (Channel.ONLINE, "public", central.pk)


def test_staff_confirm_a_self_registration_and_issue_the_card(
    central, adult_category, central_librarian
):
    patron = services.self_register(
        _details(), category=adult_category, home_branch=central, actor=ONLINE, at=AT
    )
    later = AT + timedelta(days=3)
    patron = services.confirm_patron(
        patron,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=later,
        card_barcode="P0100",
    )
    assert patron.status == PatronStatus.ACTIVE
    assert patron.card_barcode == "P0100"
    assert patron.card_expires_on == date(2027, 9, 4)
    assert circulation.blocks_for(patron, at=later) == []
    assert not selectors.pending_registrations().exists()
    assert Entry.objects.filter(
        patron_id=patron.pk, kind="confirmed", staff_id=central_librarian.pk, at=later
    ).exists()


def test_confirming_twice_is_refused(adult, central, central_librarian):
    with pytest.raises(NotPending):
        services.confirm_patron(
            adult, branch=central, actor=Actor.for_staff(central_librarian), at=AT
        )


def test_confirming_with_a_card_number_in_use_is_refused(
    adult, central, adult_category, central_librarian
):
    patron = services.self_register(
        _details(), category=adult_category, home_branch=central, actor=ONLINE, at=AT
    )
    with pytest.raises(InvalidPatronData):
        services.confirm_patron(
            patron,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            card_barcode=adult.card_barcode,
        )
    patron.refresh_from_db()
    assert patron.status == PatronStatus.PENDING


def test_a_card_is_valid_through_its_expiry_day_and_blocks_after_it(adult):
    last_day = datetime(2027, 9, 1, 23, 0, tzinfo=KYIV)
    assert circulation.blocks_for(adult, at=last_day) == []
    assert circulation.blocks_for(adult, at=last_day + timedelta(hours=2)) == [
        BlockReason.CARD_EXPIRED
    ]


def test_renewing_early_adds_the_period_to_the_current_expiry(adult, central, central_librarian):
    renewed = services.renew_card(
        adult,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=datetime(2027, 8, 20, 12, tzinfo=KYIV),
    )
    assert renewed.card_expires_on == date(2028, 9, 1)
    entry = Entry.objects.get(patron_id=adult.pk, kind="card_renewed")
    assert entry.detail == {"from": "2027-09-01", "to": "2028-09-01"}
    assert (entry.staff_id, entry.channel) == (central_librarian.pk, Channel.DESK)


def test_renewing_an_expired_card_counts_from_today(adult, central, central_librarian):
    at = datetime(2028, 3, 15, 12, tzinfo=KYIV)
    assert circulation.blocks_for(adult, at=at) == [BlockReason.CARD_EXPIRED]
    renewed = services.renew_card(
        adult, branch=central, actor=Actor.for_staff(central_librarian), at=at
    )
    assert renewed.card_expires_on == date(2029, 3, 15)
    assert circulation.blocks_for(renewed, at=at) == []


def test_a_pending_registration_has_no_card_to_renew(central, adult_category, central_librarian):
    patron = services.self_register(
        _details(), category=adult_category, home_branch=central, actor=ONLINE, at=AT
    )
    with pytest.raises(NotActive):
        services.renew_card(patron, branch=central, actor=Actor.for_staff(central_librarian), at=AT)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 9, 1), 12, date(2027, 9, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_card_validity_counts_calendar_months(day, months, expected):
    assert services.add_months(day, months) == expected


def test_the_patron_is_found_by_card_number_in_their_network(adult, network):
    assert selectors.patron_by_card(" P0001 ", network=network) == adult
    assert selectors.patron_by_card("P9999", network=network) is None
    assert selectors.patron_by_card("", network=network) is None


def test_students_of_a_class_are_listed_together(child, central):
    assert list(selectors.patrons_in_class(central, "3A")) == [child]

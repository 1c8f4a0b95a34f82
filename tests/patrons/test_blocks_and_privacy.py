from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bibliohub.circulation import selectors as circulation
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.patrons import selectors, services
from bibliohub.patrons.errors import (
    BlockAlreadyLifted,
    BlockReason,
    ErasureRefusal,
    ErasureRefused,
    InvalidPatronData,
)
from bibliohub.patrons.models import Block, Patron, PatronStatus

from .conftest import AT


def _entries(**filters):
    return Entry.objects.filter(domain="patrons", **filters).order_by("pk")


def test_a_manual_block_stops_borrowing_until_it_is_lifted(
    blocked_patron, riverside, riverside_librarian
):
    assert circulation.blocks_for(blocked_patron, at=AT) == [BlockReason.MANUAL_BLOCK]
    block = blocked_patron.blocks.get()
    later = AT + timedelta(days=2)
    services.lift_block(
        block, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=later
    )
    assert circulation.blocks_for(blocked_patron, at=later) == []
    # Still blocked before it was lifted: the answer depends on `at`, not on today.
    assert circulation.blocks_for(blocked_patron, at=later - timedelta(minutes=1)) == [
        BlockReason.MANUAL_BLOCK
    ]
    kinds = list(_entries(patron_id=blocked_patron.pk).values_list("kind", "staff_id"))
    assert kinds == [
        ("registered", riverside_librarian.pk),
        ("blocked", riverside_librarian.pk),
        ("block_lifted", riverside_librarian.pk),
    ]
    block.refresh_from_db()
    assert (block.staff, block.lifted_by) == (riverside_librarian, riverside_librarian)
    lifted = _entries(kind="block_lifted").get()
    assert (lifted.object_type, lifted.object_id) == ("patrons.block", block.pk)
    assert (lifted.branch_id, lifted.channel, lifted.at) == (riverside.pk, Channel.DESK, later)


def test_a_block_with_an_end_date_ends_by_itself(adult, central, central_librarian):
    services.add_block(
        adult,
        reason="Noise in the reading room",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
        ends_at=AT + timedelta(days=7),
    )
    assert circulation.blocks_for(adult, at=AT + timedelta(days=6)) == [BlockReason.MANUAL_BLOCK]
    assert circulation.blocks_for(adult, at=AT + timedelta(days=7)) == []


def test_the_block_entry_does_not_repeat_the_reason(adult, central, central_librarian):
    block = services.add_block(
        adult,
        reason="Private matter",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
        ends_at=AT + timedelta(days=7),
    )
    entry = _entries(kind="blocked").get()
    assert "Private matter" not in json.dumps(entry.detail)
    assert entry.detail == {"until": (AT + timedelta(days=7)).isoformat()}
    assert (entry.object_type, entry.object_id, entry.patron_id) == (
        "patrons.block",
        block.pk,
        adult.pk,
    )


@pytest.mark.parametrize(
    ("reason", "ends_after", "field"),
    [("   ", None, "reason"), ("Lost card", timedelta(0), "ends_at")],
)
def test_a_block_needs_a_reason_and_an_end_after_its_start(
    adult, central, central_librarian, reason, ends_after, field
):
    with pytest.raises(InvalidPatronData) as refused:
        services.add_block(
            adult,
            reason=reason,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            ends_at=None if ends_after is None else AT + ends_after,
        )
    assert field in refused.value.errors
    assert not Block.objects.exists()


def test_a_block_cannot_be_lifted_twice(blocked_patron, riverside, riverside_librarian, manager):
    block = blocked_patron.blocks.get()
    services.lift_block(block, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=AT)
    with pytest.raises(BlockAlreadyLifted):
        services.lift_block(block, branch=riverside, actor=Actor.for_staff(manager), at=AT)
    block.refresh_from_db()
    assert block.lifted_by == riverside_librarian


def test_every_reason_is_given_at_once(blocked_patron):
    expired = AT + timedelta(days=400)
    assert circulation.blocks_for(blocked_patron, at=expired) == [
        BlockReason.CARD_EXPIRED,
        BlockReason.MANUAL_BLOCK,
    ]


def test_each_block_reason_has_a_message_for_the_patron():
    for reason in BlockReason:
        assert reason.message and reason.message != reason.value


def test_a_patron_opts_into_a_reading_history_with_the_date(adult):
    patron = services.set_reading_history(adult, keep=True, actor=Actor.for_patron(adult), at=AT)
    assert patron.reading_history and patron.reading_history_consent_at == AT
    patron = services.set_reading_history(
        adult, keep=False, actor=Actor.for_patron(adult), at=AT + timedelta(days=30)
    )
    assert not patron.reading_history and patron.reading_history_consent_at is None
    kinds = list(_entries(patron_id=adult.pk).values_list("kind", "channel", "actor"))
    assert kinds == [
        ("registered", Channel.DESK, "staff"),
        ("reading_history_on", Channel.ONLINE, "patron"),
        ("reading_history_off", Channel.ONLINE, "patron"),
    ]


def test_repeating_the_same_choice_records_nothing(adult):
    services.set_reading_history(adult, keep=False, actor=Actor.for_patron(adult), at=AT)
    assert not _entries(kind__startswith="reading_history").exists()


def test_the_data_export_holds_everything_about_the_patron_as_json(
    adult, child, central, central_librarian
):
    services.set_reading_history(adult, keep=True, actor=Actor.for_patron(adult), at=AT)
    services.add_block(
        adult, reason="Lost card", branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    data = services.export_patron_data(
        adult, actor=Actor.for_patron(adult), at=AT + timedelta(days=1)
    )
    json.dumps(data)  # serialisable as it is
    person = data["patron"]
    assert person["card_number"] == "P0001"
    assert (person["family_name"], person["given_names"]) == ("Kovalenko", "Oksana")
    assert person["date_of_birth"] == "1985-04-12"
    assert person["email"] == "oksana@example.org"
    assert person["address"] == "Khreshchatyk 1, Kyiv"
    assert person["preferred_language"] == "uk"
    assert person["category"]["code"] == "adult"
    assert person["home_branch"]["code"] == "central"
    assert person["card_expires_on"] == "2027-09-01"
    assert person["reading_history"] is True
    assert data["children"] == [{"card_number": "P0002", "name": "Taras Kovalenko"}]
    assert data["blocks"][0]["reason"] == "Lost card"
    assert [(h["domain"], h["what"], h["branch"]) for h in data["history"]] == [
        ("patrons", "registered", "central"),
        ("patrons", "reading_history_on", None),
        ("patrons", "blocked", "central"),
    ]
    assert "olena" not in json.dumps(data)  # staff are not named
    assert _entries(patron_id=adult.pk, kind="data_exported", channel=Channel.ONLINE).exists()


def test_a_child_export_names_the_guardian(child):
    data = services.export_patron_data(child, actor=Actor.for_patron(child), at=AT)
    assert data["guardian"] == {"card_number": "P0001", "name": "Oksana Kovalenko"}


def test_erasing_a_patron_removes_them_and_keeps_anonymous_statistics(
    blocked_patron, riverside, riverside_librarian, adult_category
):
    services.erase_patron(
        blocked_patron, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=AT
    )
    assert not Patron.objects.filter(pk=blocked_patron.pk).exists()
    assert not Block.objects.exists()
    entries = _entries()
    assert [e.kind for e in entries] == ["registered", "blocked", "erased"]
    assert all(e.patron_id is None for e in entries)
    # The same pseudonym on each, so the person is still counted once.
    assert len({e.pseudonym for e in entries}) == 1 and entries[0].pseudonym
    erased = entries.last()
    assert (erased.category_id, erased.branch_id, erased.staff_id) == (
        adult_category.pk,
        riverside.pk,
        riverside_librarian.pk,
    )
    assert erased.detail == {"home_branch": "riverside"}
    assert "Nguyen" not in json.dumps(list(entries.values("detail")))


def test_the_guardian_of_an_active_child_cannot_be_erased(adult, child, central, central_librarian):
    assert selectors.erasure_refusals(adult) == [ErasureRefusal.GUARDIAN_OF_ACTIVE_CHILD]
    with pytest.raises(ErasureRefused) as refused:
        services.erase_patron(
            adult, branch=central, actor=Actor.for_staff(central_librarian), at=AT
        )
    assert refused.value.reasons == [ErasureRefusal.GUARDIAN_OF_ACTIVE_CHILD]
    assert Patron.objects.filter(pk=adult.pk).exists()
    assert not _entries(kind="erased").exists()


def test_once_the_child_is_erased_the_guardian_can_be(adult, child, central, central_librarian):
    services.erase_patron(child, branch=central, actor=Actor.for_staff(central_librarian), at=AT)
    assert selectors.erasure_refusals(adult) == []
    services.erase_patron(adult, branch=central, actor=Actor.for_staff(central_librarian), at=AT)
    assert not Patron.objects.exists()


def test_a_pending_child_keeps_the_registration_when_the_guardian_is_erased(
    adult, central, child_category, central_librarian
):
    pending = services.self_register(
        services.PatronDetails(family_name="Kovalenko", given_names="Ivan"),
        category=child_category,
        home_branch=central,
        actor=Actor.for_patron(adult),
        at=AT,
        guardian=adult,
    )
    services.erase_patron(adult, branch=central, actor=Actor.for_staff(central_librarian), at=AT)
    pending.refresh_from_db()
    assert pending.guardian is None and pending.status == PatronStatus.PENDING

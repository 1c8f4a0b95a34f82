"""Purchase suggestions: each step, the message it sends the patron in their language, what
the history keeps of it, the hold placed when the copy arrives, and the checks on what is
typed (ISBNs above all)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bibliohub.accounts.access import NotPermitted
from bibliohub.circulation.models import Hold, HoldStatus
from bibliohub.demand import selectors, services
from bibliohub.demand.errors import DemandRefused
from bibliohub.demand.models import Suggestion, SuggestionState
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.mail.models import Message
from tests.demand.conftest import AT


def suggest(patron, branch, **given) -> Suggestion:
    values = {
        "title": "Nỗi buồn chiến tranh", "author": "Bảo Ninh", "isbn": "978-604-1-00000-1",
        "language": "vie", "reason": "Cho câu lạc bộ sách của tôi",
        "actor": Actor.for_patron(patron), "at": AT,
    } | given
    return services.suggest(branch=branch, patron=patron, **values)


def messages_to(address: str) -> list[Message]:
    return list(Message.objects.filter(to=address).order_by("pk"))


@pytest.fixture
def desk(central_librarian) -> Actor:
    return Actor.for_staff(central_librarian)


def test_a_suggestion_from_the_portal_is_new_and_the_patron_is_told_in_vietnamese(central, lan):
    suggestion = suggest(lan, central, isbn="")

    assert suggestion.state == SuggestionState.NEW
    assert suggestion.channel == "online" and suggestion.wants_hold
    [message] = messages_to("lan@example.org")
    assert message.language == "vi" and message.kind == "demand/email/suggestion"
    assert message.body.startswith("Kính gửi")
    assert "Nỗi buồn chiến tranh" in message.body


def test_each_step_is_recorded_and_told_to_the_patron_in_their_language(
    central, oksana, desk, make_item
):
    suggestion = suggest(oksana, central, title="Intermezzo", author="Sally Rooney", isbn="")
    services.accept(suggestion, actor=desk, at=AT + timedelta(days=1))
    services.mark_ordered(suggestion, actor=desk, at=AT + timedelta(days=2))
    copy = make_item()
    services.receive(suggestion, record=copy.record, actor=desk, at=AT + timedelta(days=9))
    services.close(suggestion, actor=desk, at=AT + timedelta(days=10))

    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.CLOSED
    sent = [m for m in messages_to("oksana@example.org") if m.kind == "demand/email/suggestion"]
    assert len(sent) == 5
    assert {m.language for m in sent} == {"uk"}
    assert all(m.body.startswith("Вітаємо") and "Intermezzo" in m.body for m in sent)
    entries = Entry.objects.filter(domain="demand").order_by("pk")
    assert [e.kind for e in entries] == ["suggested", "accepted", "ordered", "received", "closed"]
    assert [e.detail["state"] for e in entries] == [
        "new", "accepted", "ordered", "received", "closed"
    ]
    for entry in entries:
        text = str(entry.detail)
        assert "Intermezzo" not in text and "Rooney" not in text and "Шевченко" not in text
        assert entry.branch_id == central.pk and entry.object_id == suggestion.pk
    assert entries[0].channel == "online" and entries[1].channel == "desk"


def test_declining_says_why_in_the_patrons_language_and_can_then_only_close(
    central, lan, desk
):
    suggestion = suggest(lan, central)
    services.decline(suggestion, reason="too_expensive", note="Sách quá đắt.", actor=desk, at=AT)

    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.DECLINED
    assert suggestion.decline_reason == "too_expensive"
    last = messages_to("lan@example.org")[-1]
    assert last.language == "vi" and "Sách quá đắt." in last.body
    entry = Entry.objects.get(domain="demand", kind="declined")
    assert entry.detail == {"state": "declined", "reason": "too_expensive"}
    with pytest.raises(DemandRefused) as refused:
        services.accept(suggestion, actor=desk, at=AT)
    assert refused.value.codes == ["wrong_state"]
    services.close(suggestion, actor=desk, at=AT)


def test_declining_needs_a_reason(central, lan, desk):
    suggestion = suggest(lan, central)
    with pytest.raises(DemandRefused) as refused:
        services.decline(suggestion, reason="", actor=desk, at=AT)
    assert refused.value.codes == ["no_decline_reason"]


def test_steps_out_of_order_are_refused(central, lan, desk, make_item):
    suggestion = suggest(lan, central)
    with pytest.raises(DemandRefused):
        services.mark_ordered(suggestion, actor=desk, at=AT)
    with pytest.raises(DemandRefused):
        services.receive(suggestion, record=make_item().record, actor=desk, at=AT)
    with pytest.raises(DemandRefused):
        services.close(suggestion, actor=desk, at=AT)
    assert not Entry.objects.filter(domain="demand").exclude(kind="suggested").exists()


def test_on_receipt_a_hold_is_placed_for_the_patron_who_asked(central, lan, desk, make_item):
    suggestion = suggest(lan, central)
    services.accept(suggestion, actor=desk, at=AT)
    services.mark_ordered(suggestion, actor=desk, at=AT)
    copy = make_item()
    services.receive(suggestion, record=copy.record, actor=desk, at=AT + timedelta(days=7))

    suggestion.refresh_from_db()
    hold = Hold.objects.get(patron=lan)
    assert suggestion.hold_id == hold.pk and suggestion.record_id == copy.record_id
    assert hold.record_id == copy.record_id and hold.pickup_branch == central
    assert hold.status in (HoldStatus.WAITING, HoldStatus.READY, HoldStatus.IN_TRANSIT)
    entry = Entry.objects.get(domain="demand", kind="received")
    assert entry.detail["hold"] == "placed"
    assert "Kính gửi" in messages_to("lan@example.org")[-1].body


def test_no_hold_when_the_patron_did_not_want_one(central, lan, desk, make_item):
    suggestion = suggest(lan, central, wants_hold=False)
    services.accept(suggestion, actor=desk, at=AT)
    services.mark_ordered(suggestion, actor=desk, at=AT)
    services.receive(suggestion, record=make_item().record, actor=desk, at=AT)
    assert not Hold.objects.exists()
    assert Entry.objects.get(domain="demand", kind="received").detail["hold"] == "not_wanted"


def test_a_refused_hold_does_not_stop_the_receipt(central, lan, desk, make_item):
    suggestion = suggest(lan, central)
    services.accept(suggestion, actor=desk, at=AT)
    services.mark_ordered(suggestion, actor=desk, at=AT)
    copy = make_item()
    # The patron already holds the title: a second hold is refused.
    Hold.objects.create(
        record=copy.record, patron=lan, pickup_branch=central, status=HoldStatus.WAITING,
        placed_at=AT,
    )
    services.receive(suggestion, record=copy.record, actor=desk, at=AT)
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.RECEIVED and suggestion.hold_id is None
    assert Entry.objects.get(domain="demand", kind="received").detail["hold"] == "refused"
    assert Entry.objects.filter(domain="circulation", kind="hold_refused", patron_id=lan.pk).exists()


@pytest.mark.parametrize(
    ("isbn", "code"),
    [
        ("12345", "isbn_length"),
        ("97806043X0000", "isbn_format"),
        ("978-0-306-40615-8", "isbn_checksum"),
        ("0-306-40615-3", "isbn_checksum"),
    ],
)
def test_a_wrong_isbn_is_refused_with_what_is_wrong(central, lan, isbn, code):
    with pytest.raises(DemandRefused) as refused:
        suggest(lan, central, isbn=isbn)
    assert refused.value.codes == [code]
    assert "isbn" in refused.value.errors
    assert not Suggestion.objects.exists() and not Message.objects.exists()


def test_an_isbn_10_is_kept_as_an_isbn_13(central, lan):
    suggestion = suggest(lan, central, isbn="0-306-40615-2")
    assert suggestion.isbn == "9780306406157"


def test_a_suggestion_needs_a_title(central, lan):
    with pytest.raises(DemandRefused) as refused:
        suggest(lan, central, title="  ", isbn="")
    assert refused.value.errors == {"title": ["Give the title, or an ISBN."]}


def test_a_patron_suggests_only_for_themselves(central, lan, oksana):
    with pytest.raises(NotPermitted):
        services.suggest(
            branch=central, patron=oksana, title="Kobzar", actor=Actor.for_patron(lan), at=AT
        )


def test_only_staff_of_the_branch_handle_a_suggestion(central, lan, riverside_librarian):
    suggestion = suggest(lan, central)
    with pytest.raises(NotPermitted):
        services.accept(suggestion, actor=Actor.for_staff(riverside_librarian), at=AT)
    with pytest.raises(NotPermitted):
        services.accept(suggestion, actor=Actor.for_patron(lan), at=AT)


def test_staff_suggest_without_a_patron_and_nobody_is_told(central, desk):
    suggestion = services.suggest(
        branch=central, title="Atomic Habits", author="James Clear", actor=desk, at=AT
    )
    assert suggestion.patron is None and not suggestion.wants_hold
    assert not Message.objects.exists()
    assert Entry.objects.get(domain="demand", kind="suggested").patron_id is None


def test_order_candidates_are_the_accepted_suggestions_oldest_first(central, lan, oksana, desk):
    first = suggest(lan, central, title="First")
    second = suggest(oksana, central, title="Second")
    suggest(lan, central, title="Still new")
    services.accept(second, actor=desk, at=AT + timedelta(hours=1))
    services.accept(first, actor=desk, at=AT + timedelta(hours=2))

    assert list(selectors.order_candidates(network_id=central.network_id)) == [second, first]
    services.mark_ordered(second, actor=desk, at=AT + timedelta(hours=3))
    assert list(selectors.order_candidates(branch=central)) == [first]

"""My account: loans and renewals, holds, fines, reading history, details, language and data,
through the views; a patron reaches only their own rows, and refusals are shown in words."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bibliohub.circulation import services
from bibliohub.circulation.models import Hold, HoldStatus, RenewalBase
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry

PAGES = ["portal:loans", "portal:holds", "portal:fines", "portal:history", "portal:details"]


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("page", PAGES)
def test_every_account_page_opens_for_the_signed_in_patron(signed_in, page):
    response = signed_in.get(reverse(page))
    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("page", [*PAGES, "portal:register-child"])
def test_account_pages_send_strangers_to_sign_in_and_back(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign-in"))
    assert "next=" in response["Location"]


def test_my_loans_list_titles_and_due_dates(signed_in, reader, make_item, lend):
    loan = lend(reader, make_item("Pan Tadeusz"))
    page = signed_in.get(reverse("portal:loans")).content.decode()
    assert "Pan Tadeusz" in page
    assert reverse("portal:renew", args=[loan.pk]) in page


def test_renewing_a_loan_moves_its_due_date_and_says_so(signed_in, reader, make_item, lend):
    loan = lend(reader, make_item("Pan Tadeusz"), days_ago=10)
    old_due = loan.due_at
    response = signed_in.post(reverse("portal:renew", args=[loan.pk]), follow=True)
    loan.refresh_from_db()
    assert loan.renewals == 1 and loan.due_at > old_due
    assert "is renewed" in _messages(response)
    event = Entry.objects.get(kind="renew", object_type="circulation.loan", object_id=loan.pk)
    assert event.staff_id is None and (event.channel, event.actor) == (Channel.ONLINE, "patron")
    assert event.patron_id == reader.pk


def test_a_refused_renewal_says_why(signed_in, reader, other_reader, make_item, lend, central):
    item = make_item("Quo vadis")
    loan = lend(reader, item)
    services.place_hold(
        patron=other_reader,
        record=item.record,
        pickup_branch=central,
        actor=Actor.for_patron(other_reader),
        at=timezone.now(),
    )
    response = signed_in.post(reverse("portal:renew", args=[loan.pk]), follow=True)
    loan.refresh_from_db()
    assert loan.renewals == 0
    assert "was not renewed" in _messages(response)
    assert "Another reader is waiting for this item." in _messages(response)


def test_renewing_too_soon_is_refused_in_the_readers_words(
    signed_in, reader, make_item, lend, default_rule
):
    default_rule.renewal_base = RenewalBase.RENEWAL_DAY
    default_rule.save()
    loan = lend(reader, make_item("Lalka"), days_ago=0)
    old_due = loan.due_at
    response = signed_in.post(reverse("portal:renew", args=[loan.pk]), follow=True)
    loan.refresh_from_db()
    assert (loan.renewals, loan.due_at) == (0, old_due)
    assert _messages(response) == (
        "“Lalka” was not renewed: "
        "It is too soon: renewing it today would not give you any more time."
    )


def test_renew_all_renews_what_it_can_and_lists_the_refusals(
    signed_in, reader, other_reader, make_item, lend, central
):
    free = lend(reader, make_item("Lalka"))
    wanted_item = make_item("Chłopi")
    wanted = lend(reader, wanted_item)
    services.place_hold(
        patron=other_reader,
        record=wanted_item.record,
        pickup_branch=central,
        actor=Actor.for_patron(other_reader),
        at=timezone.now(),
    )
    response = signed_in.post(reverse("portal:renew-all"), follow=True)
    free.refresh_from_db()
    wanted.refresh_from_db()
    assert (free.renewals, wanted.renewals) == (1, 0)
    text = _messages(response)
    assert "1 item renewed." in text and "“Chłopi” was not renewed" in text


def test_a_patron_cannot_renew_someone_elses_loan(signed_in, other_reader, make_item, lend):
    loan = lend(other_reader, make_item())
    assert signed_in.post(reverse("portal:renew", args=[loan.pk])).status_code == 404
    loan.refresh_from_db()
    assert loan.renewals == 0


def test_the_record_page_offers_a_hold_once_signed_in(client, reader, make_item):
    item = make_item("Ferdydurke")
    record_url = reverse("web:record", args=[item.record_id])
    page = client.get(record_url).content.decode()
    assert "Sign in to place a hold" in page
    client.post(reverse("portal:sign-in"), {"card_number": "P1001", "pin": "2468"})
    page = client.get(record_url).content.decode()
    assert reverse("portal:place-hold", args=[item.record_id]) in page


def test_placing_a_hold_from_the_record_page(
    signed_in, reader, other_reader, make_item, lend, riverside
):
    item = make_item("Ferdydurke")
    lend(other_reader, item)
    response = signed_in.post(
        reverse("portal:place-hold", args=[item.record_id]), {"pickup_branch": riverside.pk}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:holds")
    hold = Hold.objects.get(patron=reader)
    assert hold.record_id == item.record_id and hold.pickup_branch == riverside
    assert hold.placed_by is None
    page = signed_in.get(reverse("portal:holds")).content.decode()
    assert "Ferdydurke" in page and "number 1 in the queue" in page


def test_a_refused_hold_says_why_on_the_record_page(signed_in, reader, make_item, lend, central):
    item = make_item("Solaris")
    lend(reader, item)
    response = signed_in.post(
        reverse("portal:place-hold", args=[item.record_id]),
        {"pickup_branch": central.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("web:record", args=[item.record_id])
    assert "The hold was not placed" in _messages(response)
    assert "You already have this title on loan." in _messages(response)
    assert not Hold.objects.exists()


def test_a_stranger_placing_a_hold_is_asked_to_sign_in_first(client, make_item, central):
    item = make_item()
    response = client.post(
        reverse("portal:place-hold", args=[item.record_id]), {"pickup_branch": central.pk}
    )
    assert response["Location"].startswith(reverse("portal:sign-in"))
    assert not Hold.objects.exists()


def test_cancelling_a_hold_and_changing_its_pickup_branch(
    signed_in, reader, other_reader, make_item, lend, central, riverside
):
    item = make_item("Solaris")
    lend(other_reader, item)
    hold = services.place_hold(
        patron=reader, record=item.record, pickup_branch=central, actor=Actor.for_patron(reader), at=timezone.now()
    )
    response = signed_in.post(
        reverse("portal:change-pickup", args=[hold.pk]),
        {f"hold-{hold.pk}-pickup_branch": riverside.pk},
        follow=True,
    )
    hold.refresh_from_db()
    assert hold.pickup_branch == riverside
    assert "will wait for you at Riverside Branch" in _messages(response)
    signed_in.post(reverse("portal:cancel-hold", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED


def test_a_patron_cannot_touch_someone_elses_hold(signed_in, other_reader, make_item, central):
    item = make_item()
    hold = services.place_hold(
        patron=other_reader,
        record=item.record,
        pickup_branch=central,
        actor=Actor.for_patron(other_reader),
        at=timezone.now(),
    )
    assert signed_in.post(reverse("portal:cancel-hold", args=[hold.pk])).status_code == 404
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING


def test_my_fines_show_what_is_owed(signed_in, reader, central, central_librarian):
    services.charge_fine(
        patron=reader,
        amount=Decimal("2.50"),
        note="Lost card",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=timezone.now(),
    )
    page = signed_in.get(reverse("portal:fines")).content.decode()
    assert "2.50" in page or "2,50" in page


def test_reading_history_is_shown_only_once_opted_in(
    signed_in, reader, make_item, lend, central, central_librarian
):
    item = make_item("Sklepy cynamonowe")
    lend(reader, item, days_ago=5)
    page = signed_in.get(reverse("portal:history")).content.decode()
    assert "Turn on my reading history" in page
    signed_in.post(reverse("portal:history"), {"keep": "yes"})
    reader.refresh_from_db()
    assert reader.reading_history
    services.checkin(
        item=item, branch=central, actor=Actor.for_staff(central_librarian), at=timezone.now()
    )
    page = signed_in.get(reverse("portal:history")).content.decode()
    assert "Sklepy cynamonowe" in page
    signed_in.post(reverse("portal:history"), {"keep": "no"})
    reader.refresh_from_db()
    assert not reader.reading_history
    choices = Entry.objects.filter(patron_id=reader.pk, kind__startswith="reading_history")
    assert list(choices.order_by("pk").values_list("kind", "channel", "actor", "branch_id")) == [
        ("reading_history_on", Channel.ONLINE, "patron", central.pk),
        ("reading_history_off", Channel.ONLINE, "patron", central.pk),
    ]


def test_changing_my_details_and_language_switches_the_interface(signed_in, reader, settings):
    response = signed_in.post(
        reverse("portal:details"),
        {
            "email": "anna.w@example.org",
            "phone": "+48 600 100 200",
            "address": "",
            "language": "uk",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    reader.refresh_from_db()
    assert (reader.email, reader.language) == ("anna.w@example.org", "uk")
    entry = Entry.objects.get(patron_id=reader.pk, kind="details_changed")
    assert (entry.channel, entry.actor, entry.staff_id) == (Channel.ONLINE, "patron", None)
    assert sorted(entry.detail["fields"]) == ["email", "language", "phone"]
    page = signed_in.get(reverse("portal:details")).content.decode()
    assert '<html lang="uk">' in page


def test_a_bad_email_address_is_shown_on_its_field(signed_in, reader):
    response = signed_in.post(
        reverse("portal:details"), {"email": "not an address", "language": "pl"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    reader.refresh_from_db()
    assert reader.email == "anna@example.org"


def test_changing_my_pin_keeps_me_signed_in(signed_in, reader):
    response = signed_in.post(
        reverse("portal:change-pin"),
        {"current_pin": "2468", "pin": "86420", "pin_again": "86420"},
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.pin_matches("86420")
    assert signed_in.get(reverse("portal:loans")).status_code == 200
    entry = Entry.objects.filter(patron_id=reader.pk, kind="pin_set").latest("pk")
    assert (entry.channel, entry.actor) == (Channel.ONLINE, "patron")


def test_changing_my_pin_needs_the_current_one(signed_in, reader):
    response = signed_in.post(
        reverse("portal:change-pin"), {"current_pin": "0000", "pin": "86420", "pin_again": "86420"}
    )
    assert response.status_code == 200
    assert "This is not your current PIN." in response.content.decode()


def test_downloading_my_data_gives_json_and_is_recorded(signed_in, reader):
    response = signed_in.post(reverse("portal:download-data"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["patron"]["card_number"] == "P1001"
    assert data["patron"]["family_name"] == "Wiśniewska"
    assert Entry.objects.filter(
        patron_id=reader.pk, kind="data_exported", channel=Channel.ONLINE, actor="patron"
    ).exists()


def test_overdue_loans_are_marked_and_blocks_explained(signed_in, reader, make_item, lend):
    lend(reader, make_item("Lalka"), days_ago=30)
    page = signed_in.get(reverse("portal:loans")).content.decode()
    assert "overdue" in page
    assert "You cannot borrow or renew at the moment" in page
    assert "You have overdue items; return them first." in page


def test_my_loans_page_costs_the_same_queries_for_two_or_twelve_loans_without_marc(
    signed_in, reader, make_item, lend
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(reverse("portal:loans")).status_code == 200
        # The titles come without the MARC records they were extracted from.
        assert not [q for q in captured if '"catalog_record"."marc"' in q["sql"]]
        return len(captured)

    for _ in range(2):
        lend(reader, make_item())
    few = queries()
    for _ in range(10):
        lend(reader, make_item())
    assert queries() == few


def test_my_holds_page_shows_queue_places_at_the_same_cost_for_two_or_eight_holds(
    signed_in, reader, other_reader, make_item, lend, central
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def hold_on_a_title_out_on_loan() -> None:
        item = make_item()
        lend(other_reader, item)
        services.place_hold(
            patron=reader, record=item.record, pickup_branch=central, actor=Actor.for_patron(reader),
            at=timezone.now(),
        )  # fmt: skip

    def page() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(reverse("portal:holds"))
        return len(captured), response.content.decode()

    for _ in range(2):
        hold_on_a_title_out_on_loan()
    few, content = page()
    assert content.count("number 1 in the queue") == 2
    for _ in range(6):
        hold_on_a_title_out_on_loan()
    more, content = page()
    assert content.count("number 1 in the queue") == 8
    assert more == few

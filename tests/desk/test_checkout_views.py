"""The front desk through its views: the desk's branch, checkout by scanning, refusals in
words, overrides, holds offered for a copy that is out, returns and where items go."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from bibliohub.accounts.models import Role, User
from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import services
from bibliohub.circulation.models import Hold, HoldStatus, Loan
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.patrons import services as patron_services
from tests.desk.conftest import AT, return_item, scan


def test_desk_screens_send_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("staff:circulation:checkout_start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_a_staff_role_cannot_open_the_desk(client, db):
    client.force_login(User.objects.create_user(username="reader", password="x", role=""))
    assert client.get(reverse("staff:circulation:checkin")).status_code == 403


def test_a_cataloguer_without_branches_chooses_a_desk_branch_first(client, central, riverside):
    user = User.objects.create_user(username="ivan", password="x", role=Role.NETWORK_MANAGER)
    client.force_login(user)
    response = client.get(reverse("staff:circulation:checkin"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:circulation:choose_desk"))
    response = client.post(
        reverse("staff:circulation:choose_desk"),
        {"branch": riverside.pk, "next": reverse("staff:circulation:checkin")},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:circulation:checkin"
    )
    page = client.get(reverse("staff:circulation:checkin"))
    assert page.status_code == 200
    assert "Riverside Branch" in page.content.decode()


def test_a_branch_librarian_cannot_work_at_another_branchs_desk(desk, riverside):
    response = desk.post(reverse("staff:circulation:choose_desk"), {"branch": riverside.pk})
    assert response.status_code == 400
    assert desk.session.get("desk_branch") != riverside.pk


def test_a_librarian_without_branches_is_told_why_there_is_no_desk(client, db):
    user = User.objects.create_user(username="nobranch", password="x", role=Role.BRANCH_LIBRARIAN)
    client.force_login(user)
    response = client.get(reverse("staff:circulation:checkin"))
    assert response.status_code == 403


def test_scanning_a_card_opens_the_patrons_checkout_and_an_unknown_card_is_named(desk, reader):
    url = reverse("staff:circulation:checkout_start")
    response = desk.get(url, {"card": " P0001 "})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:circulation:checkout", args=[reader.pk])
    response = desk.get(url, {"card": "P9999"})
    assert response.status_code == 400
    assert "No patron has the card P9999." in response.content.decode()


def test_a_full_checkout_of_two_items_one_scan_after_another(
    desk, reader, make_item, central, central_librarian
):
    first, second = make_item(), make_item()
    one = scan(desk, reader, first.barcode)
    two = scan(desk, reader, second.barcode)
    for response, item in ((one, first), (two, second)):
        assert response.status_code == 200
        html = response.content.decode()
        loan = Loan.objects.get(item=item, returned_at__isnull=True)
        assert "Lent" in html and item.barcode in html
        assert f"due {loan.due_at.astimezone(AT.tzinfo):%Y-%m-%d}" in html
        assert 'hx-swap-oob="true"' in html  # the loan list below refreshes
    loans = Loan.objects.filter(patron=reader, returned_at__isnull=True)
    assert loans.count() == 2
    assert {loan.branch_id for loan in loans} == {central.pk}
    assert {loan.staff_id for loan in loans} == {central_librarian.pk}
    checkouts = Entry.objects.filter(domain="circulation", kind="checkout")
    assert [(e.channel, e.staff_id, e.branch_id) for e in checkouts] == [
        (Channel.DESK, central_librarian.pk, central.pk)
    ] * 2
    # The page, loaded again, lists both results above the field, the newest last.
    page = desk.get(reverse("staff:circulation:checkout", args=[reader.pk])).content.decode()
    assert page.index(first.barcode) < page.index(second.barcode) < page.index('name="barcode"')
    assert "2 items on loan" in page


def test_without_htmx_a_scan_goes_back_to_the_page_with_the_result(desk, reader, book):
    response = scan(desk, reader, book.barcode, htmx=False)
    assert response.status_code == 302
    page = desk.get(response["Location"])
    assert "Lent" in page.content.decode()
    book.refresh_from_db()
    assert book.status == ItemStatus.ON_LOAN


def test_an_unknown_barcode_and_an_empty_scan_are_said_so(desk, reader):
    html = scan(desk, reader, "NOPE").content.decode()
    assert "no copy has the barcode NOPE." in html
    assert "Scan or type a barcode first." in scan(desk, reader, "").content.decode()
    assert scan(desk, reader, "", htmx=False).status_code == 400


def test_a_refusal_shows_every_reason_in_words(
    desk, reader, book, lend, make_item, central, central_librarian
):
    lend(reader, make_item(), at=AT - timedelta(days=40))  # overdue now
    patron_services.add_block(
        reader,
        reason="Lost a laptop",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT - timedelta(days=1),
    )
    html = scan(desk, reader, book.barcode).content.decode()
    assert "Not lent" in html
    assert "The library has blocked this card." in html
    assert "The patron has overdue items." in html
    assert "Lend anyway" in html  # both can be overridden
    assert not Loan.objects.filter(item=book, returned_at__isnull=True).exists()
    refusal = Entry.objects.get(domain="circulation", kind="checkout_refused")
    assert set(refusal.reasons) == {"patron_blocked_manual", "overdue"}
    # The patron's own screen says so before anything is scanned.
    page = desk.get(reverse("staff:circulation:checkout", args=[reader.pk])).content.decode()
    assert "This patron cannot borrow now:" in page


def test_staff_override_a_refusal_with_a_reason(desk, reader, book, lend, make_item):
    lend(reader, make_item(), at=AT - timedelta(days=40))
    scan(desk, reader, book.barcode)
    html = scan(
        desk, reader, book.barcode, override_reason="Returns it tomorrow, agreed"
    ).content.decode()
    assert "refusal overridden: Returns it tomorrow, agreed" in html
    checkout = Entry.objects.get(domain="circulation", kind="checkout", item_id=book.pk)
    assert checkout.reasons == ["overdue"] and checkout.detail["override"] is True
    loan = Loan.objects.get(item=book, returned_at__isnull=True)
    assert loan.override_reason == "Returns it tomorrow, agreed"


def test_a_blank_override_reason_is_not_an_override(desk, reader, book, lend, make_item):
    lend(reader, make_item(), at=AT - timedelta(days=40))
    html = scan(desk, reader, book.barcode, override_reason="   ").content.decode()
    assert "Not lent" in html
    assert not Loan.objects.filter(item=book, returned_at__isnull=True).exists()


def test_a_copy_on_loan_to_someone_else_offers_a_hold_and_the_hold_is_placed(
    desk, reader, second_reader, book, lend, central
):
    lend(second_reader, book)
    html = scan(desk, reader, book.barcode).content.decode()
    assert "This item is already on loan." in html
    assert "Place a hold on this title instead" in html
    assert "Lend anyway" not in html  # a copy in someone else's hands cannot be lent
    response = desk.post(
        reverse("staff:circulation:place_hold", args=[reader.pk]), {"record_id": book.record_id}
    )
    assert response.status_code == 302
    hold = Hold.objects.get(patron=reader)
    assert hold.record_id == book.record_id and hold.pickup_branch == central
    assert hold.status == HoldStatus.WAITING
    page = desk.get(response["Location"]).content.decode()
    assert "number 1 in the queue" in page


def test_the_checkout_of_a_patron_of_another_network_is_not_found(desk, reader, db):
    from bibliohub.libraries.models import Branch, Network

    other = Network.objects.create(name="Elsewhere")
    branch = Branch.objects.create(network=other, code="far", name="Far away")
    stranger = patron_services.register_patron(
        patron_services.PatronDetails(family_name="Far", given_names="Away"),
        category=reader.category,
        branch=branch,
        actor=Actor.for_import(source="readers.csv"),
        at=AT,
        card_barcode="P7777",
    )
    assert desk.get(reverse("staff:circulation:checkout", args=[stranger.pk])).status_code == 404


def test_checkin_says_where_each_item_goes(
    desk, reader, second_reader, lend, make_item, make_record, riverside, central
):
    wanted_record = make_record("Zakhar Berkut")
    wanted = make_item(record=wanted_record)
    lend(reader, wanted)
    services.place_hold(
        patron=second_reader,
        record=wanted_record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    travelling = make_item(branch=riverside)
    lend(reader, travelling)
    on_shelf = make_item()
    lend(reader, on_shelf, at=AT - timedelta(days=30))  # overdue now: a fine when returned

    html = return_item(desk, on_shelf.barcode).content.decode()
    assert "Returned" in html and "Put back on the shelf." in html
    fine = reader.fines.get()
    assert fine.amount > 0
    assert f"Overdue fine charged: {fine.amount}." in html
    html = return_item(desk, wanted.barcode).content.decode()
    assert "Put on the hold shelf for Test Tran (P0002)." in html
    html = return_item(desk, travelling.barcode).content.decode()
    assert "Send home to Riverside Branch." in html
    html = return_item(desk, "NOPE").content.decode()
    assert "no copy has the barcode NOPE." in html
    assert Entry.objects.filter(kind="checkin", channel=Channel.DESK).count() == 3
    page = desk.get(reverse("staff:circulation:checkin")).content.decode()
    assert (
        page.index(on_shelf.barcode) < page.index(wanted.barcode) < page.index(travelling.barcode)
    )


def test_an_item_returned_at_the_desk_can_be_marked_damaged_and_charged(desk, reader, book, lend):
    lend(reader, book)
    return_item(desk, book.barcode)
    url = reverse("staff:circulation:item_damaged", args=[book.pk])
    assert "Last borrower: Test Kovalenko." in desk.get(url).content.decode()
    response = desk.post(url, {"note": "Water damage", "amount": "12.50"})
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.status == ItemStatus.DAMAGED
    assert reader.fines.get().amount == 12.5


def test_a_damaged_copy_without_a_known_borrower_is_not_charged(desk, book):
    url = reverse("staff:circulation:item_damaged", args=[book.pk])
    response = desk.post(url, {"note": "Torn", "amount": "5.00"})
    assert response.status_code == 400
    assert "nobody can be charged" in response.content.decode()
    book.refresh_from_db()
    assert book.status == ItemStatus.AVAILABLE


def test_scanning_the_next_patrons_card_starts_a_fresh_list(desk, reader, second_reader, book):
    scan(desk, reader, book.barcode)
    desk.get(reverse("staff:circulation:checkout_start"), {"card": "P0002"})
    assert not [k for k in desk.session.keys() if k.startswith("desk:checkout:")]  # noqa: SIM118
    page = desk.get(reverse("staff:circulation:checkout", args=[second_reader.pk])).content.decode()
    assert book.barcode not in page


def test_a_scan_after_the_session_ended_sends_the_whole_page_to_the_login(client, reader, book):
    url = reverse("staff:circulation:checkout", args=[reader.pk])
    response = client.post(
        url,
        {"barcode": book.barcode},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{url}",
    )
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next={url.replace('/', '%2F')}"
    assert not Loan.objects.exists()

"""The data set Evergreen's SIPServer black-box tests (t/SIPtest.pm) are configured for,
loaded through our services into an empty database: institution BR1, the terminal account
sip_01, the patron 999999 with PIN 6789, and the three titles. Run by
scripts/sipserver-blackbox.sh with BIBLIOHUB_DATABASE_URL pointing at a scratch database."""

from __future__ import annotations

import os
from datetime import date, datetime, time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    django.setup()

    from django.utils import timezone

    load(at=timezone.now())


def load(*, at: datetime) -> None:
    """Loads the data set as of `at` (also used by tests/interop/test_sipserver_blackbox.py)."""
    from bibliohub.catalog.models import Item, ItemType, Record
    from bibliohub.circulation.models import CirculationRule
    from bibliohub.history import Actor
    from bibliohub.interop.sip2 import services as terminals
    from bibliohub.interop.sip2.models import PersonalField, SelfCheckTerminal
    from bibliohub.libraries.models import Branch, Network, OpeningPeriod
    from bibliohub.patrons import pins
    from bibliohub.patrons import services as patrons
    from bibliohub.patrons.models import AgeBand, PatronCategory

    now = at
    setup = Actor.system("sipserver-blackbox")
    network = Network.objects.create(name="SIPServer test network", currency="USD")
    branch = Branch.objects.create(network=network, code="BR1", name="Branch 1", is_central=True)
    for weekday in range(7):  # open every day, so that due dates never move
        OpeningPeriod.objects.create(
            branch=branch, weekday=weekday, opens=time(0), closes=time(23, 59)
        )
    CirculationRule.objects.create(loan_period=21, renewals_allowed=5)
    # The tests read every detail of the patron information answer (t/02patron_info.t).
    terminal = SelfCheckTerminal(
        login="sip_01", name="The floor", branch=branch, language="en",
        personal_fields=list(PersonalField.values),
    )  # fmt: skip
    terminals.save_terminal(terminal, password="sip_01", actor=setup, at=now)
    category = PatronCategory.objects.create(
        code="Patrons", name="Patrons", age_band=AgeBand.ADULT, card_validity_months=12
    )
    patron = patrons.register_patron(
        patrons.PatronDetails(
            family_name="Fiander",
            given_names="David J.",
            date_of_birth=date(1964, 9, 25),
            email="djfiander@hotmail.com",
            phone="(519) 555 1234",
            address="2 Meadowvale Dr. St Thomas, ON Canada 90210",
            language="en",
        ),
        category=category,
        branch=branch,
        actor=setup,
        at=now,
        card_barcode="999999",
    )
    pins.set_pin(patron, pin="6789", actor=setup, at=now)
    book = ItemType.objects.create(code="book", name="Book")
    for barcode, title in (
        ("1565921879", "Perl 5 desktop reference"),
        ("0440242746", "Snow crash"),
        ("660", "Harry Potter y el cáliz de fuego"),
    ):
        record = Record.objects.create(marc=b"", title=title, created_at=now, updated_at=now)
        Item.objects.create(
            record=record, barcode=barcode, branch=branch, item_type=book,
            created_at=now, updated_at=now,
        )  # fmt: skip


if __name__ == "__main__":
    main()

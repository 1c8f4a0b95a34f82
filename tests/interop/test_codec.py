"""The SIP2 codec against golden transcripts, byte for byte, and against pysip2, an
independent implementation that checks widths, required fields and checksums strictly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pysip2.codec import decode_message

from bibliohub.interop.sip2 import codec

D = datetime(2026, 9, 1, 10, 15, 30)  # noqa: DTZ001 - SIP2 local time


def test_checksum_matches_a_published_example():
    # The example in the PyPI Sip2 client's source, computed by another SIP2 implementation.
    frame = b"09N20160419    12200820160419    122008APReading Room 1|AO830|AB830$28170815|AC|AY2AZ"
    assert codec.checksum(frame) == "EB80"


def test_a_checkin_request_is_read_field_by_field():
    decoded = codec.decode(
        b"09N20160419    12200820160419    122008APReading Room 1|AO830|AB830$28170815|AC|AY2AZEB80\r"
    )
    assert decoded.sequence == 2
    assert decoded.checksummed
    assert decoded.message == codec.Checkin(
        no_block=False,
        transaction_date=datetime(2016, 4, 19, 12, 20, 8),  # noqa: DTZ001
        return_date=datetime(2016, 4, 19, 12, 20, 8),  # noqa: DTZ001
        current_location="Reading Room 1",
        institution_id="830",
        item_identifier="830$28170815",
        terminal_password="",
    )


def test_a_login_request_is_read():
    frame = b"9300CNsc-central-1|COkiosk secret 1|CPEntrance|AY0AZ"
    frame += codec.checksum(frame).encode() + b"\r"
    message = codec.decode(frame).message
    assert message == codec.Login(
        login_user_id="sc-central-1", login_password="kiosk secret 1", location_code="Entrance"
    )


def test_a_checkout_request_with_a_blank_due_date_is_read():
    frame = b"11YN20260901    101530" + b" " * 18 + b"AOcentral|AAP1001|ABI0001|AC|BON|BIN|"
    message = codec.decode(frame + b"\r").message
    assert isinstance(message, codec.Checkout)
    assert message.sc_renewal_policy is True
    assert message.nb_due_date is None
    assert message.transaction_date == D.replace(second=30)
    assert (message.patron_identifier, message.item_identifier) == ("P1001", "I0001")
    assert (message.fee_acknowledged, message.cancel) == ("N", "N")


GOLDEN = [
    (codec.LoginResponse(ok=True), b"941AY4AZFDF9\r"),
    (codec.RequestSCResend(), b"96AZFEF6\r"),
    (
        codec.PatronStatusResponse(
            patron_status="YYYY" + " " * 10,
            language="001",
            transaction_date=D,
            institution_id="central",
            patron_identifier="P1001",
            personal_name="Kovalenko, Oksana",
            valid_patron="Y",
            screen_message=("The library has blocked this card.",),
        ),
        b"24YYYY          00120260901    101530AOcentral|AAP1001|AEKovalenko, Oksana|BLY|"
        b"AFThe library has blocked this card.|AY4AZDBB8\r",
    ),
    (
        codec.PatronInformationResponse(
            language="017",
            transaction_date=D,
            charged_items_count=2,
            institution_id="central",
            patron_identifier="P1001",
            personal_name="Kovalenko, Oksana",
            valid_patron="Y",
            charged_items=("I0001", "I0002"),
            email_address="p1001@example.org",
        ),
        b"64              01720260901    101530000000000002000000000000AOcentral|AAP1001|"
        b"AEKovalenko, Oksana|BLY|AUI0001|AUI0002|BEp1001@example.org|AY4AZDA48\r",
    ),
    (
        codec.CheckoutResponse(
            ok=True,
            renewal_ok=False,
            magnetic_media=None,
            desensitize=True,
            transaction_date=D,
            institution_id="central",
            patron_identifier="P1001",
            item_identifier="I0001",
            title_identifier="Кобзар",
            due_date="20260922    235900",
        ),
        b"121NUY20260901    101530AOcentral|AAP1001|ABI0001|AJ"
        + "Кобзар".encode()
        + b"|AH20260922    235900|AY4AZE394\r",
    ),
]


@pytest.mark.parametrize(("message", "frame"), GOLDEN, ids=[m.command for m, _ in GOLDEN])
def test_responses_are_written_byte_for_byte(message, frame):
    assert codec.encode(message, sequence=4) == frame
    pysip2 = decode_message(frame, encoding="utf-8")
    assert pysip2.checksum == frame[-5:-1].decode()
    if message.command != "96":
        assert pysip2.sequence_number == 4


@pytest.mark.parametrize(("message", "frame"), GOLDEN, ids=[m.command for m, _ in GOLDEN])
def test_what_is_written_reads_back_the_same(message, frame):
    assert codec.decode(frame).message == message


EVERY_RESPONSE = [
    codec.ACSStatus(
        online_status=True,
        checkin_ok=True,
        checkout_ok=True,
        acs_renewal_policy=True,
        status_update_ok=False,
        offline_ok=False,
        timeout_period=30,
        retries_allowed=3,
        date_time_sync=D,
        institution_id="central",
        library_name="Центральна бібліотека",
        supported_messages=codec.supported_messages({"login", "checkout", "renew"}),
        terminal_location="Entrance hall",
    ),
    codec.ItemInformationResponse(
        circulation_status="04",
        transaction_date=D,
        hold_queue_length="2",
        due_date="20260922    235900",
        item_identifier="I0001",
        title_identifier="Dune",
        owner="central",
        permanent_location="Central Library",
        current_location="Central Library",
    ),
    codec.CheckinResponse(
        ok=True,
        resensitize=True,
        magnetic_media=False,
        alert=True,
        transaction_date=D,
        institution_id="central",
        item_identifier="I0001",
        permanent_location="central",
        title_identifier="Dune",
        sort_bin="hold",
        patron_identifier="P1001",
        screen_message=("Put this item on the hold shelf.",),
    ),
    codec.RenewResponse(
        ok=False,
        renewal_ok=False,
        magnetic_media=None,
        desensitize=None,
        transaction_date=D,
        institution_id="central",
        patron_identifier="P1001",
        item_identifier="I0001",
        title_identifier="Dune",
        due_date="",
        screen_message=("Another reader is waiting for this item.",),
    ),
    codec.RenewAllResponse(
        ok=True,
        renewed_count=1,
        unrenewed_count=1,
        transaction_date=D,
        institution_id="c",
        renewed_items=("I0001",),
        unrenewed_items=("I0002",),
    ),
    codec.FeePaidResponse(
        payment_accepted=True,
        transaction_date=D,
        institution_id="central",
        patron_identifier="P1001",
        transaction_id="R-2026-0001",
    ),
    codec.HoldResponse(
        ok=True,
        available=False,
        transaction_date=D,
        queue_position="3",
        pickup_location="central",
        institution_id="central",
        patron_identifier="P1001",
        title_identifier="Dune",
    ),
    codec.EndSessionResponse(
        end_session=True, transaction_date=D, institution_id="central", patron_identifier="P1001"
    ),
]


@pytest.mark.parametrize("message", EVERY_RESPONSE, ids=[m.command for m in EVERY_RESPONSE])
def test_every_response_passes_a_strict_independent_decoder(message):
    frame = codec.encode(message, sequence=7)
    assert decode_message(frame, encoding="utf-8").sequence_number == 7
    assert codec.decode(frame).message == message


def test_a_damaged_frame_is_a_checksum_mismatch():
    frame = bytearray(codec.encode(codec.LoginResponse(ok=True), sequence=1))
    frame[2] = ord("0")
    with pytest.raises(codec.ChecksumMismatch):
        codec.decode(bytes(frame))


def test_a_checksum_without_its_leading_zero_is_accepted():
    # The PyPI Sip2 client writes the checksum with "%X", dropping leading zeros.
    prefix = b"9900802.00AY1AZ"
    value = codec.checksum(prefix)
    assert codec.decode(prefix + value.lstrip("0").encode() + b"\r").sequence == 1
    # One that needs no padding still has to add up.
    with pytest.raises(codec.ChecksumMismatch):
        codec.decode(prefix + b"1\r")


def test_a_checksum_over_characters_instead_of_bytes_is_accepted():
    prefix = "2300120260901    101530AOcentral|AAP1001|ACсекрет|AD|AY3AZ"
    value = f"{(-sum(map(ord, prefix))) & 0xFFFF:04X}"
    assert codec.decode((prefix + value).encode() + b"\r").message.terminal_password == "секрет"


def test_a_message_without_error_detection_is_read_and_answered_without_it():
    decoded = codec.decode(b"9900802.00\r")
    assert (decoded.sequence, decoded.checksummed) == (None, False)
    assert codec.encode(codec.LoginResponse(ok=False), error_detection=False) == b"940\r"


@pytest.mark.parametrize(
    ("frame", "problem"),
    [
        (b"", "empty"),
        (b"XX123|", "unknown command"),
        (b"9900", "ends inside the fixed field"),
        (b"23001", "ends inside the fixed field"),
        (b"11XN20260901    101530" + b" " * 18 + b"AOc|AAp|ABi|AC|", "must be Y or N"),
        (b"2300120269999    999999AOc|AAp|AC|AD|", "bad date"),
        (b"9300CNsc|", "required field CO missing"),
        (b"9300CNsc|COa|CNsc|", "given twice"),
        (b"9300CNsc|CO\xff|", "not utf-8 text"),
        (b"9300CNsc|1x|", "bad field identifier"),
    ],
)
def test_malformed_messages_say_what_is_wrong(frame, problem):
    with pytest.raises(codec.MalformedMessage, match=problem):
        codec.decode(frame)


def test_unknown_fields_are_ignored():
    message = codec.decode(b"9300CNsc|COpw|XYwhatever|\r").message
    assert message == codec.Login(login_user_id="sc", login_password="pw")


def test_values_cannot_break_the_frame():
    frame = codec.encode(
        codec.EndSessionResponse(
            end_session=True,
            transaction_date=D,
            institution_id="c",
            patron_identifier="P1",
            screen_message=("a|b\rc", "é" * 300),
        )
    )
    decoded = decode_message(frame, encoding="utf-8").message
    assert decoded.screen_message[0] == "a b c"
    assert len(decoded.screen_message[1].encode()) <= 255


def test_dates_in_utc_carry_a_z():
    assert codec.format_date(datetime(2026, 9, 1, 7, 0, tzinfo=UTC)) == "20260901   Z070000"
    assert codec.parse_date("20260901   Z070000") == datetime(2026, 9, 1, 7, 0, tzinfo=UTC)


def test_frames_end_with_cr_crlf_or_lf():
    frames, rest = codec.split_frames(b"9900802.00\r9900802.00\r\n9900802.00\n\n99008")
    assert frames == [b"9900802.00"] * 3
    assert rest == b"99008"


def test_a_renew_all_without_its_date_is_read_as_undated():
    # The PyPI Sip2 client leaves the transaction date out of renew all.
    message = codec.decode(b"65AOcentral|AAP1001|BON|\r").message
    assert message == codec.RenewAll(
        transaction_date=None, institution_id="central", patron_identifier="P1001",
        fee_acknowledged="N",
    )  # fmt: skip

"""Counting people without keeping who they were.

Every entry about a patron carries a pseudonym: an HMAC of the patron's id under a secret
key of the network and the year of the entry's day. Within a year the same patron always
has the same pseudonym, so the distinct users of any months of that year (active users,
regular users, e-service users) can be counted after the entries have lost the patron's id
to anonymisation or erasure. Once the year is closed its key is destroyed
(`destroy_keys`): the pseudonyms stay countable and nobody can tell any more whose they
were. The same patron has unrelated pseudonyms in two years, so distinct users are counted
within a year."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction

from bibliohub.history.models import PseudonymKey

# Keys read from committed rows, by (network, year), with when they were read: a key is
# asked for by every entry about a patron, and a destroyed key must not live on for long in
# a server process.
_CACHE: dict[tuple[int, int], tuple[bytes | None, float]] = {}
_CACHE_SECONDS = 600.0


def pseudonym(*, network_id: int, patron_id: int, day: date, at: datetime) -> str:
    """The patron's pseudonym for the year of `day`, "" if that year's key was destroyed
    (an entry dated in a closed year counts as nobody in particular)."""
    key = _key(network_id, day.year, at=at)
    return "" if key is None else digest(key, patron_id)


def digest(key: bytes, patron_id: int) -> str:
    """The pseudonym of `patron_id` under `key`: 64 bits of an HMAC-SHA256, enough that two
    of a network's patrons sharing one in a year is vanishingly rare."""
    return hmac.new(key, str(patron_id).encode(), hashlib.sha256).hexdigest()[:16]


def _key(network_id: int, year: int, *, at: datetime) -> bytes | None:
    cached = _CACHE.get((network_id, year))
    if cached is not None and time.monotonic() - cached[1] < _CACHE_SECONDS:
        return cached[0]
    row = (
        PseudonymKey.objects.filter(network_id=network_id, year=year)
        .values_list("key", "destroyed_at")
        .first()
    )
    if row is None:
        # Two processes may create the year's key at once: the first insert wins and both
        # read the winner's key.
        PseudonymKey.objects.bulk_create(
            [
                PseudonymKey(
                    network_id=network_id, year=year, key=secrets.token_hex(32), created_at=at
                )
            ],
            ignore_conflicts=True,
        )
        row = PseudonymKey.objects.filter(network_id=network_id, year=year).values_list(
            "key", "destroyed_at"
        )[0]
    key = bytes.fromhex(row[0]) if row[1] is None and row[0] else None
    # Cached once the transaction that read it commits: a key made in a transaction that
    # is rolled back must not be used afterwards.
    transaction.on_commit(lambda: _CACHE.__setitem__((network_id, year), (key, time.monotonic())))
    return key


def age_on(birth: date | None, day: date) -> int | None:
    """Age in whole years on `day`, None if the date of birth is not known."""
    if birth is None:
        return None
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return max(years, 0)


@transaction.atomic
def destroy_keys(
    *,
    network_id: int,
    at: datetime,
    through_year: int | None = None,
    years: Iterable[int] | None = None,
) -> list[int]:
    """Destroy the network's pseudonym keys of `through_year` and the years before it, or of
    `years`, and return the years destroyed. Their entries keep their pseudonyms, which can
    no longer be linked to anyone."""
    keys = PseudonymKey.objects.select_for_update().filter(
        network_id=network_id, destroyed_at__isnull=True
    )
    if through_year is not None:
        keys = keys.filter(year__lte=through_year)
    if years is not None:
        keys = keys.filter(year__in=list(years))
    years = sorted(keys.values_list("year", flat=True))
    keys.update(key="", destroyed_at=at)
    for year in years:
        _CACHE.pop((network_id, year), None)
    return years


def forget_cached_keys() -> None:
    """Drop the keys this process keeps (tests, and after a key is destroyed elsewhere)."""
    _CACHE.clear()

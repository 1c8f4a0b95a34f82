"""What the report commands share: the network and branch a command names, the language it
asks for, and the refusal of a year with no data, each a one-line reason."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from bibliohub.history import indicators
from bibliohub.history.indicators import Period
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures import selectors


def network_and_branch(code: str | None) -> tuple[Network, Branch | None]:
    if code:
        branch = Branch.objects.select_related("network").filter(code=code).first()
        if branch is None:
            raise CommandError(f"unknown branch: {code}")
        return branch.network, branch
    network = selectors.default_network()
    if network is None:
        raise CommandError("no network is set up (bibliohub demo loads one)")
    return network, None


def language_of(code: str | None) -> str:
    if not code:
        return settings.LANGUAGE_CODE
    known = {c.lower(): c for c, _name in settings.LANGUAGES}
    if code.lower() not in known:
        raise CommandError(f"unknown language: {code} (one of {', '.join(known.values())})")
    return known[code.lower()]


def require_data(network: Network, year: int) -> None:
    if not 1900 <= year <= 2200:
        raise CommandError(f"no year {year}")
    if not indicators.has_data(Period.year(year), network.pk):
        raise CommandError(f"no data for {year}")

"""The registry of what can happen: each app declares its domain and its kinds of entry in
its own `kinds` module, with labels in every language, and records them by the constants
it gets back.

    # circulation/kinds.py
    circulation = Domain("circulation", _("Circulation"))
    CHECKOUT = circulation.kind("checkout", pgettext_lazy("history", "Checked out"), use=True)

`use=True` marks a use of the library's services by a patron: the entries of such kinds
make a patron an active user of that month (and an e-service user when the channel is
online). `unit` says what an entry's `amount` measures (money unless said otherwise).

Six more marks tell the roll-up what else to count (`history.rollup`):

- `lends=True`: each entry is a copy lent (a loan, a renewal), so the distinct copies lent
  in a year, and in which months, are counted (the stock not used);
- `withdraws=True`: each entry is a copy leaving the collection for good (a withdrawal), so
  the copies withdrawn in a year, and in which month, are counted: a copy lent in a period
  and withdrawn by its end is not part of the stock held at its end;
- `out_of_use=True` and `back_in_use=True`: each entry is a copy that stopped being one that
  can be lent (lost, missing, damaged) or became one again, as the catalogue's daily count
  finds them, so the months of both are counted: a copy lent in a period and out of use at
  its end is not part of the stock that could be lent at its end;
- `distinct_object=True`: the object each entry names (a partner) is counted once a year
  however many entries name it (the partners active in a year);
- `census=True`: the entries are a daily count made by a scheduled job
  (`services.record_census`), not events: on their day their quantities (and amounts) add
  up to what was counted — the copies held, the cards valid, the students of a class, the
  hours a branch was open — and counting the same day again adds only the difference.
  Whether a period's figure is the count of one of its days (copies held at the start) or
  the sum of its days (hours open) is the indicator's to say."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


class Unit(models.TextChoices):
    MONEY = "money", pgettext_lazy("unit", "Money")
    MINUTES = "minutes", pgettext_lazy("unit", "Minutes")
    HOURS = "hours", pgettext_lazy("unit", "Hours")
    POINTS = "points", pgettext_lazy("unit", "Points")


@dataclass(frozen=True, slots=True)
class Kind:
    domain: str
    code: str
    label: Promise | str = field(compare=False)
    use: bool = field(default=False, compare=False)
    unit: Unit = field(default=Unit.MONEY, compare=False)
    lends: bool = field(default=False, compare=False)
    withdraws: bool = field(default=False, compare=False)
    out_of_use: bool = field(default=False, compare=False)
    back_in_use: bool = field(default=False, compare=False)
    distinct_object: bool = field(default=False, compare=False)
    census: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return str(self.label)

    @property
    def key(self) -> str:
        """ "domain.code", as filters and exports name the kind."""
        return f"{self.domain}.{self.code}"


class Domain:
    """One app's part of the history: its code (stored with every entry), its label, and
    the kinds it registers."""

    def __init__(self, code: str, label: Promise | str) -> None:
        if len(code) > 20 or not code.isidentifier():
            raise ImproperlyConfigured(f"history domain code {code!r}: a short identifier")
        if code in _DOMAINS:
            raise ImproperlyConfigured(f"history domain {code!r} is declared twice")
        self.code = code
        self.label = label
        self.kinds: dict[str, Kind] = {}
        self.reasons: dict[str, Promise | str] = {}
        _DOMAINS[code] = self

    def __str__(self) -> str:
        return str(self.label)

    def kind(
        self,
        code: str,
        label: Promise | str,
        *,
        use: bool = False,
        unit: Unit = Unit.MONEY,
        lends: bool = False,
        withdraws: bool = False,
        out_of_use: bool = False,
        back_in_use: bool = False,
        distinct_object: bool = False,
        census: bool = False,
    ) -> Kind:
        if len(code) > 40 or not code.isidentifier():
            raise ImproperlyConfigured(f"history kind {self.code}.{code}: a short identifier")
        if code in self.kinds:
            raise ImproperlyConfigured(f"history kind {self.code}.{code} is declared twice")
        if census and (use or lends or withdraws or out_of_use or back_in_use or distinct_object):
            raise ImproperlyConfigured(
                f"history kind {self.code}.{code}: a census counts no use, loan or object"
            )
        kind = Kind(
            self.code,
            code,
            label,
            use=use,
            unit=unit,
            lends=lends,
            withdraws=withdraws,
            out_of_use=out_of_use,
            back_in_use=back_in_use,
            distinct_object=distinct_object,
            census=census,
        )
        self.kinds[code] = kind
        return kind

    def explain_reasons(self, choices: type[models.TextChoices]) -> None:
        """Words for the machine-readable reason codes this domain's entries carry (a
        refusal's reasons), for the audit log."""
        self.reasons.update({str(value): label for value, label in choices.choices})


_DOMAINS: dict[str, Domain] = {}


def domains() -> list[Domain]:
    return sorted(_DOMAINS.values(), key=lambda d: d.code)


def domain(code: str) -> Domain | None:
    return _DOMAINS.get(code)


def find(domain_code: str, code: str) -> Kind | None:
    """The kind registered as `domain_code`.`code`, or None (an entry of a kind no longer
    declared is still shown, by its code)."""
    found = _DOMAINS.get(domain_code)
    return found.kinds.get(code) if found is not None else None


def all_kinds() -> list[Kind]:
    return [k for d in domains() for k in d.kinds.values()]


def reason_label(domain_code: str, reason: str) -> str:
    found = _DOMAINS.get(domain_code)
    label = found.reasons.get(reason) if found is not None else None
    return str(label) if label is not None else reason


def label(domain_code: str, code: str) -> str:
    kind = find(domain_code, code)
    return str(kind.label) if kind is not None else f"{domain_code}.{code}"


# The history's own entries.
history = Domain("history", pgettext_lazy("history domain", "History"))
KEYS_DESTROYED = history.kind(
    "keys_destroyed", pgettext_lazy("history", "Pseudonym keys of past years destroyed")
)
PERIOD_CLOSED = history.kind(
    "period_closed", pgettext_lazy("history", "Figures of a period closed")
)
FIGURES_ACCEPTED = history.kind(
    "figures_accepted",
    pgettext_lazy("history", "Recomputed figures of a closed period accepted"),
)
PARAMETER_SET = history.kind(
    "parameter_set", pgettext_lazy("history", "Setting of an indicator changed")
)

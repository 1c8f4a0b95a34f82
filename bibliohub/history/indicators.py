"""The registry of indicators: what each figure of the plans and statutory reports means, and
how it is computed from the history's roll-ups for a period and a scope.

Each app declares the indicators over its own history in its `indicators` module (found
the first time the registry is read, as `kinds` and `jobs` modules are):

    # circulation/indicators.py
    register(Indicator(
        code="loans",
        name=_("Loans"),
        definition=_("Loans of physical copies, renewals included."),
        numerator=_("Checkouts and renewals"),
        standard="ISO 2789:2022; IMLS PLS FY2023 element 553 (PHYSCIR)",
        compute=sums(LOANS),
        breakdown=sum_parts(LOANS),
        dimensions=(AGE_BAND, Dimension.CATEGORY, Dimension.ITEM_TYPE, Dimension.LANGUAGE),
    ))

An indicator's `compute` is a function of the period's `Inputs` and a `Scope` (one branch or
the whole network) returning a `Figure`: the value with its numerator and denominator, or
"missing" with a reason — never zero when the data is not there (a census never taken, a
count nobody entered). `Inputs` reads the roll-ups once per period for every scope and every
indicator (one grouped query a source), so a page of forty indicators for five scopes costs
a handful of queries. Nothing here reads another app's tables or the raw entries.

`figures` computes; `read` gives what a page or a report shows: the frozen figures of a
closed period (history.services.close_period), with any later recomputation that differs
beside them, and live figures otherwise. This module is at the bottom of the layers: it
knows no other app, and the apps' modules register into it."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Sum
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import selectors
from bibliohub.history.kinds import Kind
from bibliohub.history.models import (
    NETWORK_WIDE,
    ClosedPeriod,
    Counter,
    DayCount,
    Dimension,
    FrozenFigure,
    IndicatorSetting,
    PeriodKind,
)
from bibliohub.history.selectors import Distinct, Level, Total

ZERO = Decimal(0)
# How far before a period's first day a census still tells the level at its start.
CENSUS_LOOKBACK_DAYS = 31


class Unit(models.TextChoices):
    COUNT = "count", pgettext_lazy("indicator unit", "number")
    PERCENT = "percent", pgettext_lazy("indicator unit", "%")
    RATIO = "ratio", pgettext_lazy("indicator unit", "ratio")
    HOURS = "hours", pgettext_lazy("indicator unit", "hours")
    MONEY = "money", pgettext_lazy("indicator unit", "money")
    FTE = "fte", pgettext_lazy("indicator unit", "full-time equivalents")


class Missing(models.TextChoices):
    """Why a figure has no value."""

    NOT_RECORDED = "not_recorded", _("Not recorded: nobody entered or counted it for this period.")
    NOT_FOR_PERIOD = "not_for_period", _("Not computed for this kind of period.")
    NO_DENOMINATOR = "no_denominator", _("Cannot be worked out: what it is divided by is zero or not recorded.")
    ACROSS_YEARS = "across_years", _("Distinct people and copies are counted within one calendar year.")


# --- periods and scopes -----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local days from `start` to `end`, both included: a month, a quarter, a school term or
    a year."""

    kind: PeriodKind
    start: date
    end: date
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31), str(year))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError("a quarter is 1 to 4")
        first = 3 * quarter - 2
        last = date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        return cls(PeriodKind.QUARTER, date(year, first, 1), last, f"{year}-Q{quarter}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return cls(PeriodKind.MONTH, date(year, month, 1), last, f"{year}-{month:02d}")

    @classmethod
    def term(cls, start: date, end: date, label: str) -> Period:
        if end < start:
            raise ValueError("a term ends after it starts")
        return cls(PeriodKind.TERM, start, end, label)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def within_one_year(self) -> bool:
        return self.start.year == self.end.year

    def year_before(self) -> Period:
        """The same period a year earlier (the figure "change on last year" compares with)."""

        def back(day: date) -> date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        if self.kind == PeriodKind.YEAR:
            return Period.year(self.start.year - 1)
        if self.kind == PeriodKind.QUARTER:
            return Period.quarter(self.start.year - 1, (self.start.month + 2) // 3)
        if self.kind == PeriodKind.MONTH:
            return Period.month(self.start.year - 1, self.start.month)
        return Period(self.kind, back(self.start), back(self.end), self.label)

    def parts(self) -> list[Period]:
        """The quarters and months of a year, the months of a quarter: what closing the
        period closes with it."""
        if self.kind == PeriodKind.YEAR:
            year = self.start.year
            return [Period.quarter(year, q) for q in range(1, 5)] + [
                Period.month(year, m) for m in range(1, 13)
            ]
        if self.kind == PeriodKind.QUARTER:
            return [Period.month(self.start.year, m) for m in range(self.start.month, self.end.month + 1)]
        return []


@dataclass(frozen=True)
class Scope:
    """One branch of a network, or (branch_id None) the whole network."""

    network_id: int
    branch_id: int | None = None

    @property
    def is_network(self) -> bool:
        return self.branch_id is None


# --- figures ------------------------------------------------------------------------------


def _quantized(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """An indicator's value for one period and scope, with what it was worked out from; or
    no value, and why (`missing`)."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    missing: str = ""

    @classmethod
    def count(cls, n: int | Decimal | None) -> Figure:
        """A number of things (the numerator is the number itself)."""
        if n is None:
            return cls.lacking(Missing.NOT_RECORDED.value)
        return cls(Decimal(n), numerator=Decimal(n))

    @classmethod
    def ratio(
        cls,
        numerator: int | Decimal | None,
        denominator: int | Decimal | None,
        *,
        scale: int = 1,
    ) -> Figure:
        """`numerator` ÷ `denominator` × `scale` (100 for a percentage); missing when the
        numerator was not recorded, or the denominator was not or is zero."""
        if numerator is None:
            return cls.lacking(Missing.NOT_RECORDED, denominator=denominator)
        top = Decimal(numerator)
        if denominator is None or Decimal(denominator) == 0:
            return cls(
                None,
                top,
                None if denominator is None else Decimal(denominator),
                Missing.NO_DENOMINATOR.value,
            )
        bottom = Decimal(denominator)
        return cls(_quantized(top * scale / bottom), top, bottom)

    @classmethod
    def lacking(
        cls, reason: str, *, numerator: Any = None, denominator: Any = None
    ) -> Figure:
        return cls(
            None,
            None if numerator is None else Decimal(numerator),
            None if denominator is None else Decimal(denominator),
            str(reason),
        )

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def missing_label(self) -> str:
        return str(Missing(self.missing).label) if self.missing in Missing.values else self.missing

    def as_dict(self) -> dict[str, str | None]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else format(value.normalize(), "f")

        return {
            "value": text(self.value),
            "numerator": text(self.numerator),
            "denominator": text(self.denominator),
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figure:
        def number(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return cls(
            number(data.get("value")),
            number(data.get("numerator")),
            number(data.get("denominator")),
            data.get("missing") or "",
        )


@dataclass(frozen=True)
class Setting:
    """A part of a definition the library chooses, with its default (the months of use that
    make a regular user)."""

    name: str
    label: Promise | str
    default: Decimal
    minimum: Decimal = ZERO
    maximum: Decimal | None = None


Compute = Callable[["Inputs", Scope], Figure]
Breakdown = Callable[["Inputs", Scope, str], dict[str, Figure]]


@dataclass(frozen=True, eq=False)
class Indicator:
    """What an indicator is: its stable code (INDICATORS.md §6 where one applies), its name
    and definition in words, what its numerator and denominator count, its unit, whether a
    higher value is better (None: neither), the standard it follows and its version, the
    version of our definition (raised whenever the way it is computed changes: frozen
    figures keep the version they were computed with), the periods it is computed for, the
    dimensions it can be broken down by, the settings the library chooses, and how it is
    computed."""

    code: str
    name: Promise | str
    definition: Promise | str
    numerator: Promise | str
    compute: Compute
    denominator: Promise | str = ""
    unit: Unit = Unit.COUNT
    higher_is_better: bool | None = True
    standard: str = ""
    version: int = 1
    periods: frozenset[str] = frozenset(PeriodKind.values)
    dimensions: tuple[str, ...] = ()
    breakdown: Breakdown | None = None
    settings: tuple[Setting, ...] = ()
    # Where it sits in a list: the apps' groups in the layers' order, then within a group.
    group: str = ""
    order: int = 0

    def __str__(self) -> str:
        return str(self.name)

    def describe(self, settings: Mapping[str, Decimal] | None = None) -> str:
        """The definition in words, with the library's settings filled in."""
        text = str(self.definition)
        if not self.settings:
            return text
        values = {s.name: _plain(s.default) for s in self.settings}
        values.update({k: _plain(v) for k, v in (settings or {}).items()})
        return text % values


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- the registry ---------------------------------------------------------------------------

_INDICATORS: dict[str, Indicator] = {}
_GROUPS: dict[str, tuple[int, Promise | str]] = {}
_LABELS: dict[str, list[Callable[[Sequence[str]], dict[str, str]]]] = {}
_discovered = False


def register(indicator: Indicator) -> Indicator:
    """Add `indicator` to the registry; a code is registered once."""
    if indicator.code in _INDICATORS:
        raise ImproperlyConfigured(f"indicator {indicator.code!r} is declared twice")
    if len(indicator.code) > 60 or not indicator.code.isidentifier():
        raise ImproperlyConfigured(f"indicator code {indicator.code!r}: a short identifier")
    if indicator.breakdown is None and indicator.dimensions:
        raise ImproperlyConfigured(f"indicator {indicator.code!r}: dimensions need a breakdown")
    _INDICATORS[indicator.code] = indicator
    return indicator


def group(code: str, label: Promise | str, *, order: int) -> str:
    """Declare a heading indicators are listed under ("Circulation"), in `order`."""
    _GROUPS[code] = (order, label)
    return code


def group_label(code: str) -> str:
    found = _GROUPS.get(code)
    return str(found[1]) if found is not None else code


def label_values(dimension: str, labeller: Callable[[Sequence[str]], dict[str, str]]) -> None:
    """Say how the values of `dimension` are named in a breakdown (a category's id → its
    name in the reader's language): the app that owns them registers it (two apps may each
    name some values: a copy's formats and a programme's)."""
    _LABELS.setdefault(dimension, []).append(labeller)


def value_labels(dimension: str, values: Sequence[str]) -> dict[str, str]:
    """The names of `values` of `dimension`, each its own value when no app names it."""
    _discover()
    named: dict[str, str] = {}
    for labeller in _LABELS.get(dimension, ()):
        named.update(labeller([v for v in values if v not in named]))
    return {value: named.get(value) or value or str(_("not known")) for value in values}


def dimension_label(dimension: str) -> str:
    if dimension in Dimension.values:
        return str(Dimension(dimension).label)
    found = _DIMENSION_NAMES.get(dimension)
    return str(found) if found is not None else dimension


# Dimensions that are not a column of the entry but derived from one.
AGE_GROUP = "age_group"  # the library's age groups, from the age or the recorded group
IMLS_AGE = "imls_age"  # IMLS's bands: 0–5, 6–11, 12–18, 19+
IMLS_AUDIENCE = "imls_audience"  # a programme's primary audience, as IMLS counts it
KIND = "kind"  # what happened (refusals of a checkout, of a renewal, of a hold)
_DIMENSION_NAMES: dict[str, Promise] = {
    AGE_GROUP: _("Age group"),
    IMLS_AGE: _("Age group (IMLS)"),
    IMLS_AUDIENCE: _("Programme audience (IMLS)"),
    KIND: _("What happened"),
}


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("indicators")
        _discovered = True


def registry() -> list[Indicator]:
    """Every app's indicators, grouped as declared, in order."""
    _discover()
    return sorted(
        _INDICATORS.values(),
        key=lambda i: (_GROUPS.get(i.group, (999, ""))[0], i.order, i.code),
    )


def get(code: str) -> Indicator | None:
    _discover()
    return _INDICATORS.get(code)


def codes() -> list[str]:
    return [i.code for i in registry()]


# --- what the indicators of a period read ---------------------------------------------------


class Inputs:
    """The roll-ups one period's indicators read, fetched once for every scope of the
    network and kept: sums of every kind over the period (one query), censuses near its
    start and end (one query each), distinct users, copies and partners of its months (one
    query a counter), breakdowns by one dimension (one query each), the library's settings,
    other indicators' figures, and whatever an app loads once (`cached`)."""

    def __init__(self, period: Period, network_id: int) -> None:
        self.period = period
        self.network_id = network_id
        self._cache: dict[Any, Any] = {}

    def cached(self, key: Any, load: Callable[[], Any]) -> Any:
        """`load()`, run once for this period whatever the number of scopes asking."""
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    # Sums over the period.

    def _sums(self) -> dict[tuple[int, str], Total]:
        def load() -> dict[tuple[int, str], Total]:
            rows = (
                DayCount.objects.filter(
                    network_id=self.network_id,
                    day__gte=self.period.start,
                    day__lte=self.period.end,
                )
                .values("branch_id", "domain", "kind")
                .annotate(q=Sum("quantity"), a=Sum("amount"))
                .order_by()
            )
            return {
                (r["branch_id"], f"{r['domain']}.{r['kind']}"): Total(r["q"] or 0, Decimal(r["a"] or 0))
                for r in rows
            }

        return self.cached("sums", load)

    def recorded(self, kinds: Iterable[Kind], scope: Scope) -> Total | None:
        """The entries of `kinds` in the period at `scope`, summed; None when there is not
        one (nothing was recorded, which for data entered by hand means not known)."""
        keys = {k.key for k in kinds}
        found = [
            total
            for (branch_id, key), total in self._sums().items()
            if key in keys and (scope.branch_id is None or branch_id == scope.branch_id)
        ]
        if not found:
            return None
        return Total(sum(t.quantity for t in found), sum((t.amount for t in found), ZERO))

    def per_branch(self, kinds: Iterable[Kind], scope: Scope) -> dict[int, Total]:
        """The entries of `kinds` in the period at `scope`, summed per branch id."""
        keys = {k.key for k in kinds}
        found: dict[int, Total] = {}
        for (branch_id, key), total in self._sums().items():
            if key in keys and (scope.branch_id is None or branch_id == scope.branch_id):
                before = found.get(branch_id, Total(0, ZERO))
                found[branch_id] = Total(
                    before.quantity + total.quantity, before.amount + total.amount
                )
        return found

    def total(self, kinds: Iterable[Kind], scope: Scope) -> Total:
        """The entries of `kinds` in the period at `scope`, summed: what the system itself
        records, so nothing recorded is zero."""
        return self.recorded(kinds, scope) or Total(0, ZERO)

    def any_recorded(self) -> bool:
        """Whether the network recorded anything at all in the period."""
        return bool(self._sums())

    def breakdown(self, kinds: Iterable[Kind], dimension: str, scope: Scope) -> dict[str, Total]:
        """The entries of `kinds` in the period at `scope` by the values of `dimension` (a
        Dimension); entries without a value are left out."""
        kinds = tuple(sorted(kinds, key=lambda k: k.key))

        def load() -> dict[tuple, Total]:
            return selectors.breakdown(
                kinds,
                Dimension(dimension),
                start=self.period.start,
                end=self.period.end,
                network_id=self.network_id,
                by=("branch",),
            )

        found = self.cached(("breakdown", kinds, dimension), load)
        parts: dict[str, Total] = {}
        for (branch_id, value), total in found.items():
            if scope.branch_id is None or branch_id == scope.branch_id:
                before = parts.get(value, Total(0, ZERO))
                parts[value] = Total(before.quantity + total.quantity, before.amount + total.amount)
        return parts

    # Censuses.

    def _levels(self, kinds: tuple[Kind, ...], at: str) -> dict[tuple[int, str], Level]:
        if at == "start":
            day, since = self.period.start, self.period.start - timedelta(days=CENSUS_LOOKBACK_DAYS)
        else:
            day, since = self.period.end, self.period.start
        return self.cached(
            ("levels", kinds, at),
            lambda: selectors.levels(kinds, day=day, since=since, network_id=self.network_id),
        )

    def level(self, kinds: Iterable[Kind], scope: Scope, *, at: str = "end") -> Total | None:
        """What the censuses of `kinds` counted at `scope` at the start of the period (on
        its first day, or the last day they counted before it, within a month) or at its end
        (its last day, or the last day they counted in the period); None when no census of
        the scope counted then. The network's level is the sum of its branches'."""
        kinds = tuple(sorted(kinds, key=lambda k: k.key))
        found = [
            level.total
            for (branch_id, _key), level in self._levels(kinds, at).items()
            if scope.branch_id is None or branch_id == scope.branch_id
        ]
        if not found:
            return None
        return Total(sum(t.quantity for t in found), sum((t.amount for t in found), ZERO))

    def level_breakdown(
        self, kinds: Iterable[Kind], dimension: str, scope: Scope, *, at: str = "end"
    ) -> dict[str, Total]:
        kinds = tuple(sorted(kinds, key=lambda k: k.key))
        levels = self._levels(kinds, at)
        found = self.cached(
            ("level_breakdown", kinds, dimension, at),
            lambda: selectors.level_breakdown(
                kinds, Dimension(dimension), found=levels, network_id=self.network_id
            ),
        )
        parts: dict[str, Total] = {}
        for (branch_id, _key, value), total in found.items():
            if scope.branch_id is None or branch_id == scope.branch_id:
                before = parts.get(value, Total(0, ZERO))
                parts[value] = Total(before.quantity + total.quantity, before.amount + total.amount)
        return parts

    # Distinct users, copies and objects.

    def distinct(
        self, counter: str, scope: Scope, *, min_months: int | None = None
    ) -> Distinct | None:
        """The distinct patrons (Counter.USER), copies (Counter.COPY) or objects (their
        object type) seen in the period's months at `scope`; None when the period spans two
        years. Counted by whole months: a period that starts or ends within a month counts
        that whole month."""
        if not self.period.within_one_year:
            return None
        mask = selectors.months_mask(self.period.start, self.period.end)
        found = self.cached(
            ("distinct", counter, min_months),
            lambda: selectors.distinct(
                counter,
                network_id=self.network_id,
                year=self.period.start.year,
                mask=mask,
                min_months=min_months,
            ),
        )
        where = NETWORK_WIDE if scope.branch_id is None else scope.branch_id
        return found.get(where, Distinct(0))

    def lent_still_held(self, scope: Scope) -> int | None:
        """The distinct copies lent in the period's months at `scope` that could still be lent
        at the end of its last month: not withdrawn by then, nor lost, missing or damaged
        (counted by the month of the withdrawal or of the change, in the network); None when
        the period spans two years."""
        lent = self.distinct(Counter.COPY, scope)
        if lent is None:
            return None
        period = self.period
        mask = selectors.months_mask(period.start, period.end)
        until = selectors.months_mask(date(period.end.year, 1, 1), period.end)

        def load() -> dict[int, int]:
            branches = self.cached(
                ("distinct", Counter.COPY.value, None),
                lambda: selectors.distinct(
                    Counter.COPY, network_id=self.network_id, year=period.start.year, mask=mask
                ),
            )
            return selectors.lent_and_gone(
                network_id=self.network_id,
                year=period.start.year,
                mask=mask,
                until=until,
                branch_ids=branches,
            )

        gone = self.cached(("lent_and_gone",), load)
        where = NETWORK_WIDE if scope.branch_id is None else scope.branch_id
        return lent.seen - gone.get(where, 0)

    def distinct_breakdown(self, counter: str, column: str, scope: Scope) -> dict[str, int] | None:
        """The distinct ones of `distinct` by `column` ("category_id", "age"); None when the
        period spans two years."""
        if not self.period.within_one_year:
            return None
        mask = selectors.months_mask(self.period.start, self.period.end)
        found = self.cached(
            ("distinct_parts", counter, column),
            lambda: selectors.distinct_parts(
                counter, column, network_id=self.network_id, year=self.period.start.year, mask=mask
            ),
        )
        where = NETWORK_WIDE if scope.branch_id is None else scope.branch_id
        return {value: n for (branch_id, value), n in found.items() if branch_id == where}

    # Settings and other indicators.

    def setting(self, code: str, name: str) -> Decimal:
        """The library's choice for setting `name` of indicator `code`, or its default."""
        chosen = self.cached(
            "settings",
            lambda: {
                (row.code, row.name): row.value
                for row in IndicatorSetting.objects.filter(network_id=self.network_id)
            },
        )
        if (code, name) in chosen:
            return chosen[(code, name)]
        indicator = get(code)
        for setting in indicator.settings if indicator is not None else ():
            if setting.name == name:
                return setting.default
        raise KeyError(f"indicator {code!r} has no setting {name!r}")

    def settings_of(self, indicator: Indicator) -> dict[str, Decimal]:
        return {s.name: self.setting(indicator.code, s.name) for s in indicator.settings}

    def figure(self, code: str, scope: Scope) -> Figure:
        """Another indicator's figure for the same period and scope (computed once)."""
        return self.cached(("figure", code, scope), lambda: _compute_one(self, code, scope))


def _compute_one(inputs: Inputs, code: str, scope: Scope) -> Figure:
    indicator = get(code)
    if indicator is None:
        raise KeyError(f"no indicator {code!r}")
    if inputs.period.kind not in indicator.periods:
        return Figure.lacking(Missing.NOT_FOR_PERIOD)
    return indicator.compute(inputs, scope)


# --- helpers the apps build their indicators with ---------------------------------------


def sums(kinds: Sequence[Kind], *, entered: bool = False, amount: bool = False) -> Compute:
    """An indicator that is the entries of `kinds` in the period, summed (their quantities,
    or their amounts). `entered`: the figures are entered by people, so a period nothing was
    entered for is missing rather than zero."""

    def compute(inputs: Inputs, scope: Scope) -> Figure:
        found = inputs.recorded(kinds, scope)
        if found is None:
            return Figure.lacking(Missing.NOT_RECORDED) if entered else Figure.count(0)
        return Figure.count(found.amount if amount else found.quantity)

    return compute


def sum_parts(kinds: Sequence[Kind], *, amount: bool = False) -> Breakdown:
    """The breakdown of `sums(kinds)` by any Dimension, and by AGE_GROUP / IMLS_AGE."""

    def breakdown(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
        parts = parts_by(inputs, kinds, dimension, scope)
        return {
            value: Figure.count(total.amount if amount else total.quantity)
            for value, total in parts.items()
        }

    return breakdown


def parts_by(
    inputs: Inputs, kinds: Sequence[Kind], dimension: str, scope: Scope
) -> dict[str, Total]:
    """The period's entries of `kinds` at `scope` by `dimension`, age groups worked out from
    the age in years (or the group recorded where no age was known); what has no value of
    the dimension is under "" (the total minus the parts)."""
    if dimension in (AGE_GROUP, IMLS_AGE):
        band = library_age_group if dimension == AGE_GROUP else imls_age_band
        parts: dict[str, Total] = {}
        for age, total in inputs.breakdown(kinds, Dimension.AGE, scope).items():
            _add(parts, band(int(age)), total)
        for recorded, total in inputs.breakdown(kinds, Dimension.AGE_BAND, scope).items():
            _add(parts, recorded_band(recorded, dimension), total)
    else:
        parts = dict(inputs.breakdown(kinds, dimension, scope))
    whole = inputs.total(kinds, scope)
    rest = Total(
        whole.quantity - sum(t.quantity for t in parts.values()),
        whole.amount - sum((t.amount for t in parts.values()), ZERO),
    )
    if rest.quantity or rest.amount:
        _add(parts, "", rest)
    return parts


def _add(parts: dict[str, Total], key: str, total: Total) -> None:
    before = parts.get(key, Total(0, ZERO))
    parts[key] = Total(before.quantity + total.quantity, before.amount + total.amount)


# The library's age groups (patron categories' groups: children up to 13, teenagers 14–17,
# adults 18–64, seniors 65 and over), and IMLS's.
def library_age_group(age: int) -> str:
    if age <= 13:
        return "child"
    if age <= 17:
        return "teen"
    if age <= 64:
        return "adult"
    return "senior"


def imls_age_band(age: int) -> str:
    if age <= 5:
        return "0-5"
    if age <= 11:
        return "6-11"
    if age <= 18:
        return "12-18"
    return "19+"


# A group recorded instead of an age (a guest's "6-11", an anonymised loan's "child") in the
# other scheme: only where one group falls wholly within the other.
_RECORDED = {
    AGE_GROUP: {"0-5": "child", "6-11": "child"},
    IMLS_AGE: {"teen": "12-18", "senior": "19+"},
}


def recorded_band(recorded: str, dimension: str) -> str:
    own = ("child", "teen", "adult", "senior") if dimension == AGE_GROUP else (
        "0-5", "6-11", "12-18", "19+"
    )
    if recorded in own:
        return recorded
    return _RECORDED[dimension].get(recorded, "")


# --- computing and reading ------------------------------------------------------------------


def figures(
    period: Period, scopes: Sequence[Scope], *, codes: Sequence[str] | None = None
) -> dict[Scope, dict[str, Figure]]:
    """Every registered indicator (or those of `codes`) for `period` at each of `scopes`,
    computed now from the roll-ups. Scopes of one network share one `Inputs`."""
    if codes is not None:
        unknown = [code for code in codes if get(code) is None]
        if unknown:
            raise KeyError(f"no indicator {', '.join(unknown)}")
    chosen = list(codes) if codes is not None else [i.code for i in registry()]
    inputs: dict[int, Inputs] = {}
    result: dict[Scope, dict[str, Figure]] = {}
    for scope in scopes:
        found = inputs.setdefault(scope.network_id, Inputs(period, scope.network_id))
        result[scope] = {code: found.figure(code, scope) for code in chosen}
    return result


def breakdown(
    code: str, dimension: str, period: Period, scopes: Sequence[Scope]
) -> dict[Scope, dict[str, Figure]]:
    """Indicator `code` for `period` at each of `scopes`, by the values of `dimension`:
    "loans by language of the material, per branch, in 2026". Raises KeyError for an
    unknown indicator and ValueError for a dimension it is not broken down by."""
    indicator = get(code)
    if indicator is None:
        raise KeyError(f"no indicator {code!r}")
    if dimension not in indicator.dimensions or indicator.breakdown is None:
        raise ValueError(f"{code} is not broken down by {dimension}")
    inputs: dict[int, Inputs] = {}
    result: dict[Scope, dict[str, Figure]] = {}
    for scope in scopes:
        found = inputs.setdefault(scope.network_id, Inputs(period, scope.network_id))
        if period.kind not in indicator.periods:
            result[scope] = {}
            continue
        result[scope] = indicator.breakdown(found, scope, dimension)
    return result


def has_data(period: Period, network_id: int) -> bool:
    """Whether anything at all was recorded in the network during `period`."""
    return DayCount.objects.filter(
        network_id=network_id, day__gte=period.start, day__lte=period.end
    ).exists()


@dataclass(frozen=True)
class Reading:
    """An indicator's figure as a page or report shows it: frozen when its period is
    closed (with the definition version it was computed with), and beside it a later
    recomputation that differs, to review."""

    indicator: Indicator
    scope: Scope
    figure: Figure
    version: int
    settings: dict[str, Decimal] = field(default_factory=dict)
    frozen: bool = False
    recomputed: Figure | None = None
    recomputed_version: int | None = None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def definition(self) -> str:
        return self.indicator.describe(self.settings)


def closed_period(period: Period, network_id: int) -> ClosedPeriod | None:
    return ClosedPeriod.objects.filter(
        network_id=network_id, kind=period.kind, start=period.start, end=period.end
    ).first()


def read(
    period: Period, scopes: Sequence[Scope], *, codes: Sequence[str] | None = None
) -> dict[Scope, list[Reading]]:
    """What to show for `period` at `scopes`: the frozen figures of a closed period (with a
    later recomputation that differs, as the last check found it), else the figures
    computed now."""
    chosen = [i for i in registry() if codes is None or i.code in set(codes)]
    result: dict[Scope, list[Reading]] = {}
    by_network: dict[int, list[Scope]] = {}
    for scope in scopes:
        by_network.setdefault(scope.network_id, []).append(scope)
    for network_id, network_scopes in by_network.items():
        closed = closed_period(period, network_id)
        frozen: dict[tuple[str, int], FrozenFigure] = {}
        if closed is not None:
            frozen = {
                (f.code, f.branch_id): f
                for f in FrozenFigure.objects.filter(
                    period=closed,
                    branch_id__in=[s.branch_id or 0 for s in network_scopes],
                )
            }
        inputs = Inputs(period, network_id)
        for scope in network_scopes:
            readings = []
            for indicator in chosen:
                kept = frozen.get((indicator.code, scope.branch_id or 0))
                if kept is not None:
                    recomputed = kept.recomputed or None
                    readings.append(
                        Reading(
                            indicator,
                            scope,
                            frozen_figure(kept),
                            kept.version,
                            {k: Decimal(v) for k, v in kept.settings.items()},
                            frozen=True,
                            recomputed=Figure.from_dict(recomputed) if recomputed else None,
                            recomputed_version=recomputed.get("version") if recomputed else None,
                        )
                    )
                    continue
                readings.append(
                    Reading(
                        indicator,
                        scope,
                        inputs.figure(indicator.code, scope),
                        indicator.version,
                        inputs.settings_of(indicator),
                    )
                )
            result[scope] = readings
    return result


def frozen_figure(row: FrozenFigure) -> Figure:
    return Figure(row.value, row.numerator, row.denominator, row.missing)


def same(a: Figure, b: Figure) -> bool:
    """Whether two figures say the same (to the precision figures are kept in)."""

    def norm(value: Decimal | None) -> Decimal | None:
        return None if value is None else _quantized(value)

    return (norm(a.value), norm(a.numerator), norm(a.denominator), a.missing) == (
        norm(b.value), norm(b.numerator), norm(b.denominator), b.missing
    )


def change(current: Figure, before: Figure) -> Decimal | None:
    """The change from `before` to `current` in % of `before` (year on year): None when
    either is missing or `before` is zero."""
    if current.value is None or before.value is None or before.value == 0:
        return None
    return _quantized((current.value - before.value) * 100 / abs(before.value)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def with_value(figure: Figure, value: Decimal | None) -> Figure:
    return replace(figure, value=value)

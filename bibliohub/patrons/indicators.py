"""The patrons' indicators: registered, new, active, regular and e-service users, from the
daily count of valid cards, the registrations, and the distinct users of the history's
roll-ups (counted by yearly pseudonym, so they stay countable after patrons are
anonymised or erased)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from bibliohub.history.indicators import (
    AGE_GROUP,
    IMLS_AGE,
    Figure,
    Indicator,
    Inputs,
    Missing,
    PeriodKind,
    Scope,
    Setting,
    group,
    imls_age_band,
    label_values,
    library_age_group,
    parts_by,
    register,
    sums,
)
from bibliohub.history.models import Counter, Dimension
from bibliohub.patrons.kinds import CARDS_VALID, CONFIRMED, REGISTERED
from bibliohub.patrons.models import AgeBand, PatronCategory

USERS = group("users", _("Users"), order=20)

# A patron becomes a user when registered at the desk or by import, or when an online
# registration is confirmed (SELF_REGISTERED alone is a request, not yet a user).
NEW_USERS = (REGISTERED, CONFIRMED)


def _category_names(values: Sequence[str]) -> dict[str, str]:
    ids = [int(v) for v in values if v.isdigit()]
    return {
        str(c.pk): c.display_name() for c in PatronCategory.objects.filter(pk__in=ids)
    }


def _age_group_names(values: Sequence[str]) -> dict[str, str]:
    return {value: str(AgeBand(value).label) for value in values if value in AgeBand.values}


label_values(Dimension.CATEGORY, _category_names)
label_values(AGE_GROUP, _age_group_names)


def _registered(inputs: Inputs, scope: Scope) -> Figure:
    return Figure.count(
        None if (found := inputs.level([CARDS_VALID], scope)) is None else found.quantity
    )


def _registered_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    parts = inputs.level_breakdown([CARDS_VALID], dimension, scope)
    return {value: Figure.count(total.quantity) for value, total in parts.items()}


def _distinct(
    attribute: str, *, min_months: bool = False
) -> Callable[[Inputs, Scope], Figure]:
    def compute(inputs: Inputs, scope: Scope) -> Figure:
        months = int(inputs.setting("regular_users", "months")) if min_months else None
        found = inputs.distinct(Counter.USER, scope, min_months=months)
        if found is None:
            return Figure.lacking(Missing.ACROSS_YEARS)
        return Figure.count(getattr(found, attribute))

    return compute


def _active_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    column = "category_id" if dimension == Dimension.CATEGORY else "age"
    found = inputs.distinct_breakdown(Counter.USER, column, scope)
    if found is None:
        return {}
    if column == "category_id":
        return {value: Figure.count(n) for value, n in found.items()}
    band = library_age_group if dimension == AGE_GROUP else imls_age_band
    parts: dict[str, int] = {}
    for age, n in found.items():
        parts[band(int(age))] = parts.get(band(int(age)), 0) + n
    total = inputs.distinct(Counter.USER, scope)
    rest = (total.seen if total is not None else 0) - sum(parts.values())
    if rest:
        parts[""] = rest
    return {value: Figure.count(n) for value, n in parts.items()}


def _new_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    return {
        value: Figure.count(total.quantity)
        for value, total in parts_by(inputs, NEW_USERS, dimension, scope).items()
    }


register(
    Indicator(
        code="registered_users",
        name=_("Registered users"),
        definition=_(
            "Patrons whose card is valid on the last day of the period (confirmed, the card "
            "not expired), as counted that day, or on the last day counted in the period; "
            "by home branch."
        ),
        numerator=_("Patrons with a valid card"),
        standard="ISO 2789:2022 (registered user); IMLS PLS FY2023 REGBOR",
        compute=_registered,
        breakdown=_registered_parts,
        dimensions=(Dimension.CATEGORY,),
        group=USERS,
        order=10,
    )
)

register(
    Indicator(
        code="new_users",
        name=_("New users"),
        definition=_(
            "Patrons registered in the period: registered at the desk or by import, or "
            "registered online and confirmed by the library."
        ),
        numerator=_("Registrations and confirmed online registrations"),
        standard="ISO 2789:2022",
        compute=sums(NEW_USERS),
        breakdown=_new_parts,
        dimensions=(Dimension.CATEGORY, AGE_GROUP, IMLS_AGE, Dimension.CHANNEL),
        group=USERS,
        order=20,
    )
)

register(
    Indicator(
        code="active_users",
        name=_("Active users"),
        definition=_(
            "Distinct patrons who used a service in the period through any channel: "
            "borrowed, renewed, placed a hold, booked a room, registered for or came to an "
            "event, asked for a mentor. A patron is counted once however often they came; "
            "at several branches, once at each and once for the network. Counted by whole "
            "months, within a calendar year."
        ),
        numerator=_("Distinct patrons who used a service"),
        standard="ISO 2789:2022 (active user)",
        compute=_distinct("seen"),
        breakdown=_active_parts,
        dimensions=(Dimension.CATEGORY, AGE_GROUP, IMLS_AGE),
        group=USERS,
        order=30,
    )
)

register(
    Indicator(
        code="regular_users",
        name=_("Regular users"),
        definition=_(
            "Active users who used a service in at least %(months)s different months of the "
            "year (the number of months is the library's choice)."
        ),
        numerator=_("Patrons active in at least that many months"),
        standard="Lutsk CBS plan: dynamics of regular users",
        compute=_distinct("regular", min_months=True),
        periods=frozenset({PeriodKind.YEAR}),
        settings=(
            Setting(
                "months",
                _("Months of use that make a regular user"),
                Decimal(6),
                minimum=Decimal(1),
                maximum=Decimal(12),
            ),
        ),
        group=USERS,
        order=40,
    )
)

register(
    Indicator(
        code="e_service_users",
        name=_("E-service users"),
        definition=_(
            "Distinct patrons who used a service online in the period: renewed or placed a "
            "hold in the portal, registered for an event or booked a room online, or did so "
            "through the REST API. Counted by whole months, within a calendar year."
        ),
        numerator=_("Distinct patrons who used a service online"),
        standard="Lutsk CBS plan: % growth of e-service users",
        compute=_distinct("online"),
        group=USERS,
        order=50,
    )
)


"""The indicators a plan may point at, by their stable code (`loans`, `e_service_users`,
`collection_renewal` …): an action names the indicators it moves, a plan's measure the ones
it sets a target for, a SWOT point the one that is its evidence.

Plans keep the code, never a copy of the indicator, so a figure is always computed by the
indicators registry with its current definition.

NOTE: until the indicators registry (`bibliohub.history.indicators`, each app's
`indicators` module) is in the tree, the codes are the stable ones of INDICATORS.md §6,
listed below with their names. Once it is, `known_codes`, `is_known` and `name` read the
registry instead and `STABLE_CODES` goes: nothing else in the app reads this list."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STABLE_CODES: dict[str, Promise] = {
    "loans": _("Loans (renewals included)"),
    "loans_excluding_renewals": _("Loans (first loans only)"),
    "renewals": _("Renewals"),
    "registered_users": _("Registered users"),
    "new_users": _("New users"),
    "active_users": _("Active users"),
    "regular_users": _("Regular users"),
    "e_service_users": _("E-service users"),
    "refusals": _("Refusals (unmet demand)"),
    "refusal_rate": _("Refusals per 100 loans"),
    "collection_turnover": _("Collection turnover"),
    "stock_not_used": _("Stock not used (%)"),
    "collection_renewal": _("Collection renewal (%)"),
    "opening_hours_week": _("Opening hours a week"),
    "opening_hours_year": _("Opening hours a year"),
    "loans_per_student_term": _("Loans per student per term"),
    "programmes": pgettext_lazy("indicator", "Programmes held"),
    "programme_attendance": _("Attendance at programmes"),
    "active_partners": _("Active partners"),
    "volunteer_hours": _("Volunteer hours"),
    "visits": _("Visits"),
    "complaints": _("Complaints"),
    "complaints_answered_in_time": _("Complaints answered in time (%)"),
    "satisfaction": _("Satisfaction"),
    "unmet_requests": _("Requests for titles not held"),
    "zero_result_searches": _("Searches that found nothing"),
    "acquisition_days_median": _("Days from order to receipt (median)"),
    "processing_days_median": _("Days from receipt to the shelf (median)"),
    "e_loans": _("E-loans"),
    "funds_attracted": _("Funds attracted"),
    "grants_share_of_means": _("Share of means from grants and income (%)"),
    "training_hours_per_fte": _("Staff training hours per FTE"),
    "equipment_up_to_standard": _("Equipment up to standard (%)"),
    "media_facts": _("Publications, photo and video records"),
}


def known_codes() -> dict[str, str]:
    """Every indicator code a plan may name, with its name in the active language, in the
    registry's order."""
    return {code: str(label) for code, label in STABLE_CODES.items()}


def is_known(code: str) -> bool:
    return code in STABLE_CODES


def name(code: str) -> str:
    """The indicator's name in the active language; the code itself for one the registry
    does not know (any more)."""
    label = STABLE_CODES.get(code)
    return str(label) if label is not None else code


def unknown(codes: Iterable[str]) -> list[str]:
    """The codes of `codes` that name no indicator, in their order."""
    return [code for code in codes if not is_known(code)]


def choices() -> list[tuple[str, str]]:
    return list(known_codes().items())

"""The community's indicators: partners active and joint activities with them, and the
volunteer hours confirmed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.community.kinds import ACTIVITY_RECORDED, HOURS_CONFIRMED
from bibliohub.community.models import Partner
from bibliohub.history.indicators import (
    Figure,
    Indicator,
    Inputs,
    Missing,
    Scope,
    Unit,
    group,
    register,
    sums,
)
from bibliohub.history.services import object_type

COMMUNITY = group("community", _("Partners and volunteers"), order=60)


def _active_partners(inputs: Inputs, scope: Scope) -> Figure:
    found = inputs.distinct(object_type(Partner), scope)
    if found is None:
        return Figure.lacking(Missing.ACROSS_YEARS)
    return Figure.count(found.seen)


register(
    Indicator(
        code="active_partners",
        name=_("Active partners"),
        definition=_(
            "Partners with at least one joint activity or referral in the period (by the "
            "day it took place), each counted once. Counted by whole months, within a "
            "calendar year."
        ),
        numerator=_("Distinct partners with a joint activity or referral"),
        standard="Lutsk CBS plan: dynamics of partners",
        compute=_active_partners,
        group=COMMUNITY,
        order=10,
    )
)

register(
    Indicator(
        code="joint_activities",
        name=_("Joint activities with partners"),
        definition=_("Activities done with partners in the period, by the day they took place."),
        numerator=_("Joint activities"),
        standard="Lutsk CBS plan: partnerships",
        compute=sums([ACTIVITY_RECORDED]),
        group=COMMUNITY,
        order=20,
    )
)

register(
    Indicator(
        code="volunteer_hours",
        name=_("Volunteer hours"),
        definition=_("Volunteer hours confirmed in the period, by the day they were confirmed."),
        numerator=_("Hours confirmed"),
        unit=Unit.HOURS,
        standard="Lutsk CBS plan: volunteers",
        compute=sums([HOURS_CONFIRMED], amount=True),
        group=COMMUNITY,
        order=30,
    )
)

"""The programmes' indicators, counted as the IMLS Public Libraries Survey counts them: the
sessions of synchronous programmes held (each date of a series counts; reading activities,
contests and recorded presentations are not sessions) and the attendance at them, by the
programme's primary audience, by the attendees' age and by format."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from bibliohub.history.indicators import (
    AGE_GROUP,
    IMLS_AGE,
    IMLS_AUDIENCE,
    Breakdown,
    Figure,
    Indicator,
    Inputs,
    Scope,
    group,
    label_values,
    parts_by,
    register,
    sums,
)
from bibliohub.history.kinds import Kind
from bibliohub.history.models import Dimension
from bibliohub.programs.kinds import ATTENDANCE, HELD
from bibliohub.programs.models import Audience, Format

PROGRAMMES = group("programmes", _("Programmes and events"), order=50)

# A programme for one age band counts under it; one for all ages or for several bands is of
# general interest (IMLS counts each once, by its primary audience).
GENERAL = "general"
# IMLS's formats: a hybrid programme counts once, as in person.
IMLS_FORMAT = "imls_format"
_IMLS_FORMATS: dict[str, str] = {
    Format.ON_SITE.value: "on_site",
    Format.HYBRID.value: "on_site",
    Format.OFF_SITE.value: "off_site",
    Format.ONLINE.value: "virtual",
}


def imls_audience(audience: str) -> str:
    """The IMLS audience of a programme whose entries keep `audience` ("0-5,6-11", "all")."""
    bands = [band for band in audience.split(",") if band]
    if len(bands) == 1 and bands[0] != Audience.ALL_AGES:
        return bands[0]
    return GENERAL if bands else ""


def _names(values: Sequence[str]) -> dict[str, str]:
    names = {str(a.value): str(a.label) for a in Audience}
    names[GENERAL] = str(_("General interest (all ages or several)"))
    names.update({str(f.value): str(f.label) for f in Format})
    names["virtual"] = str(_("Live online"))
    return {v: names[v] for v in values if v in names}


label_values(IMLS_AUDIENCE, _names)
label_values(IMLS_FORMAT, _names)
label_values(Dimension.FORMAT, _names)
label_values(IMLS_AGE, _names)


def _parts(kinds: Sequence[Kind]) -> Breakdown:
    def breakdown(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
        if dimension in (IMLS_AUDIENCE, IMLS_FORMAT):
            source = Dimension.AUDIENCE if dimension == IMLS_AUDIENCE else Dimension.FORMAT
            mapped: dict[str, int] = {}
            for value, total in parts_by(inputs, kinds, source, scope).items():
                key = imls_audience(value) if dimension == IMLS_AUDIENCE else (
                    _IMLS_FORMATS.get(value, "") if value else ""
                )
                mapped[key] = mapped.get(key, 0) + total.quantity
            return {k: Figure.count(n) for k, n in mapped.items()}
        return {
            value: Figure.count(total.quantity)
            for value, total in parts_by(inputs, kinds, dimension, scope).items()
        }

    return breakdown


register(
    Indicator(
        code="programmes",
        name=_("Programme sessions"),
        definition=_(
            "Dates of events held in the period (each date of a series counts; cancelled "
            "ones do not), counted once they are over. Reading activities, contests and "
            "recorded presentations are not sessions. By primary audience: a programme for "
            "one age band counts under it, one for all ages or several bands as general "
            "interest; by format, a hybrid one counts as in person."
        ),
        numerator=_("Dates of events held"),
        standard="IMLS PLS FY2023 elements 600–608 (TOTPRO by audience and format)",
        compute=sums([HELD]),
        breakdown=_parts([HELD]),
        dimensions=(IMLS_AUDIENCE, IMLS_FORMAT),
        group=PROGRAMMES,
        order=10,
    )
)

register(
    Indicator(
        code="programme_attendance",
        name=_("Programme attendance"),
        definition=_(
            "People present at events in the period: registrants checked in and people "
            "counted at the door, by the day they were checked in or counted. By the "
            "programme's primary audience (as IMLS counts attendance), by the attendees' "
            "own age where known, and by format (hybrid counted as in person)."
        ),
        numerator=_("People checked in or counted"),
        standard="IMLS PLS FY2023 elements 610–618 (TOTATTEN by audience and format)",
        compute=sums(ATTENDANCE),
        breakdown=_parts(ATTENDANCE),
        dimensions=(IMLS_AUDIENCE, IMLS_FORMAT, IMLS_AGE, AGE_GROUP, Dimension.CATEGORY),
        group=PROGRAMMES,
        order=20,
    )
)

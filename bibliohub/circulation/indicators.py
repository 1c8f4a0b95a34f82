"""Circulation's indicators: loans with and without renewals, refusals (unmet demand), the
use of the collection (turnover, stock not used), loans per user and loans per student per
term by class, from the history's roll-ups and the catalogue's and patrons' daily counts."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from bibliohub.catalog.kinds import COPIES_HELD, COPIES_LOANABLE
from bibliohub.catalog.models import Format, ItemType
from bibliohub.circulation.kinds import (
    CHECKOUT,
    CHECKOUT_REFUSED,
    HOLD_REFUSED,
    RENEW,
    RENEWAL_REFUSED,
)
from bibliohub.history.indicators import (
    AGE_GROUP,
    IMLS_AGE,
    KIND,
    Figure,
    Indicator,
    Inputs,
    Missing,
    PeriodKind,
    Scope,
    Unit,
    group,
    label_values,
    parts_by,
    register,
    sum_parts,
    sums,
)
from bibliohub.history.kinds import label as kind_label
from bibliohub.history.models import Dimension
from bibliohub.patrons.kinds import STUDENTS
from bibliohub.search.languages import language_name

CIRCULATION = group("circulation", _("Circulation"), order=30)

LOANS = (CHECKOUT, RENEW)
REFUSALS = (CHECKOUT_REFUSED, RENEWAL_REFUSED, HOLD_REFUSED)
# What loans are broken down by: the borrower's age group and category, and the copy's
# item type and the title's language, format and audience; the channel; the class.
LOAN_DIMENSIONS = (
    AGE_GROUP,
    IMLS_AGE,
    Dimension.CATEGORY,
    Dimension.ITEM_TYPE,
    Dimension.LANGUAGE,
    Dimension.FORMAT,
    Dimension.AUDIENCE,
    Dimension.CHANNEL,
    Dimension.SCHOOL_CLASS,
)
COLLECTION_DIMENSIONS = (
    Dimension.ITEM_TYPE,
    Dimension.LANGUAGE,
    Dimension.FORMAT,
    Dimension.AUDIENCE,
)


def _item_type_names(values: Sequence[str]) -> dict[str, str]:
    ids = [int(v) for v in values if v.isdigit()]
    return {str(t.pk): t.display_name() for t in ItemType.objects.filter(pk__in=ids)}


def _language_names(values: Sequence[str]) -> dict[str, str]:
    return {value: language_name(value) for value in values if value}


def _kind_names(values: Sequence[str]) -> dict[str, str]:
    return {value: kind_label(*value.split(".", 1)) for value in values if "." in value}


label_values(Dimension.ITEM_TYPE, _item_type_names)
label_values(Dimension.LANGUAGE, _language_names)
label_values(KIND, _kind_names)


def _refusal_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    if dimension == KIND:
        return {kind.key: Figure.count(inputs.total([kind], scope).quantity) for kind in REFUSALS}
    return {
        value: Figure.count(total.quantity)
        for value, total in parts_by(inputs, REFUSALS, dimension, scope).items()
    }


def _refusal_rate(inputs: Inputs, scope: Scope) -> Figure:
    return Figure.ratio(
        inputs.total(REFUSALS, scope).quantity, inputs.total(LOANS, scope).quantity, scale=100
    )


# The format of the material (the title's, as the catalogue derives it from the record's
# leader and 007) that makes a loan an e-loan.
ELECTRONIC = Format.ERESOURCE.value


def _e_loans(inputs: Inputs, scope: Scope) -> Figure:
    found = parts_by(inputs, LOANS, Dimension.FORMAT, scope).get(ELECTRONIC)
    lent = found.quantity if found is not None else 0
    if not lent and ELECTRONIC not in inputs.level_breakdown(
        [COPIES_HELD], Dimension.FORMAT, scope
    ):
        # No electronic material lent or held: e-lending happens elsewhere (a vendor's
        # platform), or not at all; either way not recorded here, and never a 0.
        return Figure.lacking(Missing.NOT_RECORDED)
    return Figure.count(lent)


def _physical_loans(inputs: Inputs, scope: Scope) -> Figure:
    electronic = parts_by(inputs, LOANS, Dimension.FORMAT, scope).get(ELECTRONIC)
    loans = inputs.total(LOANS, scope).quantity
    return Figure.count(loans - (electronic.quantity if electronic is not None else 0))


def _loanable(inputs: Inputs, scope: Scope) -> int | None:
    found = inputs.level([COPIES_LOANABLE], scope)
    return None if found is None else found.quantity


def _turnover(inputs: Inputs, scope: Scope) -> Figure:
    loanable = _loanable(inputs, scope)
    loans = inputs.total(LOANS, scope).quantity
    if loanable is None:
        return Figure.lacking(Missing.NOT_RECORDED, numerator=loans)
    return Figure.ratio(loans, loanable)


def _turnover_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    loans = parts_by(inputs, LOANS, dimension, scope)
    copies = inputs.level_breakdown([COPIES_LOANABLE], dimension, scope)
    return {
        value: Figure.ratio(
            loans[value].quantity if value in loans else 0,
            copies[value].quantity if value in copies else None,
        )
        for value in sorted(set(loans) | set(copies))
    }


def _stock_not_used(inputs: Inputs, scope: Scope) -> Figure:
    loanable = _loanable(inputs, scope)
    if loanable is None:
        return Figure.lacking(Missing.NOT_RECORDED)
    # The copies lent in the period that can still be lent at its end: a copy lent and then
    # withdrawn, lost or damaged is not among the copies that can be lent at the end, nor is
    # it subtracted.
    lent = inputs.lent_still_held(scope)
    if lent is None:
        return Figure.lacking(Missing.ACROSS_YEARS, denominator=loanable)
    # A copy lent at a branch and held at another (moved since) is lent but not loanable
    # there: never below 0.
    return Figure.ratio(max(loanable - lent, 0), loanable, scale=100)


def _loans_per_user(inputs: Inputs, scope: Scope) -> Figure:
    users = inputs.figure("active_users", scope)
    return Figure.ratio(inputs.total(LOANS, scope).quantity, users.value)


def _loans_per_student(inputs: Inputs, scope: Scope) -> Figure:
    students = inputs.level([STUDENTS], scope)
    if students is None:
        return Figure.lacking(Missing.NOT_RECORDED)
    by_class = inputs.breakdown([CHECKOUT], Dimension.SCHOOL_CLASS, scope)
    loans = sum(total.quantity for total in by_class.values())
    return Figure.ratio(loans, students.quantity)


def _loans_per_student_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    loans = inputs.breakdown([CHECKOUT], Dimension.SCHOOL_CLASS, scope)
    students = inputs.level_breakdown([STUDENTS], Dimension.SCHOOL_CLASS, scope)
    return {
        value: Figure.ratio(
            loans[value].quantity if value in loans else 0,
            students[value].quantity if value in students else None,
        )
        for value in sorted(set(loans) | set(students))
    }


register(
    Indicator(
        code="loans",
        name=_("Loans"),
        definition=_(
            "Loans of copies in the period, renewals included: each checkout and each "
            "renewal counts once, at the desk, at self-check, online or automatically."
        ),
        numerator=_("Checkouts and renewals"),
        standard="ISO 2789:2022 (loan); IMLS PLS FY2023 element 553 (PHYSCIR)",
        compute=sums(LOANS),
        breakdown=sum_parts(LOANS),
        dimensions=LOAN_DIMENSIONS,
        group=CIRCULATION,
        order=10,
    )
)

register(
    Indicator(
        code="loans_excluding_renewals",
        name=_("Loans excluding renewals"),
        definition=_("Checkouts in the period: first loans only, renewals left out."),
        numerator=_("Checkouts"),
        standard="ISO 2789:2022 (loan, renewals excluded)",
        compute=sums([CHECKOUT]),
        breakdown=sum_parts([CHECKOUT]),
        dimensions=LOAN_DIMENSIONS,
        group=CIRCULATION,
        order=20,
    )
)

register(
    Indicator(
        code="renewals",
        name=_("Renewals"),
        definition=_("Renewals of loans in the period, by any channel, automatic ones included."),
        numerator=_("Renewals"),
        standard="ISO 2789:2022 (renewal)",
        compute=sums([RENEW]),
        breakdown=sum_parts([RENEW]),
        dimensions=LOAN_DIMENSIONS,
        group=CIRCULATION,
        order=30,
    )
)

register(
    Indicator(
        code="e_loans",
        name=_("E-loans"),
        definition=_(
            "Loans in the period (renewals included) of electronic resources: copies of "
            "titles whose catalogue record describes an electronic resource (e-books, "
            "e-audio, e-video, e-serials lent through the library). Not recorded, rather "
            "than 0, where the library neither lent nor held any."
        ),
        numerator=_("Loans of electronic resources"),
        standard="IMLS PLS FY2023 552 ELMATCIR (electronic materials circulation)",
        compute=_e_loans,
        group=CIRCULATION,
        order=32,
    )
)

register(
    Indicator(
        code="physical_loans",
        name=_("Loans of physical items"),
        definition=_(
            "Loans in the period (renewals included) of everything but electronic resources."
        ),
        numerator=_("Loans of physical items"),
        standard="IMLS PLS FY2023 553 PHYSCIR (physical item circulation)",
        compute=_physical_loans,
        group=CIRCULATION,
        order=34,
    )
)

register(
    Indicator(
        code="refusals",
        name=_("Refusals (unmet demand)"),
        definition=_(
            "Checkouts, renewals and holds refused in the period, at the desk, at self-check "
            "and online, whatever the reason (a copy held for another reader, a limit "
            "reached, a blocked card)."
        ),
        numerator=_("Refused checkouts, renewals and holds"),
        higher_is_better=False,
        standard="Lutsk CBS plan: yearly % decrease of unmet demand",
        compute=sums(REFUSALS),
        breakdown=_refusal_parts,
        dimensions=(KIND, Dimension.CHANNEL, Dimension.LANGUAGE, Dimension.ITEM_TYPE,
                    Dimension.CATEGORY, AGE_GROUP),
        group=CIRCULATION,
        order=40,
    )
)

register(
    Indicator(
        code="refusal_rate",
        name=_("Refusal rate"),
        definition=_("Refusals per 100 loans (renewals included) in the period."),
        numerator=_("Refusals"),
        denominator=_("Loans"),
        unit=Unit.PERCENT,
        higher_is_better=False,
        standard="Lutsk CBS plan: unmet demand",
        compute=_refusal_rate,
        group=CIRCULATION,
        order=50,
    )
)

register(
    Indicator(
        code="collection_turnover",
        name=_("Collection turnover"),
        definition=_(
            "Loans in the period (renewals included) divided by the copies that could be "
            "lent at its end (on the shelf, on loan, on the hold shelf or in transit, as "
            "counted on its last day)."
        ),
        numerator=_("Loans"),
        denominator=_("Copies that can be lent"),
        unit=Unit.RATIO,
        standard="ISO 11620:2014 B.2.1.1 (collection turnover)",
        compute=_turnover,
        breakdown=_turnover_parts,
        dimensions=COLLECTION_DIMENSIONS,
        group=CIRCULATION,
        order=60,
    )
)

register(
    Indicator(
        code="stock_not_used",
        name=_("Stock not used"),
        definition=_(
            "Percentage of the copies that could be lent at the end of the period that "
            "were not lent or renewed in it. A copy counts as used at the branch that lent "
            "it; copies lent and then withdrawn, lost or damaged by the end of the period "
            "are left out; counted by whole months, within a calendar year."
        ),
        numerator=_(
            "Copies that can be lent, less the distinct copies lent in the period that can "
            "still be lent"
        ),
        denominator=_("Copies that can be lent"),
        unit=Unit.PERCENT,
        higher_is_better=False,
        standard="ISO 11620:2014 B.2.1.3 (percentage of stock not used)",
        # 2: copies lent and withdrawn by the end of the period are no longer subtracted;
        # 3: nor those lost, missing or damaged at its end.
        version=3,
        compute=_stock_not_used,
        group=CIRCULATION,
        order=70,
    )
)

register(
    Indicator(
        code="loans_per_user",
        name=_("Loans per active user"),
        definition=_("Loans in the period (renewals included) divided by its active users."),
        numerator=_("Loans"),
        denominator=_("Active users"),
        unit=Unit.RATIO,
        standard="6-НК: читаність (loans ÷ users)",
        compute=_loans_per_user,
        group=CIRCULATION,
        order=80,
    )
)

register(
    Indicator(
        code="loans_per_student_term",
        name=_("Loans per student per term"),
        definition=_(
            "Checkouts by students with a class in the term (the class they were in when "
            "they borrowed) divided by the students with a valid card and a class at its "
            "end; by class."
        ),
        numerator=_("Checkouts by students"),
        denominator=_("Students"),
        unit=Unit.RATIO,
        standard="School library plans: at least 2 loans per student per term",
        compute=_loans_per_student,
        breakdown=_loans_per_student_parts,
        dimensions=(Dimension.SCHOOL_CLASS,),
        periods=frozenset({PeriodKind.TERM}),
        group=CIRCULATION,
        order=90,
    )
)

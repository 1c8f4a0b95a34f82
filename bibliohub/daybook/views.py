"""The daily record book of a branch, one screen a month: what the branch counted each day
(visits, reference questions, public computer and Wi-Fi sessions) in one grid, and its
yearly figures (population to be served, staff, budget) below. A librarian keeps the book
of her own branches."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.daybook import services
from bibliohub.daybook.models import DailyCount, Figure, Measure
from bibliohub.daybook.services import DaybookRefused, cell
from bibliohub.history import Actor


@dataclass(frozen=True)
class Cell:
    name: str
    measure: Measure
    value: str
    errors: list[str]
    open: bool  # a day that has come, of a period not closed


@staff_required
def start(request: StaffRequest) -> HttpResponse:
    """This month's book of the first branch the user keeps."""
    branch = access.branches_for(request.user).filter(is_active=True).order_by("pk").first()
    if branch is None:
        raise Http404(_("You keep the record book of no branch."))
    today = timezone.localdate()
    return redirect("staff:daybook:month", code=branch.code, year=today.year, month=today.month)


@staff_required
def month(request: StaffRequest, code: str, year: int, month: int) -> HttpResponse:
    branch = access.branch_for_edit(request.user, code)
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        raise Http404(_("There is no such month."))
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    saved = {
        (row.day, row.measure): row.value
        for row in DailyCount.objects.filter(branch=branch, day__gte=days[0], day__lte=days[-1])
    }
    typed: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    figure_errors: dict[str, list[str]] = {}
    status = 200
    now = timezone.now()
    actor = Actor.for_staff(request.user)
    if request.method == "POST":
        if "figures" in request.POST:
            figure_errors = _save_figures(request, branch, year, actor, now)
        else:
            typed, errors = _save_counts(request, branch, days, saved, actor, now)
        if not errors and not figure_errors:
            messages.success(request, _("The record book is saved."))
            return redirect("staff:daybook:month", code=branch.code, year=year, month=month)
        status = 400
    today = timezone.localdate(now)
    rows = []
    for day in days:
        closed = services.closed_on(branch.network_id, day)
        row = []
        for measure in Measure:
            name = cell(day, measure)
            shown = typed.get(name, "" if (day, measure) not in saved else str(saved[(day, measure)]))
            row.append(Cell(name, measure, shown, errors.get(name, []), day <= today and not closed))
        rows.append((day, row))
    yearly = services.yearly_figures(branch.network_id, year)
    figures = [
        {
            "name": figure.value,
            "label": figure.label,
            "value": request.POST.get(figure.value, "")
            if figure_errors
            else _plain(yearly[(branch.pk, figure.value)].value)
            if (branch.pk, figure.value) in yearly
            else "",
            "errors": figure_errors.get(figure.value, []),
        }
        for figure in Figure
    ]
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    context: dict[str, Any] = {
        "branch": branch,
        "branches": access.branches_for(request.user).filter(is_active=True),
        "first": days[0],
        "year": year,
        "month": month,
        "measures": list(Measure),
        "rows": rows,
        "count_errors": errors,
        "figures": figures,
        "figure_errors": figure_errors.get("", []),
        "previous": previous,
        "following": following,
    }
    return render(request, "daybook/month.html", context, status=status)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _save_counts(
    request: StaffRequest,
    branch: Any,
    days: list[date],
    saved: dict[tuple[date, str], int],
    actor: Actor,
    now: Any,
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Save the cells that changed; return what was typed and the errors by cell."""
    typed: dict[str, str] = {}
    counts: dict[tuple[date, str], int | None] = {}
    errors: dict[str, list[str]] = {}
    for day in days:
        for measure in Measure:
            name = cell(day, measure)
            if name not in request.POST:
                continue
            text = request.POST[name].strip().replace(" ", "").replace("\u00a0", "")
            typed[name] = text
            if not text:
                value = None
            elif text.isdigit():
                value = int(text)
            else:
                errors[name] = [_("Enter a whole number from 0 to %(max)s.") % {
                    "max": f"{services.MAX_DAILY:,}"
                }]
                continue
            if value != saved.get((day, measure)):
                counts[(day, measure)] = value
    if errors:
        return typed, errors
    try:
        services.save_counts(branch, counts=counts, actor=actor, at=now)
    except DaybookRefused as refusal:
        return typed, refusal.errors
    return typed, {}


def _save_figures(
    request: StaffRequest, branch: Any, year: int, actor: Actor, now: Any
) -> dict[str, list[str]]:
    """Save the branch's yearly figures of `year`, all or none; return the errors by
    figure."""
    errors: dict[str, list[str]] = {}
    values = {}
    for figure in Figure:
        try:
            values[figure] = services.parse_figure(figure.value, request.POST.get(figure.value, ""))
        except DaybookRefused as refusal:
            errors.update(refusal.errors)
    if errors:
        return errors
    with transaction.atomic():
        for figure, value in values.items():
            try:
                services.set_yearly_figure(
                    network=branch.network,
                    branch=branch,
                    year=year,
                    figure=figure.value,
                    value=value,
                    currency=branch.network.currency if figure == Figure.BUDGET else "",
                    actor=actor,
                    at=now,
                )
            except DaybookRefused as refusal:
                for name, wordings in refusal.errors.items():
                    errors.setdefault(name, []).extend(
                        w for w in wordings if w not in errors.get(name, [])
                    )
        if errors:
            transaction.set_rollback(True)
    return errors

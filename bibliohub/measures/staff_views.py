"""The indicator screens under /staff/indicators/: the network dashboard of the plan's key
indicators (each branch and the network, a period and the same period a year earlier), one
indicator with its trend and its branches side by side, the targets of a year, and closing a
period. Staff read the figures of their branches; the network's roles, the methodologist and
the monitoring group every branch's (accounts.access.can_read_every_figure). Targets and
closing are the network managers'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bibliohub import charts
from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, plan_reader_required, staff_required
from bibliohub.accounts.models import User
from bibliohub.history import Actor, indicators, snapshots
from bibliohub.history.indicators import Figure, Period, Unit
from bibliohub.history.models import ClosedPeriod, PeriodKind
from bibliohub.history.snapshots import CloseRefused
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures import selectors, services
from bibliohub.measures.models import Target
from bibliohub.measures.selectors import PeriodUnknown
from bibliohub.measures.services import TargetRefused
from bibliohub.measures.wording import Shown, number, shown, with_unit
from bibliohub.planning import codes as plan_codes

# --- who reads what -----------------------------------------------------------------------


def _network() -> Network:
    network = selectors.default_network()
    if network is None:
        raise Http404(_("There is no library network yet."))
    return network


def _readable(user: User, network: Network) -> tuple[list[Branch], bool]:
    """The branches whose figures `user` reads, and whether the network's too."""
    found = Branch.objects.filter(network=network).order_by("pk")
    if access.can_read_every_figure(user):
        return list(found), True
    allowed = access.figure_branches(user).values_list("pk", flat=True)
    return list(found.filter(pk__in=allowed)), access.can_read_network_figures(user)


def _period(data: QueryDict, network: Network, today: date) -> tuple[Period, int, str]:
    """The period a page is asked for: year=Y&part= (q1–q4, m1–m12, t<term id>, or empty
    for the year); this year by default."""
    try:
        year = int(data.get("year") or today.year)
        part = data.get("part", "")
        if part.startswith("q"):
            return selectors.period_for(year=year, quarter=int(part[1:])), year, part
        if part.startswith("m"):
            return selectors.period_for(year=year, month=int(part[1:])), year, part
        if part.startswith("t"):
            return selectors.period_for(year=year, term=int(part[1:]), network=network), year, part
        if part:
            raise PeriodUnknown(part)
        return selectors.period_for(year=year), year, ""
    except (ValueError, PeriodUnknown) as error:
        raise Http404(_("There is no such period.")) from error


def _parts(network: Network, year: int) -> list[tuple[str, str]]:
    """The periods of a year the page offers: the year, its quarters, months and terms."""
    found = [("", _("The whole year"))]
    found += [(f"q{q}", _("Quarter %(number)s") % {"number": q}) for q in range(1, 5)]
    found += [
        (f"m{m}", formats.date_format(date(year, m, 1), "YEAR_MONTH_FORMAT")) for m in range(1, 13)
    ]
    found += [(f"t{t.pk}", t.display_name()) for t in selectors.terms_of(network, year)]
    return found


def _scope_name(branch: Branch | None, network: Network) -> str:
    if branch is None:
        return _("The whole network (%(network)s)") % {"network": network.display_name()}
    return branch.display_name()


# --- the dashboard ----------------------------------------------------------------------------


@plan_reader_required
def dashboard(request: StaffRequest) -> HttpResponse:
    """The plan's key indicators (or every indicator, ?all=1) of a period for the network and
    each branch the user reads, with last year's, the change and the target."""
    network = _network()
    today = timezone.localdate()
    period, year, part = _period(request.GET, network, today)
    branches, with_network = _readable(request.user, network)
    every = request.GET.get("all") == "1"
    codes = indicators.codes() if every else selectors.plan_codes(network, period.start.year)
    board = selectors.dashboard(
        period, network=network, branches=branches, with_network=with_network, codes=codes
    )
    sections = [
        {
            "name": _scope_name(branch, network),
            "branch": branch,
            "rows": [shown(line) for line in board.lines[scope]],
        }
        for scope, branch in board.scopes
    ]
    return render(request, "measures/dashboard.html", {
        "network": network,
        "period": period,
        "period_name": _period_name(period),
        "year": year,
        "part": part,
        "parts": _parts(network, year),
        "every": every,
        "sections": sections,
        "not_computed": [(code, _code_name(code)) for code in board.not_computed],
        "can_manage": access.is_staff_user(request.user) and access.can_manage_figures(request.user),
        "query": request.GET.urlencode(),
    })


def _code_name(code: str) -> str:
    """The name plans give an indicator code, computed or not."""
    return plan_codes.name(code)


def _period_name(period: Period) -> str:
    if period.kind == PeriodKind.YEAR:
        return period.label
    if period.kind == PeriodKind.MONTH:
        return formats.date_format(period.start, "YEAR_MONTH_FORMAT")
    if period.kind == PeriodKind.QUARTER:
        return _("Quarter %(number)s of %(year)s") % {
            "number": (period.start.month + 2) // 3, "year": period.start.year,
        }
    return period.label


# --- one indicator ----------------------------------------------------------------------------


@plan_reader_required
def indicator(request: StaffRequest, code: str) -> HttpResponse:
    """One indicator: its definition, its trend month by month over the year and the year
    before (at the network, or ?branch=CODE), and the branches side by side."""
    found = indicators.get(code)
    if found is None:
        raise Http404(_("There is no such indicator."))
    network = _network()
    today = timezone.localdate()
    period, year, part = _period(request.GET, network, today)
    branches, with_network = _readable(request.user, network)
    chosen: Branch | None = None
    if request.GET.get("branch"):
        chosen = next((b for b in branches if b.code == request.GET["branch"]), None)
        if chosen is None:
            if Branch.objects.filter(network=network, code=request.GET["branch"]).exists():
                raise PermissionDenied(_("You cannot see the figures of this branch."))
            raise Http404(_("There is no such branch."))
    elif not with_network:
        if not branches:
            raise PermissionDenied(_("You cannot see the figures of any branch."))
        chosen = branches[0]
    scope = indicators.Scope(network.pk, chosen.pk if chosen else None)
    where = _scope_name(chosen, network)
    name = str(found.name)
    months = [formats.date_format(date(year, m, 1), "M") for m in range(1, 13)]
    this_year = selectors.by_month(code, year=year, scope=scope)
    last_year = selectors.by_month(code, year=year - 1, scope=scope)
    trend = None
    if found.periods and PeriodKind.MONTH in found.periods:
        trend = charts.line_chart(
            title=_("%(indicator)s by month, %(where)s") % {"indicator": name, "where": where},
            description=_(
                "%(indicator)s each month of %(year)s, and of %(before)s for comparison "
                "(dashed line). The same figures are in the table below."
            ) % {"indicator": name, "year": year, "before": year - 1},
            category_label=pgettext("calendar", "Month"),
            categories=months,
            series=[
                charts.Series(str(year), [f.value for f in this_year]),
                charts.Series(str(year - 1), [f.value for f in last_year]),
            ],
            number=number,
            unit="%" if found.unit == Unit.PERCENT else "",
            filename=f"{code}-{year}-by-month.csv",
        )
    now, before = selectors.by_branch(code, period, network=network, branches=branches)
    period_name = _period_name(period)
    comparison = None
    if branches:
        comparison = charts.bar_chart(
            title=_("%(indicator)s by branch, %(period)s") % {"indicator": name, "period": period_name},
            description=_(
                "%(indicator)s at each branch in %(period)s, and in the same period a year "
                "earlier. The same figures are in the table below."
            ) % {"indicator": name, "period": period_name},
            category_label=_("Branch"),
            categories=[b.display_name() for b in branches],
            series=[
                charts.Series(period_name, [now[b.pk].figure.value for b in branches]),
                charts.Series(
                    _period_name(period.year_before()), [before[b.pk].figure.value for b in branches]
                ),
            ],
            number=number,
            unit="%" if found.unit == Unit.PERCENT else "",
            filename=f"{code}-{period.label}-by-branch.csv",
        )
    line = selectors.overview(period, [scope], codes=[code])[scope][0]
    return render(request, "measures/indicator.html", {
        "indicator": found,
        "row": shown(line),
        "where": where,
        "chosen": chosen,
        "with_network": with_network,
        "branches": branches,
        "period": period,
        "period_name": period_name,
        "year": year,
        "part": part,
        "parts": _parts(network, year),
        "group": indicators.group_label(found.group),
        "trend": trend,
        "comparison": comparison,
    })


# --- targets --------------------------------------------------------------------------------


def _decimal(text: str, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.setdefault(field, []).append(_("Enter a number, such as 12 or 4.5."))
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e15"):
        errors.setdefault(field, []).append(_("Enter a number, such as 12 or 4.5."))
        return None
    return value


@staff_required
def targets(request: StaffRequest) -> HttpResponse:
    """The targets and baselines of a year (?year=), per indicator and branch, and a form to
    set one: network managers only."""
    access.require_figure_manager(request.user)
    network = _network()
    today = timezone.localdate()
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or today.year)
    except ValueError as error:
        raise Http404(_("There is no such year.")) from error
    branches = list(Branch.objects.filter(network=network).order_by("pk"))
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        typed = {k: request.POST.get(k, "") for k in ("code", "branch", "baseline", "target", "change")}
        branch: Branch | None = None
        if typed["branch"]:
            branch = next((b for b in branches if b.code == typed["branch"]), None)
            if branch is None:
                errors.setdefault("branch", []).append(_("Choose a branch of the network, or the whole network."))
        if not typed["code"]:
            errors.setdefault("code", []).append(_("Choose the indicator."))
        values = {
            name: _decimal(typed[name], name, errors) for name in ("baseline", "target", "change")
        }
        if not errors:
            try:
                services.save_target(
                    network=network, branch=branch, code=typed["code"], year=year,
                    baseline=values["baseline"], target=values["target"], change=values["change"],
                    actor=Actor.for_staff(request.user), at=timezone.now(),
                )
            except TargetRefused as refused:
                unknown = indicators.get(typed["code"]) is None
                for field, wordings in refused.errors.items():
                    # The service words the whole target's problems under "": an unknown
                    # indicator belongs by its field, a year out of range above the form.
                    where = field or ("code" if unknown else "general")
                    errors.setdefault(where, []).extend(str(w) for w in wordings)
        if not errors:
            messages.success(request, _("The target is saved."))
            return redirect(f"{reverse('staff:measures:targets')}?year={year}")
        status = 400
    rows = Target.objects.filter(network=network, year=year).select_related("branch")
    registry = indicators.registry()
    return render(request, "measures/targets.html", {
        "year": year,
        "rows": [
            {"target": row, "indicator": indicators.get(row.code),
             "where": _scope_name(row.branch, network)}
            for row in rows
        ],
        "choices": [(i.code, str(i.name)) for i in registry],
        "branches": branches,
        "network": network,
        "typed": typed,
        "errors": errors,
    }, status=status)


# --- closing a period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    code: str
    name: str
    where: str
    frozen: str
    recomputed: str
    version: int
    recomputed_version: int | None


def _differences(closed: ClosedPeriod, network: Network) -> list[Difference]:
    names = {b.pk: b.display_name() for b in Branch.objects.filter(network=network)}
    found = []
    for row in snapshots.differences(closed):
        indicator = indicators.get(row.code)
        if indicator is None:
            continue
        again = Figure.from_dict(row.recomputed or {})
        found.append(
            Difference(
                row.code,
                str(indicator.name),
                names.get(row.branch_id, "") if row.branch_id else _scope_name(None, network),
                with_unit(row.value, indicator),
                with_unit(again.value, indicator),
                row.version,
                (row.recomputed or {}).get("version"),
            )
        )
    return found


@staff_required
def closing(request: StaffRequest) -> HttpResponse:
    """A period (?year=&part=) to close: closed or not, its frozen figures for the network,
    and the differences a recomputation finds, to review and accept one by one or all.
    POST action=close closes it; action=recheck recomputes; action=accept (with code, or
    none for all) takes the recomputed figures. Network managers only."""
    access.require_figure_manager(request.user)
    network = _network()
    now = timezone.now()
    today = timezone.localdate(now)
    source = request.POST if request.method == "POST" else request.GET
    period, year, part = _period(source, network, today)
    actor = Actor.for_staff(request.user)
    closed = indicators.closed_period(period, network.pk)
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "close":
            try:
                services.close(period, network=network, actor=actor, at=now)
            except CloseRefused as refused:
                problems = [str(m) for m in refused.messages]
            else:
                messages.success(request, _("The period is closed: its figures are frozen."))
        elif action == "recheck" and closed is not None:
            differing = snapshots.recheck(closed, at=now)
            messages.info(request, _("Recomputed: %(count)s figures differ from the frozen ones.")
                          % {"count": differing})
        elif action == "accept" and closed is not None:
            code = request.POST.get("code") or None
            accepted = snapshots.accept_recomputed(
                closed, codes=[code] if code else None, actor=actor, at=now
            )
            messages.success(request, _("%(count)s frozen figures replaced by their recomputation.")
                             % {"count": accepted})
        else:
            problems = [_("Choose what to do: close the period, recompute it or accept a difference.")]
        if not problems:
            return redirect(_closing_url(year, part))
    closed = indicators.closed_period(period, network.pk)
    rows: list[Shown] = []
    differences: list[Difference] = []
    if closed is not None:
        scope = indicators.Scope(network.pk)
        rows = [shown(line) for line in selectors.overview(period, [scope])[scope]]
        differences = _differences(closed, network)
    recent = ClosedPeriod.objects.filter(network_id=network.pk).order_by("-end", "kind")[:20]
    return render(request, "measures/closing.html", {
        "period": period,
        "period_name": _period_name(period),
        "year": year,
        "part": part,
        "parts": _parts(network, year),
        "closed": closed,
        "ended": period.end < today,
        "rows": rows,
        "differences": differences,
        "problems": problems,
        "recent": recent,
    }, status=400 if problems else 200)


def _closing_url(year: int, part: str) -> str:
    return f"{reverse('staff:measures:closing')}?year={year}&part={part}"


def closed_label(closed: ClosedPeriod) -> str:
    return _period_name(snapshots.period_of(closed))

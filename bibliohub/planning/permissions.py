"""Permission-checked fetches for the programme and SWOT screens, on the rules of
accounts.access: 404 when the thing does not exist, 403 when `user` may not read or change it.
A draft is for staff only; a branch's programme for those who work for the branch (and the
network's planners); a member of the monitoring group reads and never writes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bibliohub.accounts import access
from bibliohub.accounts.models import User
from bibliohub.libraries.models import Branch
from bibliohub.planning.models import (
    Action,
    Direction,
    Evidence,
    Goal,
    Measure,
    Programme,
    ProgrammeStatus,
    ProgressUpdate,
    Swot,
    SwotPoint,
)


def _scoped(queryset: QuerySet, user: User, branch_field: str = "branch") -> QuerySet:
    ids = access.plan_branch_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(Q(**{f"{branch_field}__isnull": True}) | Q(**{f"{branch_field}_id__in": ids}))


def programmes_for(user: User) -> QuerySet[Programme]:
    """The programmes `user` may read: the network's and those of her branches, drafts
    only for staff."""
    if not access.can_view_plans(user):
        return Programme.objects.none()
    queryset = Programme.objects.select_related("branch", "network")
    if not access.is_staff_user(user):
        queryset = queryset.exclude(status=ProgrammeStatus.DRAFT)
    return _scoped(queryset, user)


def swots_for(user: User) -> QuerySet[Swot]:
    if not access.can_view_plans(user):
        return Swot.objects.none()
    return _scoped(Swot.objects.select_related("branch"), user)


def _require_view(user: User, programme: Programme) -> None:
    if not access.can_view_programme(user, branch_id=programme.branch_id, draft=programme.is_draft):
        raise PermissionDenied(_("You cannot read this programme."))


def _require_edit(user: User, programme: Programme) -> None:
    if not access.can_edit_programme(user, branch_id=programme.branch_id):
        raise PermissionDenied(_("You cannot change this programme."))


def programme_for_view(user: User, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("branch", "network"), pk=pk)
    _require_view(user, programme)
    return programme


def programme_for_edit(user: User, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("branch", "network"), pk=pk)
    _require_edit(user, programme)
    return programme


def direction_for_edit(user: User, pk: int) -> Direction:
    direction = get_object_or_404(Direction.objects.select_related("programme__branch"), pk=pk)
    _require_edit(user, direction.programme)
    return direction


def goal_for_edit(user: User, pk: int) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("direction__programme__branch"), pk=pk)
    _require_edit(user, goal.direction.programme)
    return goal


def measure_for_edit(user: User, pk: int) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("programme__branch"), pk=pk)
    _require_edit(user, measure.programme)
    return measure


_ACTION = Action.objects.select_related(
    "programme__branch", "programme__network", "goal__direction", "coordinator", "owner"
)


def action_for_view(user: User, pk: int) -> Action:
    action = get_object_or_404(_ACTION, pk=pk)
    _require_view(user, action.programme)
    return action


def action_for_edit(user: User, pk: int) -> Action:
    action = get_object_or_404(_ACTION, pk=pk)
    _require_edit(user, action.programme)
    return action


def may_report_progress(user: User, action: Action) -> bool:
    return access.can_report_progress(
        user,
        programme_branch_id=action.programme.branch_id,
        action_branch_ids=[b.pk for b in action.branches.all()],
        all_branches=action.all_branches,
        owner_id=action.owner_id,
    )


def action_for_progress(user: User, pk: int) -> Action:
    """The action, if `user` may record progress on it (see access.can_report_progress)."""
    action = get_object_or_404(_ACTION, pk=pk)
    if not may_report_progress(user, action):
        raise PermissionDenied(_("You cannot record progress on this action."))
    return action


def update_for_edit(user: User, pk: int) -> ProgressUpdate:
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("action__programme__branch"), pk=pk
    )
    if not (may_report_progress(user, update.action)):
        raise PermissionDenied(_("You cannot change this update."))
    return update


def evidence_for_view(user: User, pk: int) -> Evidence:
    """A file or link of an update: for staff who may read its programme; for the
    monitoring group only when the update is public (a photo may show people)."""
    item = get_object_or_404(
        Evidence.objects.select_related("update__action__programme__branch"), pk=pk
    )
    _require_view(user, item.update.action.programme)
    if not access.can_see_personal_data(user) and not item.update.is_public:
        raise PermissionDenied(_("This file is for library staff."))
    return item


def evidence_for_edit(user: User, pk: int) -> Evidence:
    item = get_object_or_404(
        Evidence.objects.select_related("update__action__programme__branch"), pk=pk
    )
    if not may_report_progress(user, item.update.action):
        raise PermissionDenied(_("You cannot change this update."))
    return item


def swot_for_view(user: User, pk: int) -> Swot:
    swot = get_object_or_404(Swot.objects.select_related("branch", "network"), pk=pk)
    if not access.can_view_programme(user, branch_id=swot.branch_id):
        raise PermissionDenied(_("You cannot read this SWOT analysis."))
    return swot


def swot_for_edit(user: User, pk: int) -> Swot:
    swot = get_object_or_404(Swot.objects.select_related("branch", "network"), pk=pk)
    if not access.can_edit_programme(user, branch_id=swot.branch_id):
        raise PermissionDenied(_("You cannot change this SWOT analysis."))
    return swot


def point_for_edit(user: User, pk: int) -> SwotPoint:
    point = get_object_or_404(SwotPoint.objects.select_related("swot__branch"), pk=pk)
    if not access.can_edit_programme(user, branch_id=point.swot.branch_id):
        raise PermissionDenied(_("You cannot change this SWOT analysis."))
    return point


def scopes_for_new(user: User) -> tuple[bool, QuerySet[Branch]]:
    """Where `user` may start a programme or a SWOT analysis: for the network (first), and
    for which branches."""
    if access.plans_network_wide(user):
        return True, Branch.objects.filter(is_active=True).order_by("sort_order", "code")
    if access.can_create_programmes(user):
        return False, access.branches_for(user).filter(is_active=True).order_by("sort_order", "code")
    return False, Branch.objects.none()


def require_scope(user: User, branch: Branch | None) -> None:
    if not access.can_edit_programme(user, branch_id=branch.pk if branch else None):
        raise PermissionDenied(_("You cannot plan for this branch."))

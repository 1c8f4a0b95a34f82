"""Every permission check on staff actions, in one place, so that "a branch librarian cannot
edit another branch's items" is written once. Views and the API fetch through these functions,
or through their app's fetches built on them (`catalog.views.item_for_edit`), instead of
calling `Model.objects.get` themselves. This app knows branches and staff, not what the apps
above it hold."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bibliohub.accounts.models import Role, User
from bibliohub.libraries.models import Branch


def is_staff_user(user: object) -> bool:
    """A member of staff: an active account with a staff role. The monitoring group's role
    is not one: every staff screen refuses it (see `is_monitor`)."""
    return (
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or (bool(user.role) and user.role != Role.MONITORING))
    )


def branches_for(user: User) -> QuerySet[Branch]:
    """The branches whose items, hours and desks `user` may change."""
    if user.is_network_wide:
        return Branch.objects.all()
    if user.role == Role.CATALOGUER and not user.branches.exists():
        return Branch.objects.all()
    return user.branches.all()


def can_act_on_branch(user: User, branch: Branch | int) -> bool:
    branch_id = branch if isinstance(branch, int) else branch.pk
    return branches_for(user).filter(pk=branch_id).exists()


def require_branch(user: User, branch: Branch | int) -> None:
    if not can_act_on_branch(user, branch):
        raise PermissionDenied(_("You cannot make changes for this branch."))


def can_edit_records(user: User) -> bool:
    """Bibliographic records are shared by the network: cataloguers and managers edit them."""
    return user.is_network_wide or user.role == Role.CATALOGUER


def require_record_editor(user: User) -> None:
    if not can_edit_records(user):
        raise PermissionDenied(_("Only cataloguers and managers can edit catalogue records."))


def can_manage_network(user: User) -> bool:
    return user.is_network_wide


def branch_for_edit(user: User, code: str) -> Branch:
    branch = get_object_or_404(Branch, code=code)
    require_branch(user, branch)
    return branch


def history_scope(user: User) -> Q:
    """The history entries `user` may read (a filter on history.Entry): administrators and
    network managers every entry; a branch librarian the entries of her branches; a
    cataloguer the catalogue's entries everywhere and the entries of the branches listed on
    her account. Entries without a branch (network-wide changes) are for the network-wide
    roles only, apart from the catalogue's."""
    if user.is_network_wide:
        return Q()
    branch_ids = list(user.branches.values_list("pk", flat=True))
    scope = Q(branch_id__in=branch_ids)
    if user.role == Role.CATALOGUER:
        scope |= Q(domain="catalog")
    return scope


def can_read_history(user: User) -> bool:
    return user.is_network_wide or user.role in {Role.BRANCH_LIBRARIAN, Role.CATALOGUER}


# --- Development programmes, SWOT analyses and the monitoring group -------------------------
# These rules take branch ids, not the planning app's objects: planning sits above accounts
# and fetches its objects with them (planning.permissions).


def is_monitor(user: object) -> bool:
    """A member of the monitoring group: signed in, not staff. Reads programmes (never a
    draft), their indicators and summaries, and never personal data; writes nothing."""
    return (
        isinstance(user, User)
        and user.is_active
        and not user.is_superuser
        and user.role == Role.MONITORING
    )


def can_view_plans(user: object) -> bool:
    """Whether `user` may open the programme and SWOT screens at all: staff and the
    monitoring group."""
    return is_staff_user(user) or is_monitor(user)


def plans_network_wide(user: User) -> bool:
    """Who plans for the whole network: administrators, network managers (the director)
    and the methodologist."""
    return is_staff_user(user) and (user.is_network_wide or user.role == Role.METHODOLOGIST)


def plan_branch_ids(user: User) -> set[int] | None:
    """The branches whose own programmes and SWOT analyses `user` reads (the network's are
    read by everyone who reads plans); None for every branch. Staff read those of the
    branches they work for; a member of the monitoring group those of the branches listed
    on the account, or every branch when none are."""
    if plans_network_wide(user):
        return None
    if is_monitor(user):
        listed = set(user.branches.values_list("pk", flat=True))
        return listed or None
    return set(branches_for(user).values_list("pk", flat=True))


def can_view_programme(user: object, *, branch_id: int | None, draft: bool = False) -> bool:
    """Whether `user` may read a programme (or a SWOT analysis) of the branch `branch_id`
    (None: the network's). Drafts are for staff only."""
    if not can_view_plans(user):
        return False
    assert isinstance(user, User)
    if draft and not is_staff_user(user):
        return False
    if branch_id is None:
        return True
    ids = plan_branch_ids(user)
    return ids is None or branch_id in ids


def can_edit_programme(user: object, *, branch_id: int | None) -> bool:
    """Whether `user` may change a programme (or a SWOT analysis) of the branch `branch_id`
    (None: the network's): the network's planners every one; a branch librarian those of
    her branches."""
    if not is_staff_user(user):
        return False
    assert isinstance(user, User)
    if plans_network_wide(user):
        return True
    if branch_id is None or user.role != Role.BRANCH_LIBRARIAN:
        return False
    return can_act_on_branch(user, branch_id)


def can_report_progress(
    user: object,
    *,
    programme_branch_id: int | None,
    action_branch_ids: Collection[int],
    all_branches: bool,
    owner_id: int | None,
) -> bool:
    """Whether `user` may record progress on an action: whoever may edit its programme, the
    action's owner, and the staff of a branch where the action is carried out (every branch
    when it concerns all of them): in a network programme each branch reports its part."""
    if can_edit_programme(user, branch_id=programme_branch_id):
        return True
    if not is_staff_user(user):
        return False
    assert isinstance(user, User)
    if owner_id is not None and owner_id == user.pk:
        return True
    if user.role != Role.BRANCH_LIBRARIAN:
        return False
    mine = set(user.branches.values_list("pk", flat=True))
    return bool(mine) and (all_branches or bool(mine & set(action_branch_ids)))


def can_create_programmes(user: object) -> bool:
    """Whether `user` may start a programme or a SWOT analysis for some scope."""
    if not is_staff_user(user):
        return False
    assert isinstance(user, User)
    return plans_network_wide(user) or (
        user.role == Role.BRANCH_LIBRARIAN and user.branches.exists()
    )


def can_see_personal_data(user: object) -> bool:
    """Whether the plan screens may show `user` who did what (an action's owner, who wrote
    an update) and unpublished photos: staff only, never the monitoring group."""
    return is_staff_user(user)

"""Every permission check on staff actions, in one place, so that "a branch librarian cannot
edit another branch's items" is written once. Views and the API fetch through these functions,
or through their app's fetches built on them (`catalog.views.item_for_edit`), instead of
calling `Model.objects.get` themselves. Services that must hold the same wall whatever
interface calls them (a copy marked damaged, a patron moved or erased) ask the `actor_*`
functions, which answer for any Actor, not only a member of staff. This app knows branches and
staff, not what the apps above it hold."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bibliohub.accounts.models import Role, User
from bibliohub.history.actors import Actor, ActorKind
from bibliohub.libraries.models import Branch
from bibliohub.refusals import Reasons, Refused


class Patron(Protocol):
    """What a wall needs of a patron (patrons sit beside accounts, so it is not imported)."""

    @property
    def pk(self) -> Any: ...

    @property
    def home_branch_id(self) -> int: ...


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


# --- figures and the data behind them -----------------------------------------------------


def figure_branches(user: User) -> QuerySet[Branch]:
    """The branches whose figures (indicators, the daily record book) `user` may read: a
    branch librarian her own, the network-wide roles every branch."""
    return branches_for(user)


def can_read_network_figures(user: User) -> bool:
    """Whether `user` may read the figures of the whole network (network-wide roles)."""
    return user.is_network_wide


def require_figures(user: User, branch: Branch | None) -> None:
    """403 unless `user` may read the figures of `branch` (None: the whole network)."""
    if branch is None:
        if not can_read_network_figures(user):
            raise PermissionDenied(_("Only network managers can see the figures of the whole network."))
    elif not figure_branches(user).filter(pk=branch.pk).exists():
        raise PermissionDenied(_("You cannot see the figures of this branch."))


def can_read_every_figure(user: object) -> bool:
    """Whether `user` reads the indicators of every branch and of the whole network on the
    indicator screens: the network-wide roles, the methodologist (who runs the plan's
    indicators for the network) and the monitoring group (figures only: those screens hold
    no personal data). Other staff read the branches of `figure_branches`."""
    if is_monitor(user):
        return True
    return is_staff_user(user) and (
        user.is_network_wide or user.role == Role.METHODOLOGIST  # type: ignore[attr-defined]
    )


def can_manage_figures(user: User) -> bool:
    """Targets, closing periods, the settings of indicators and gate counters are the
    network's: its managers and administrators set them."""
    return user.is_network_wide


def require_figure_manager(user: User) -> None:
    if not can_manage_figures(user):
        raise PermissionDenied(_("Only network managers can change this."))


def can_manage_staff(user: User) -> bool:
    """Administrators and network managers create staff accounts, give them roles and
    branches, deactivate them and reset their passwords, from the staff screens."""
    return user.is_network_wide


def assignable_roles(user: User) -> list[Role]:
    """The roles `user` may give. A network manager may not make an administrator: the
    administrators' accounts, and the superusers', are theirs alone to manage."""
    if not can_manage_staff(user):
        return []
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return list(Role)
    return [Role.NETWORK_MANAGER, Role.BRANCH_LIBRARIAN, Role.CATALOGUER]


def may_manage_account(user: User, account: User) -> bool:
    """Whether `user` may change `account` (its details, role, branches, password, whether
    it is active)."""
    if not can_manage_staff(user):
        return False
    if account.is_superuser and not user.is_superuser:
        return False
    return account.role in assignable_roles(user)


def staff_account_for_edit(user: User, account_id: int) -> User:
    """The staff account `account_id`, for `user` to manage; PermissionDenied otherwise."""
    if not can_manage_staff(user):
        raise PermissionDenied(_("Only administrators and network managers manage staff accounts."))
    account = get_object_or_404(User, pk=account_id)
    if not may_manage_account(user, account):
        raise PermissionDenied(_("Only an administrator can change this account."))
    return account


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


# --- Annual reports and statutory forms ---------------------------------------------------
# They hold figures and plan progress without personal data: the monitoring group downloads
# them too.


def report_branches(user: object) -> QuerySet[Branch]:
    """The branches whose annual report and statutory forms `user` may download: the
    network's planners and managers every branch, a member of the monitoring group the
    branches listed on the account (every branch when none are), other staff the branches
    whose figures they read."""
    if not can_view_plans(user):
        return Branch.objects.none()
    assert isinstance(user, User)
    if is_monitor(user) or plans_network_wide(user):
        ids = plan_branch_ids(user)
        return Branch.objects.all() if ids is None else Branch.objects.filter(pk__in=ids)
    return figure_branches(user)


def can_read_network_report(user: object) -> bool:
    """Whether `user` may download the report and forms of the whole network: the network's
    planners and managers, and the monitoring group."""
    return is_monitor(user) or (isinstance(user, User) and plans_network_wide(user))


def require_report(user: object, branch: Branch | None) -> None:
    """403 unless `user` may download the reports of `branch` (None: the whole network)."""
    if branch is None:
        if not can_read_network_report(user):
            raise PermissionDenied(_("Only the network's managers and planners and the monitoring group can download the network's report."))
    elif not report_branches(user).filter(pk=branch.pk).exists():
        raise PermissionDenied(_("You cannot download the reports of this branch."))


# --- Walls that services hold, whoever calls them --------------------------------------------


class AccessReason(Reasons):
    """Why an actor may not do something. No member of staff may override these."""

    OTHER_BRANCH = "other_branch", gettext_lazy("You cannot make changes for this branch.")
    OTHER_HOME_BRANCH = (
        "patron_of_other_branch",
        gettext_lazy(
            "Only staff of the patron's home branch (or of the whole network) can do this."
        ),
    )
    NOT_ALLOWED = "not_allowed", gettext_lazy("You are not allowed to do this.")


class NotPermitted(Refused, PermissionDenied):
    """A service refused an actor who may not act there. A PermissionDenied too, so that a
    web page that lets it through answers 403, as for a refused fetch."""


# Who acts for the installation itself: the demo loader, migrations, scheduled jobs, a file
# imported on the server's command line. They stand behind no branch wall.
_INSTALLATION = {ActorKind.SYSTEM, ActorKind.JOB, ActorKind.IMPORT}


def staff_of(actor: Actor) -> User | None:
    """The member of staff behind `actor` (staff screens, the administration, an import run
    from the staff screens), or None."""
    if actor.staff_id is None:
        return None
    return User.objects.filter(pk=actor.staff_id).first()


def actor_may_act_for_branch(actor: Actor, branch: Branch | int) -> bool:
    """Whether `actor` may change things that belong to `branch`: a member of staff for the
    branches of her account (`branches_for`), the installation's own jobs and imports for
    every branch, nobody else (a terminal, a patron, the public)."""
    if actor.staff_id is not None:
        user = staff_of(actor)
        return user is not None and is_staff_user(user) and can_act_on_branch(user, branch)
    return actor.kind in _INSTALLATION


def require_actor_branch(actor: Actor, branch: Branch | int) -> None:
    """Raises NotPermitted(OTHER_BRANCH) unless `actor` may act for `branch`."""
    if not actor_may_act_for_branch(actor, branch):
        raise NotPermitted([AccessReason.OTHER_BRANCH])


def actor_may_act_on_patron(actor: Actor, patron: Patron) -> bool:
    """Whether `actor` may do to `patron` what only the patron's home branch may do: move the
    patron to another home branch, erase the patron. Staff who may act for the patron's
    *current* home branch (so a librarian cannot first move another branch's patron to her
    own and then do as she likes), the patron themselves, and the installation's own jobs.
    Serving a patron of another branch at the desk (lending, renewing, taking a fine, editing
    a phone number) needs no such right: patrons borrow at every branch of their network."""
    if actor.kind == ActorKind.PATRON:
        return actor.patron_id == patron.pk
    return actor_may_act_for_branch(actor, patron.home_branch_id)


def require_patron_home_branch_change(actor: Actor, patron: Patron, to_branch: Branch) -> None:
    """Raises NotPermitted(OTHER_HOME_BRANCH) unless `actor` may move `patron` from the
    current home branch to `to_branch`. Being allowed at the current home branch is what
    counts: the branch the patron moves to is any branch of their network (a librarian hands
    a patron who moved house over to the branch near the new home; the patron is then no
    longer hers to move back)."""
    if to_branch.pk != patron.home_branch_id and not actor_may_act_on_patron(actor, patron):
        raise NotPermitted([AccessReason.OTHER_HOME_BRANCH])


def require_patron_erasure(actor: Actor, patron: Patron) -> None:
    """Raises NotPermitted(OTHER_HOME_BRANCH) unless `actor` may erase `patron`: staff of the
    patron's home branch or of the whole network, or the installation's own jobs."""
    if actor.kind == ActorKind.PATRON or not actor_may_act_on_patron(actor, patron):
        raise NotPermitted([AccessReason.OTHER_HOME_BRANCH])


def can_manage_outbox(user: User) -> bool:
    """The e-mail outbox holds every patron's address and messages: network managers and
    administrators read it and send a failed message again."""
    return user.is_network_wide


def require_outbox(user: User) -> None:
    if not can_manage_outbox(user):
        raise PermissionDenied(_("Only network managers and administrators can see the e-mail outbox."))

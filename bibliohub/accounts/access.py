"""Every permission check on staff actions, in one place, so that "a branch librarian cannot
edit another branch's items" is written once. Views and the API fetch through these functions,
or through their app's fetches built on them (`catalog.views.item_for_edit`), instead of
calling `Model.objects.get` themselves. This app knows branches and staff, not what the apps
above it hold."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bibliohub.accounts.models import Role, User
from bibliohub.libraries.models import Branch


def is_staff_user(user: object) -> bool:
    return isinstance(user, User) and user.is_active and (user.is_superuser or bool(user.role))


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

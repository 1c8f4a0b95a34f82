"""Every change to a staff account goes through these functions, one transaction each, and is
recorded in the history: the Django administration, the demo loader and commands call them.
Entries name the account as their object and the fields that changed by name, never their
values (a name, an e-mail address, a password hash): the history outlives the account."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from bibliohub.accounts.kinds import (
    ACCESS_CHANGED,
    ACCOUNT_CREATED,
    ACCOUNT_DELETED,
    DEACTIVATED,
    DETAILS_CHANGED,
    PASSWORD_SET,
    REACTIVATED,
    TOKEN_ISSUED,
    TOKEN_REVOKED,
)
from bibliohub.accounts.models import ApiToken, User
from bibliohub.history import Actor
from bibliohub.history.services import record
from bibliohub.libraries.models import Branch

# Who the person is: changes are recorded by field name only.
DETAIL_FIELDS = ("username", "first_name", "last_name", "email", "language")
# What the account may do, besides its branches, groups and single permissions.
ACCESS_FIELDS = ("role", "is_staff", "is_superuser")


@transaction.atomic
def save_staff_user(
    user: User,
    *,
    branches: Iterable[Branch] | None,
    actor: Actor,
    at: datetime,
    groups: Iterable[Group] | None = None,
    permissions: Iterable[Permission] | None = None,
) -> User:
    """Create `user`, or save the changes made to it in place, with the branches it works at
    and (from the administration) its permission groups and single permissions; None leaves
    those as they are. Returns the user.

    A new account records ACCOUNT_CREATED with its role, branches, staff and superuser
    status, and whether it has a password to sign in with. A changed one records, for what
    changed: DETAILS_CHANGED naming the fields (user name, names, e-mail, language);
    ACCESS_CHANGED naming the fields, with the role before and after and the branches,
    groups and permissions added and removed (ids); DEACTIVATED or REACTIVATED; PASSWORD_SET
    when the password changed. Nothing changed, nothing recorded. Passwords are validated by
    the caller (the administration's forms do).
    """
    if user.pk is None:
        user.save()
        _set_related(user, branches=branches, groups=groups, permissions=permissions)
        branch_ids = sorted(user.branches.values_list("pk", flat=True))
        record(
            ACCOUNT_CREATED,
            at=at,
            actor=actor,
            network=_network(branch_ids),
            obj=user,
            detail={
                "role": user.role,
                "branches": branch_ids,
                "staff": user.is_staff,
                "superuser": user.is_superuser,
                "active": user.is_active,
                "password": user.has_usable_password(),
            },
        )
        return user

    fields = (*DETAIL_FIELDS, *ACCESS_FIELDS, "is_active", "password")
    stored = User.objects.select_for_update().filter(pk=user.pk).values(*fields).get()
    before = _related_ids(user)
    user.save()
    _set_related(user, branches=branches, groups=groups, permissions=permissions)
    after = _related_ids(user)
    network = _network(before["branches"] | after["branches"])

    def entry(kind: Any, detail: dict[str, Any] | None = None) -> None:
        record(kind, at=at, actor=actor, network=network, obj=user, detail=detail)

    if changed := [f for f in DETAIL_FIELDS if stored[f] != getattr(user, f)]:
        entry(DETAILS_CHANGED, {"fields": changed})
    access: dict[str, Any] = {}
    changed = [f for f in ACCESS_FIELDS if stored[f] != getattr(user, f)]
    if "role" in changed:
        access["role"] = [stored["role"], user.role]
    for name, ids in after.items():
        if ids != before[name]:
            changed.append(name)
            access[name] = {
                "added": sorted(ids - before[name]),
                "removed": sorted(before[name] - ids),
            }
    if changed:
        entry(ACCESS_CHANGED, {"fields": changed, **access})
    if stored["is_active"] != user.is_active:
        entry(REACTIVATED if user.is_active else DEACTIVATED)
    if stored["password"] != user.password:
        entry(PASSWORD_SET, {"usable": user.has_usable_password()})
    return user


@transaction.atomic
def set_staff_password(user: User, *, password: str | None, actor: Actor, at: datetime) -> User:
    """Set the password `user` signs in with, or remove it (None: no password sign-in, the
    account may still sign in another way). Returns the user and records PASSWORD_SET with
    whether there is a password now, never the password. The caller has validated it."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    record(
        PASSWORD_SET,
        at=at,
        actor=actor,
        network=_network(set(user.branches.values_list("pk", flat=True))),
        obj=user,
        detail={"usable": password is not None},
    )
    return user


@transaction.atomic
def delete_staff_user(user: User, *, actor: Actor, at: datetime) -> None:
    """Delete a staff account. What it did stays in the history under its id; the rows that
    named it (blocks, loans, bookings…) keep no link. Records ACCOUNT_DELETED with its role."""
    record(
        ACCOUNT_DELETED,
        at=at,
        actor=actor,
        network=_network(set(user.branches.values_list("pk", flat=True))),
        obj=user,
        detail={"role": user.role},
    )
    user.delete()


def _set_related(
    user: User,
    *,
    branches: Iterable[Branch] | None,
    groups: Iterable[Group] | None,
    permissions: Iterable[Permission] | None,
) -> None:
    if branches is not None:
        user.branches.set(list(branches))
    if groups is not None:
        user.groups.set(list(groups))
    if permissions is not None:
        user.user_permissions.set(list(permissions))


def _related_ids(user: User) -> dict[str, set[int]]:
    return {
        "branches": set(user.branches.values_list("pk", flat=True)),
        "groups": set(user.groups.values_list("pk", flat=True)),
        "user_permissions": set(user.user_permissions.values_list("pk", flat=True)),
    }


def _network(branch_ids: Iterable[int]) -> int | None:
    """The network of the account's branches, when they are all of one (accounts belong to
    no network of their own; a network-wide account has no branches)."""
    networks = set(
        Branch.objects.filter(pk__in=list(branch_ids)).values_list("network_id", flat=True)
    )
    return networks.pop() if len(networks) == 1 else None


def token_digest(token: str) -> str:
    """What is kept of a token, and what a presented one is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_api_token(user: User, *, name: str, actor: Actor, at: datetime) -> tuple[ApiToken, str]:
    """Issue `user` a new token for the REST API and return it with the secret itself,
    which is not kept and cannot be shown again. Records TOKEN_ISSUED (its name's length
    and hint only, not the secret). Raises ValueError for an empty name."""
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name saying what it is for")
    secret = "bh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], digest=token_digest(secret), hint=secret[-4:], created_at=at
    )
    record(
        TOKEN_ISSUED,
        at=at,
        actor=actor,
        network=_network(set(user.branches.values_list("pk", flat=True))),
        obj=token,
        detail={"user": user.pk, "hint": token.hint},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Actor, at: datetime) -> ApiToken:
    """Revoke `token`: it is refused from now on. Records TOKEN_REVOKED; revoking twice
    records nothing more."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = at
        token.save(update_fields=["revoked_at"])
        record(
            TOKEN_REVOKED,
            at=at,
            actor=actor,
            network=_network(set(token.user.branches.values_list("pk", flat=True))),
            obj=token,
            detail={"user": token.user_id, "hint": token.hint},
        )
    return token

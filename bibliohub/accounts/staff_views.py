"""Staff screens where administrators and network managers manage staff accounts: create one
with its role, branches and password, change it, deactivate or reactivate it, reset its
password. Each change is saved through the accounts services and so recorded in the history;
who may change which account is decided in `access`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.accounts import access, services
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.accounts.forms import StaffAccountForm, StaffPasswordForm
from bibliohub.accounts.models import User
from bibliohub.history import Actor


def _require_manager(request: StaffRequest) -> None:
    if not access.can_manage_staff(request.user):
        raise PermissionDenied(_("Only administrators and network managers manage staff accounts."))


@staff_required
def account_list(request: StaffRequest) -> HttpResponse:
    """Every staff account with its role, branches and whether it may sign in."""
    _require_manager(request)
    accounts = User.objects.prefetch_related("branches").order_by(
        "-is_active", "last_name", "first_name", "username"
    )
    rows = [
        {"account": account, "manageable": access.may_manage_account(request.user, account)}
        for account in accounts
    ]
    return render(request, "accounts/staff/list.html", {"rows": rows})


@staff_required
def account_create(request: StaffRequest) -> HttpResponse:
    _require_manager(request)
    roles = access.assignable_roles(request.user)
    form = StaffAccountForm(request.POST or None, roles=roles)
    password_form = StaffPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and password_form.is_valid():
        account: User = form.save(commit=False)
        account.set_password(password_form.cleaned_data["password1"])
        services.save_staff_user(
            account,
            branches=form.cleaned_data["branches"],
            actor=Actor.for_staff(request.user),
            at=timezone.now(),
        )
        messages.success(
            request, _("The account %(username)s is ready.") % {"username": account.username}
        )
        return redirect("staff:accounts:list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "password_form": password_form, "account": None}
    return render(request, "accounts/staff/form.html", context, status=status)


@staff_required
def account_edit(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access.staff_account_for_edit(request.user, account_id)
    form = StaffAccountForm(
        request.POST or None, instance=account, roles=access.assignable_roles(request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.save_staff_user(
            form.save(commit=False),
            branches=form.cleaned_data["branches"],
            actor=Actor.for_staff(request.user),
            at=timezone.now(),
        )
        messages.success(
            request, _("The account %(username)s is saved.") % {"username": account.username}
        )
        return redirect("staff:accounts:list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/staff/form.html", {"form": form, "account": account}, status=status
    )


@staff_required
@require_POST
def account_set_active(request: StaffRequest, account_id: int) -> HttpResponse:
    """Deactivate an account (it can no longer sign in; what it did stays in the history) or
    reactivate it. Nobody deactivates their own account: another manager must."""
    account = access.staff_account_for_edit(request.user, account_id)
    active = request.POST.get("active") == "1"
    if account.pk == request.user.pk and not active:
        raise PermissionDenied(_("You cannot deactivate your own account."))
    account.is_active = active
    services.save_staff_user(
        account, branches=None, actor=Actor.for_staff(request.user), at=timezone.now()
    )
    if active:
        messages.success(
            request, _("%(username)s can sign in again.") % {"username": account.username}
        )
    else:
        messages.success(
            request, _("%(username)s can no longer sign in.") % {"username": account.username}
        )
    return redirect("staff:accounts:list")


@staff_required
def account_password(request: StaffRequest, account_id: int) -> HttpResponse:
    """Set a new password for an account, to be given to its owner."""
    account = access.staff_account_for_edit(request.user, account_id)
    form = StaffPasswordForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        services.set_staff_password(
            account,
            password=form.cleaned_data["password1"],
            actor=Actor.for_staff(request.user),
            at=timezone.now(),
        )
        messages.success(
            request, _("The password of %(username)s is changed.") % {"username": account.username}
        )
        return redirect("staff:accounts:list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/staff/password.html", {"form": form, "account": account}, status=status
    )

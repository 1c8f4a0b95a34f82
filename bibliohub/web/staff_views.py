from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required


@staff_required
def home(request: StaffRequest) -> HttpResponse:
    """What this member of staff can do, their branches, and the quick search box."""
    user = request.user
    branches = list(access.branches_for(user))
    return render(request, "web/staff/home.html", {
        "role_label": user.get_role_display() if user.role else "",
        "branches": branches,
        "can_add_items": bool(branches),
        "can_edit_records": access.can_edit_records(user),
        "can_manage_network": access.can_manage_network(user),
        "can_manage_staff": access.can_manage_staff(user),
    })

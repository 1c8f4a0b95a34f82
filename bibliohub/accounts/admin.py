"""Staff accounts in the Django admin: for administrators, not for the daily work at the desk.
Accounts are created, changed, given a password and deleted through the accounts services,
so that each change is in the history (on the administration channel), as any other."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bibliohub.accounts import services
from bibliohub.accounts.models import User
from bibliohub.history import Actor
from bibliohub.web.admin import ServiceAdmin, admin_actor

# Who is setting a password in the request being served: Django's password view builds the
# form itself, from the user alone, so the form learns the actor from here.
_setting_password: ContextVar[Actor] = ContextVar("setting_password")


class StaffPasswordForm(AdminPasswordChangeForm):
    """Django's form to set or remove someone's password, saving through the service."""

    def save(self, commit: bool = True) -> User:
        password = (
            self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        )
        return services.set_staff_password(
            self.user, password=password, actor=_setting_password.get(), at=timezone.now()
        )


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "branch_codes",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "branches", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    filter_horizontal = ("branches", "groups", "user_permissions")
    ordering = ("username",)
    fieldsets = (
        # django-stubs leaves UserAdmin.fieldsets Optional; Django's UserAdmin always sets it.
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Library work"), {"fields": ("role", "branches", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Library work"), {"fields": ("first_name", "last_name", "email", "role", "branches")}),
    )
    change_password_form = StaffPasswordForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("branches")

    @admin.display(description=_("branches"))
    def branch_codes(self, obj: User) -> str:
        return ", ".join(b.code for b in obj.branches.all())

    def save_model(
        self, request: HttpRequest, obj: User, form: BaseModelForm, change: bool
    ) -> None:
        # Saved in save_related, with the branches, groups and permissions of the same form,
        # so that the service records the change as a whole.
        pass

    def save_related(
        self, request: HttpRequest, form: BaseModelForm, formsets: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        services.save_staff_user(
            form.instance,
            branches=data.get("branches"),
            groups=data.get("groups"),
            permissions=data.get("user_permissions"),
            actor=admin_actor(request),
            at=timezone.now(),
        )

    def delete(self, obj: User, *, actor: Actor, at: datetime) -> None:
        services.delete_staff_user(obj, actor=actor, at=at)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        token = _setting_password.set(admin_actor(request))
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _setting_password.reset(token)

"""Staff accounts in the Django admin: for administrators, not for the daily work at the desk."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from bibliohub.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "branch_codes", "is_active", "last_login")
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("branches")

    @admin.display(description=_("branches"))
    def branch_codes(self, obj: User) -> str:
        return ", ".join(b.code for b in obj.branches.all())

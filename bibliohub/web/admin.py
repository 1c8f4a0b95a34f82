"""The two kinds of administration screen: models an administrator changes here go through
their app's services, exactly as the same change made elsewhere (and leave the same history
entry, on the channel "administration"); every other model is shown read-only, because its
app's own screens and services change it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from bibliohub.history import Actor, Channel


def admin_actor(request: HttpRequest) -> Actor:
    return Actor.for_staff(request.user, channel=Channel.ADMIN)  # type: ignore[arg-type]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: the app's screens and services change these rows, with
    their rules and their history."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceInline(admin.TabularInline):
    """An inline whose rows are saved and deleted by the app's services (`save` and, when
    deleting is allowed, `delete`)."""

    extra = 0

    def save(self, obj: Any, *, actor: Actor, at: datetime) -> None:
        raise NotImplementedError

    def delete(self, obj: Any, *, actor: Actor, at: datetime) -> None:
        raise PermissionDenied

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return type(self).delete is not ServiceInline.delete and super().has_delete_permission(
            request, obj
        )


class ServiceAdmin(admin.ModelAdmin):
    """Saved by `save(obj, actor=…, at=…)` and deleted by `delete(obj, actor=…, at=…)` (not
    at all unless a subclass defines it), which call the app's services; inlines must be
    ServiceInline or ReadOnlyInline. Bulk deletion deletes one by one through `delete`."""

    def save(self, obj: Any, *, actor: Actor, at: datetime) -> None:
        raise NotImplementedError

    def delete(self, obj: Any, *, actor: Actor, at: datetime) -> None:
        raise PermissionDenied

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        self.save(obj, actor=admin_actor(request), at=timezone.now())

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete(obj, actor=admin_actor(request), at=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete(obj, actor=admin_actor(request), at=timezone.now())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return type(self).delete is not ServiceAdmin.delete and super().has_delete_permission(
            request, obj
        )

    def save_formset(
        self, request: HttpRequest, form: BaseModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        inline = next(
            i for i in self.get_inline_instances(request, form.instance) if i.model is formset.model
        )
        # What the formset would change (it keeps the lists for the change message).
        instances: list[Model] = formset.save(commit=False)
        if isinstance(inline, ReadOnlyInline):
            if instances or formset.deleted_objects:
                raise PermissionDenied
            return
        if not isinstance(inline, ServiceInline):
            raise PermissionDenied
        actor, at = admin_actor(request), timezone.now()
        for obj in formset.deleted_objects:
            inline.delete(obj, actor=actor, at=at)
        for obj in instances:
            inline.save(obj, actor=actor, at=at)

"""The writers of the copy cataloguing targets; each change is in the history (domain
"interop"). Copying a record is the catalogue's `catalogue_copy`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.history.services import changed_fields
from bibliohub.interop.copycat.models import CopyTarget
from bibliohub.interop.kinds import COPY_TARGET_DELETED, COPY_TARGET_SAVED


@transaction.atomic
def save_target(target: CopyTarget, *, actor: Actor, at: datetime) -> CopyTarget:
    """Create or change a target and return it. Records COPY_TARGET_SAVED with the names of
    the fields changed."""
    fields = changed_fields(target)
    created = target.pk is None
    target.save()
    history.record(COPY_TARGET_SAVED, at=at, actor=actor, obj=target, detail={"created": created, "fields": fields})
    return target


@transaction.atomic
def delete_target(target: CopyTarget, *, actor: Actor, at: datetime) -> None:
    """Delete a target: it is searched no more (the records copied from it stay). Records
    COPY_TARGET_DELETED."""
    history.record(COPY_TARGET_DELETED, at=at, actor=actor, obj=target, detail={"name": target.name})
    target.delete()

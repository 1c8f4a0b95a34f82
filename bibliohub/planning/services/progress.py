"""Progress on actions: dated updates that say what was done and how the action stands, with
evidence (photos, videos, documents, links) checked before anything is kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.core.files import File
from django.db import transaction

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.planning import evidence as rules
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.kinds import EVIDENCE_ADDED, EVIDENCE_REMOVED, PROGRESS_RECORDED
from bibliohub.planning.models import (
    Action,
    ActionStatus,
    Evidence,
    EvidenceKind,
    Programme,
    ProgressUpdate,
)
from bibliohub.planning.services._record import iso, record
from bibliohub.planning.services.programmes import _delete_files_on_commit


@dataclass
class Upload:
    """A file to attach: its name as the person's computer called it, its content, and a
    caption."""

    name: str
    content: IO[bytes]
    size: int
    caption: str = ""


@dataclass
class Link:
    url: str
    caption: str = ""


def _checked(uploads: Sequence[Upload]) -> list[tuple[Upload, rules.FileType]]:
    """Every upload with its type; PlanningRefused naming every file that cannot be kept
    (each with its reason), before anything is written."""
    checked = []
    problems: list[PlanningRefused] = []
    for upload in uploads:
        head = upload.content.read(rules.HEAD)
        upload.content.seek(0)
        try:
            checked.append((upload, rules.check_file(upload.name, head, upload.size)))
        except PlanningRefused as refused:
            problems.append(refused)
    if problems:
        raise PlanningRefused(
            dict.fromkeys(r for p in problems for r in p.reasons),
            message=" ".join(p.message for p in problems),
        )
    return checked


@transaction.atomic
def record_progress(
    action: Action,
    *,
    on: date,
    status: ActionStatus | str,
    note: str = "",
    language: str,
    branch: Branch | None = None,
    is_public: bool = False,
    files: Sequence[Upload] = (),
    links: Sequence[Link] = (),
    actor: Actor,
    at: datetime,
) -> ProgressUpdate:
    """Record what was done on `action` by `on`, the status it leaves the action in, for
    which branch (None: the whole action), with its evidence, and return the update. The
    action takes the new status unless a later update has been recorded already (a late
    report of an earlier day does not undo a newer one).

    Records PROGRESS_RECORDED (the status before and after, the date, how many files and
    links; the note stays on the update) and one EVIDENCE_ADDED per file or link, whose
    format is the evidence's type (photo, video, document, link).

    Raises PlanningRefused with every reason before anything is kept: PROGRAMME_CLOSED,
    NOTHING_TO_RECORD (no note, no evidence and the same status), BAD_LINK, and for each
    file FILE_EMPTY, FILE_TYPE or FILE_TOO_LARGE (the message names the file and the
    limit)."""
    action = Action.objects.select_for_update().select_related("programme").get(pk=action.pk)
    programme = action.programme
    status = ActionStatus(status)
    if programme.is_closed:
        raise PlanningRefused([Reason.PROGRAMME_CLOSED])
    if branch is not None and branch.network_id != programme.network_id:
        raise PlanningRefused([Reason.OTHER_NETWORK])
    note = note.strip()
    checked_links = [(rules.check_link(link.url), link.caption.strip()) for link in links]
    checked_files = _checked(files)
    if not note and not checked_files and not checked_links and status == action.status:
        raise PlanningRefused([Reason.NOTHING_TO_RECORD])

    previous = action.status
    update = ProgressUpdate.objects.create(
        action=action, on=on, branch=branch, status=status, note=note, language=language,
        is_public=is_public, author_id=actor.staff_id, created_at=at,
    )
    later = action.updates.filter(on__gt=on).exists()
    if not later and action.status != status:
        action.status = status
        action.updated_at = at
        action.save(update_fields=["status", "updated_at"])
    record(
        PROGRESS_RECORDED, about=programme, actor=actor, at=at, branch=branch,
        detail={
            "programme": programme.pk, "action": action.pk, "update": update.pk,
            "on": iso(on), "from": previous, "to": status, "status": action.status,
            "files": len(checked_files), "links": len(checked_links), "public": is_public,
        },
    )
    saved: list[str] = []
    try:
        for upload, found in checked_files:
            item = Evidence(
                update=update, kind=found.kind, original_name=upload.name[:255],
                content_type=found.content_type, size=upload.size, caption=upload.caption.strip(),
            )
            item.file.save(f"evidence{found.extension}", File(upload.content), save=False)
            saved.append(item.file.name)
            item.full_clean()
            item.save()
            _record_evidence(programme, update, item, actor=actor, at=at)
        for url, caption in checked_links:
            item = Evidence.objects.create(
                update=update, kind=EvidenceKind.LINK, url=url, caption=caption
            )
            _record_evidence(programme, update, item, actor=actor, at=at)
    except BaseException:
        # The rows go with the transaction; the files written so far must go too.
        from django.core.files.storage import default_storage

        for name in saved:
            default_storage.delete(name)
        raise
    return update


def _record_evidence(
    programme: Programme, update: ProgressUpdate, item: Evidence, *, actor: Actor, at: datetime
) -> None:
    record(
        EVIDENCE_ADDED, about=programme, actor=actor, at=at, branch=update.branch,
        format=item.kind,
        detail={"programme": programme.pk, "action": update.action_id, "update": update.pk,
                "evidence": item.pk, "size": item.size, "public": update.is_public},
    )


@transaction.atomic
def set_update_public(
    update: ProgressUpdate, *, is_public: bool, actor: Actor, at: datetime
) -> ProgressUpdate:
    """Show an update (its note and evidence) on the public page and to the monitoring
    group, or keep it with staff; return it. Records PROGRESS_RECORDED with the change."""
    update = ProgressUpdate.objects.select_for_update().select_related(
        "action__programme"
    ).get(pk=update.pk)
    if update.is_public == is_public:
        return update
    update.is_public = is_public
    update.save(update_fields=["is_public"])
    programme = update.action.programme
    record(
        PROGRESS_RECORDED, about=programme, actor=actor, at=at, branch=update.branch,
        detail={"programme": programme.pk, "action": update.action_id, "update": update.pk,
                "public": is_public},
    )
    return update


@transaction.atomic
def remove_evidence(item: Evidence, *, actor: Actor, at: datetime) -> None:
    """Remove a file or a link from its update (the file from the disk once this is
    committed). Records EVIDENCE_REMOVED with its type as the format."""
    item = Evidence.objects.select_related("update__action__programme").get(pk=item.pk)
    update = item.update
    programme = update.action.programme
    if programme.is_closed:
        raise PlanningRefused([Reason.PROGRAMME_CLOSED])
    record(
        EVIDENCE_REMOVED, about=programme, actor=actor, at=at, branch=update.branch,
        format=item.kind,
        detail={"programme": programme.pk, "action": update.action_id, "update": update.pk,
                "evidence": item.pk},
    )
    name = item.file.name if item.file else ""
    item.delete()
    _delete_files_on_commit([name] if name else [])

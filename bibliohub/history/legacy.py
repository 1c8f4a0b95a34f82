"""Moving rows of the event tables that came before the history into it, in data migrations.

Each app's migration reads its old table through the historical models and hands every row
to a `LegacyCopier`, which works out what the history keeps (the local day, the pseudonym
while the patron is still linked, the age from a date of birth) the way `services.record`
does, and writes the entries in batches. It uses only the historical models it is given,
so it works on SQLite and PostgreSQL and in any migration state."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bibliohub.history.privacy import age_on, digest


class LegacyCopier:
    def __init__(self, apps: Any, *, domain: str, batch: int = 2000) -> None:
        self.entry = apps.get_model("history", "Entry")
        self.key_model = apps.get_model("history", "PseudonymKey")
        self.domain = domain
        self.batch = batch
        self.keys: dict[tuple[int, int], bytes | None] = {}
        self.pending: list[Any] = []
        self.copied = 0

    def add(
        self,
        *,
        kind: str,
        at: datetime,
        channel: str,
        actor: str,
        network_id: int | None,
        branch_id: int | None = None,
        staff_id: int | None = None,
        terminal_id: int | None = None,
        source: str = "",
        patron_id: int | None = None,
        birth: date | None = None,
        category_id: int | None = None,
        age: int | None = None,
        age_band: str = "",
        record_id: int | None = None,
        item_id: int | None = None,
        item_type_id: int | None = None,
        language: str = "",
        audience: str = "",
        format: str = "",
        object_type: str = "",
        object_id: int | None = None,
        quantity: int = 1,
        amount: Decimal | None = None,
        currency: str = "",
        reasons: list[str] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        day = timezone.localdate(at, timezone.get_default_timezone())
        pseudonym = ""
        if patron_id is not None and network_id is not None:
            key = self._key(network_id, day.year, at)
            if key is not None:
                pseudonym = digest(key, patron_id)
        self.pending.append(
            self.entry(
                at=at,
                day=day,
                network_id=network_id,
                branch_id=branch_id,
                domain=self.domain,
                kind=kind,
                channel=channel,
                actor=actor,
                staff_id=staff_id,
                terminal_id=terminal_id,
                source=source[:100],
                patron_id=patron_id,
                pseudonym=pseudonym,
                category_id=category_id,
                age=age if age is not None else (age_on(birth, day) if patron_id else None),
                age_band=age_band,
                record_id=record_id,
                item_id=item_id,
                item_type_id=item_type_id,
                language=language,
                audience=audience,
                format=format,
                object_type=object_type,
                object_id=object_id,
                quantity=quantity,
                amount=amount,
                currency=currency,
                reasons=reasons or [],
                detail=detail or {},
            )
        )
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> int:
        """Write what is waiting; returns how many entries were copied in all."""
        if self.pending:
            self.entry.objects.bulk_create(self.pending)
            self.copied += len(self.pending)
            self.pending = []
        return self.copied

    def _key(self, network_id: int, year: int, at: datetime) -> bytes | None:
        if (network_id, year) not in self.keys:
            row = self.key_model.objects.filter(network_id=network_id, year=year).first()
            if row is None:
                row = self.key_model.objects.create(
                    network_id=network_id, year=year, key=secrets.token_hex(32), created_at=at
                )
            usable = row.destroyed_at is None and row.key
            self.keys[(network_id, year)] = bytes.fromhex(row.key) if usable else None
        return self.keys[(network_id, year)]

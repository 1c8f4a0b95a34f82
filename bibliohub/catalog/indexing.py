"""What the catalogue needs of the search index, and the index that is plugged in.

The catalogue keeps the index current as it writes: a record or copy edited on the staff
screens is reindexed once its transaction commits, and each batch of a MARC import is indexed
in the batch's own transaction. The index belongs to `bibliohub.search`, which reads the
catalogue's tables and so depends on the catalogue, never the other way round: search plugs
its index in here when its app is ready (`SearchConfig.ready`), and the catalogue's writers
call it through `search_index()`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

# The costly part of a record's index text (see CatalogueIndex.prepare_text): strings the
# index alone reads.
PreparedText = tuple[str, ...]


class CatalogueIndex(Protocol):
    """The search index as the catalogue's writers use it."""

    def prepare_text(self, fields: Mapping[str, Any], /) -> PreparedText:
        """The part of a record's index text that costs most and is never cached, from its
        extracted fields (title, authors, isbns …, as Record stores them). Needs no database,
        so the MARC importer works it out in its reading process, once per record."""
        ...

    def add_new(
        self,
        records: Sequence[tuple[int, Mapping[str, Any], PreparedText]],
        *,
        holdings: Mapping[int, list[tuple[str, str]]],
    ) -> None:
        """Index records that are not in the index yet from what the caller holds, so that an
        import does not read back what it has just written: each of `records` is (record id,
        extracted fields, prepare_text of them); `holdings` gives each record's copies that
        count as (branch code, status). Runs inside the caller's transaction."""
        ...

    def reindex(self, ids: Iterable[int]) -> None:
        """(Re)index these records from the tables; ids of records that no longer exist leave
        the index. Runs inside the caller's transaction if there is one."""
        ...


_index: CatalogueIndex | None = None


def register_index(index: CatalogueIndex) -> None:
    """Plug `index` in: the catalogue's writers keep it current from now on."""
    global _index
    _index = index


def search_index() -> CatalogueIndex:
    """The index plugged in. Raises ImproperlyConfigured when there is none, rather than let
    the catalogue change while the index silently stays behind."""
    if _index is None:
        raise ImproperlyConfigured(
            "No search index is plugged into the catalogue: is bibliohub.search installed?"
        )
    return _index

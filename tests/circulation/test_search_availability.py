"""The OPAC's "available now" follows the desk: circulation changes refresh the index."""

from __future__ import annotations

from bibliohub.circulation import services
from bibliohub.history import Actor
from bibliohub.search.indexing import index_records
from bibliohub.search.service import search
from bibliohub.search.types import SearchQuery


def available_ids() -> list[int]:
    return [h.record_id for h in search(SearchQuery(filters={"availability": ("available",)})).hits]


def test_a_checkout_and_a_return_move_the_title_out_of_and_back_into_available_now(
    lend, reader, book, central, central_librarian, django_capture_on_commit_callbacks
):
    index_records([book.record_id])
    assert book.record_id in available_ids()
    with django_capture_on_commit_callbacks(execute=True):
        lend(reader, book)
    assert book.record_id not in available_ids()
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin(
            item=book, branch=central, actor=Actor.for_staff(central_librarian), at=book.created_at
        )
    assert book.record_id in available_ids()

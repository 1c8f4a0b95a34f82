"""`bibliohub search QUERY`: search the catalogue from a terminal or a script."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bibliohub.search.service import search
from bibliohub.search.types import SearchQuery, SearchResult


def as_json(result: SearchResult) -> dict:
    """The --json shape scripts rely on: total, hits with availability keyed by branch code,
    facets keyed by facet name."""
    return {
        "total": result.total,
        "hits": [
            {
                "id": hit.record_id,
                "title": hit.title,
                "authors": hit.authors,
                "year": hit.year,
                "languages": hit.languages,
                "isbn": hit.isbn,
                "availability": {
                    a.branch_code: {"available": a.available, "total": a.total} for a in hit.availability
                },
            }
            for hit in result.hits
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in result.facets.items()
        },
    }


class Command(BaseCommand):
    help = _("Search the catalogue and print the hits.")

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="*", help=_("words, \"phrases\", author:, subject:, title:, isbn:"))
        parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
        parser.add_argument("--limit", type=int, default=20, help=_("how many hits (default 20)"))
        parser.add_argument("--language", action="append", default=[], help=_("MARC language code, e.g. ukr"))
        parser.add_argument("--branch", action="append", default=[], help=_("branch code"))

    def handle(self, *args, **options):
        if options["limit"] < 0:
            raise CommandError(_("--limit cannot be negative."))
        filters = {}
        if options["language"]:
            filters["language"] = tuple(options["language"])
        if options["branch"]:
            filters["branch"] = tuple(options["branch"])
        result = search(
            SearchQuery(
                text=" ".join(options["query"]), filters=filters, limit=options["limit"],
                with_facets=options["json"],
            )
        )
        if options["json"]:
            self.stdout.write(json.dumps(as_json(result), ensure_ascii=False))
            return
        total = str(result.total) if result.total_is_exact else _("more than %(n)s") % {"n": result.total}
        self.stdout.write(_("%(total)s found") % {"total": total})
        for hit in result.hits:
            title = f"{hit.title} : {hit.subtitle}" if hit.subtitle else hit.title
            year = f" ({hit.year})" if hit.year else ""
            authors = "; ".join(hit.authors)
            shelves = ", ".join(f"{a.branch_code} {a.available}/{a.total}" for a in hit.availability)
            self.stdout.write(f"{hit.record_id:>8}  {title}{year}" + (f" — {authors}" if authors else ""))
            if shelves:
                self.stdout.write(" " * 10 + _("available: %(shelves)s") % {"shelves": shelves})

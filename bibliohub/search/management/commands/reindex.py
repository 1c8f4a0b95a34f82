"""`bibliohub reindex`: rebuild the whole search index (after an upgrade that changes the
normaliser, or to repair it)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from bibliohub.search.indexing import rebuild


class Command(BaseCommand):
    help = _("Rebuild the whole search index.")

    def handle(self, *args, **options):
        bar = None
        if sys.stderr.isatty() and options["verbosity"] > 0:
            bar = tqdm(unit=_("records"), file=sys.stderr)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        count = rebuild(progress=progress)
        if bar is not None:
            bar.close()
        if options["verbosity"] > 0:
            self.stdout.write(_("%(count)s records indexed.") % {"count": count})

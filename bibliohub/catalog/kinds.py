"""What the catalogue records in the history: titles and copies added, changed and withdrawn
(on the staff screens or by a MARC import), imports themselves, and the item types.

Entries about a copy carry its branch, title and item type, and the title's language,
format and audience, so that additions and withdrawals can be counted by any of them (the
renewal of the collection) without reading the catalogue as it is today.

The copies a branch holds are counted once a day (catalog.census): COPIES_HELD, the
collection (every copy neither withdrawn nor lost), and COPIES_LOANABLE, the copies that can
be lent (on the shelf, on loan, on the hold shelf or in transit), each by item type and by
the title's language, format and audience. The same count records the copies that can no
longer be lent (COPY_OUT_OF_USE: lost, missing, damaged, being processed, library use only)
and those that can be lent again (COPY_BACK_IN_USE), on the day it finds them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

catalog = Domain("catalog", _("Catalogue"))

RECORD_CREATED = catalog.kind("record_created", pgettext_lazy("history", "Title catalogued"))
RECORD_UPDATED = catalog.kind("record_updated", pgettext_lazy("history", "Title record changed"))
# Written by services.delete_record, which also leaves a DeletedRecord for harvesters.
RECORD_DELETED = catalog.kind("record_deleted", pgettext_lazy("history", "Title record deleted"))
ITEM_ADDED = catalog.kind("item_added", pgettext_lazy("history", "Copy added"))
ITEM_UPDATED = catalog.kind("item_updated", pgettext_lazy("history", "Copy changed"))
# Final (a withdrawn copy is never lent again): the stock not used leaves out the copies lent
# in a period and withdrawn by its end.
ITEM_WITHDRAWN = catalog.kind(
    "item_withdrawn", pgettext_lazy("history", "Copy withdrawn"), withdraws=True
)
IMPORT = catalog.kind("import", pgettext_lazy("history", "MARC file imported"))
ITEM_TYPE_SAVED = catalog.kind("item_type_saved", pgettext_lazy("history", "Item type saved"))
ITEM_TYPE_DELETED = catalog.kind("item_type_deleted", pgettext_lazy("history", "Item type deleted"))
COPIES_HELD = catalog.kind(
    "copies_held", pgettext_lazy("history", "Copies held counted"), census=True
)
COPIES_LOANABLE = catalog.kind(
    "copies_loanable", pgettext_lazy("history", "Copies that can be lent counted"), census=True
)
COPY_OUT_OF_USE = catalog.kind(
    "copy_out_of_use", pgettext_lazy("history", "Copy can no longer be lent"), out_of_use=True
)
COPY_BACK_IN_USE = catalog.kind(
    "copy_back_in_use", pgettext_lazy("history", "Copy can be lent again"), back_in_use=True
)

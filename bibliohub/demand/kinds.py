"""What the unmet-demand app records in the history. Entries carry codes and ids, never
the title asked for, the reason given or the search typed: a zero-result search keeps only
a digest of its normalised text, and is nobody's."""

from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

demand = Domain("demand", pgettext_lazy("history domain", "Unmet demand and purchase suggestions"))

SUGGESTED = demand.kind("suggested", pgettext_lazy("history", "Purchase suggested"), use=True)
ACCEPTED = demand.kind("accepted", pgettext_lazy("history", "Purchase suggestion accepted"))
DECLINED = demand.kind("declined", pgettext_lazy("history", "Purchase suggestion declined"))
ORDERED = demand.kind("ordered", pgettext_lazy("history", "Suggested title ordered"))
RECEIVED = demand.kind("received", pgettext_lazy("history", "Suggested title received"))
CLOSED = demand.kind("closed", pgettext_lazy("history", "Purchase suggestion closed"))
TITLE_REQUESTED = demand.kind(
    "title_requested", pgettext_lazy("history", "Title not held asked for"), use=True
)
ZERO_RESULT_SEARCH = demand.kind(
    "zero_result_search", pgettext_lazy("history", "Catalogue search found nothing")
)
COLLECTED = demand.kind("collected", pgettext_lazy("history", "Unmet demand gathered"))

# What the unmet_requests indicator counts.
REQUESTS = (SUGGESTED, TITLE_REQUESTED)

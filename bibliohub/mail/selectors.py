"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bibliohub.mail.models import Message, State


def outbox(*, state: str = "", query: str = "") -> QuerySet[Message]:
    """The messages, newest first, in `state` if given, whose address, subject or kind
    contains `query` if given."""
    messages = Message.objects.all()
    if state in State.values:
        messages = messages.filter(state=state)
    if query:
        messages = messages.filter(
            Q(to__icontains=query) | Q(subject__icontains=query) | Q(kind__icontains=query))
    return messages.order_by("-created_at", "-pk")


def counts_by_state() -> dict[str, int]:
    """How many messages are in each state (every state, zero included)."""
    found = dict(Message.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: found.get(state, 0) for state in State.values}

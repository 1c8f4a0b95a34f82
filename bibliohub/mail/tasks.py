"""The outbox's task: send one message. Enqueued on the commit that wrote it, through the
task backend of `TASKS` (the database backend: every application server shares one queue,
and `bibliohub run-worker` runs it)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from bibliohub.mail import services


@task()
def send_message_task(message_id: int) -> str | None:
    """Send the outbox message `message_id` if it is still queued and due; its new state."""
    return services.deliver(message_id, at=timezone.now())

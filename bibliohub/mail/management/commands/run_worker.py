"""`bibliohub run-worker [--batch] [--interval S] [--max-tasks N]`: run a worker of the task
queue, which sends the e-mail outbox. It is django-tasks-db's `db_worker` under our name: any
number may run, on any machines sharing the database; `--batch` sends what is queued and
exits. Without a worker, `bibliohub run-scheduled` sends what is due (docs/mail.md)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = (
        "Run a worker of the task queue (it sends the e-mail outbox). Several may run at once, "
        "on any machines sharing the database; --batch sends what is queued, then exits."
    )

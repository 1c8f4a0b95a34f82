"""E-mail to patrons and partners, each message in its recipient's language.

`bibliohub.mail.services.queue` renders a message from an app's templates
(`<prefix>_subject.txt`, `<prefix>.txt` and optionally `<prefix>.html`) and writes it to the
outbox in the caller's transaction; a worker of the task queue sends it, with retries
(docs/mail.md). The templates belong to the app that sends them (circulation notices, booking
and event reminders, mentoring requests); this app is at the bottom of the layers, just above
`history` (whose entries it writes): it knows no other app, so every domain app may send mail."""

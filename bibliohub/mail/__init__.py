"""E-mail to patrons and partners, each message in its recipient's language.

`bibliohub.mail.messages.render_message` renders a message from an app's templates
(`<prefix>_subject.txt`, `<prefix>.txt` and optionally `<prefix>.html`) and `send_message`
sends it. The templates belong to the app that sends them (circulation notices, booking and
event reminders, mentoring requests); this app is at the bottom of the layers beside
`history`: it knows no other app, so every domain app may send mail."""

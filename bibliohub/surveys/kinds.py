"""What the surveys app records in the history: codes and counts only, never an answer's
text, and for an anonymous survey nothing about who answered."""

from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain
from bibliohub.history.kinds import Unit

surveys = Domain("surveys", pgettext_lazy("history domain", "Questionnaires and polls"))

SURVEY_SAVED = surveys.kind("survey_saved", pgettext_lazy("history", "Survey saved"))
SURVEY_OPENED = surveys.kind("survey_opened", pgettext_lazy("history", "Survey opened"))
SURVEY_CLOSED = surveys.kind("survey_closed", pgettext_lazy("history", "Survey closed"))
QUESTION_SAVED = surveys.kind("question_saved", pgettext_lazy("history", "Survey question saved"))
QUESTION_REMOVED = surveys.kind(
    "question_removed", pgettext_lazy("history", "Survey question removed")
)
INVITATIONS_MADE = surveys.kind(
    "invitations_made", pgettext_lazy("history", "Survey invitation links made")
)
STARTED = surveys.kind("started", pgettext_lazy("history", "Survey answers started"))
COMPLETED = surveys.kind("completed", pgettext_lazy("history", "Survey answers sent"))
# One entry per completed response that rated the satisfaction question: quantity 1, the
# amount the score on a scale of 1 to 5, so that the roll-ups' amount ÷ quantity is the mean.
RATED = surveys.kind(
    "satisfaction_rated", pgettext_lazy("history", "Satisfaction rated in a survey"),
    unit=Unit.POINTS,
)
# Written once per network by the migration that carried the ratings of events given before
# the event feedback survey into it: quantity the ratings carried over.
FEEDBACK_CARRIED_OVER = surveys.kind(
    "feedback_carried_over",
    pgettext_lazy("history", "Event ratings carried into the feedback survey"),
)
# One entry per survey and run of the reminder job: quantity the reminders written to the
# outbox (each message has its own entry in the mail's domain).
REMINDERS_SENT = surveys.kind(
    "reminders_sent", pgettext_lazy("history", "Survey reminders sent")
)

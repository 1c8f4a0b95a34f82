"""What the planning app records in the history: programmes started, changed, adopted,
closed, published; their directions, goals, actions and measures; progress on actions with
its evidence; SWOT analyses and their points.

Every entry about a programme names the programme as its object (so its whole story is one
timeline) and the part it touched in `detail` by id, with codes, statuses and dates; the
branch is the programme's (or, for progress, the branch it reports for). Texts — titles,
notes, captions, file names — stay on their rows, never in an entry.

Evidence entries carry the evidence's type as their `format` (photo, video, document,
link), so photo and video records of the library's activity (the `media_facts` indicator)
can be counted by branch and month from the roll-ups."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

planning = Domain("planning", _("Development programmes"))

PROGRAMME_CREATED = planning.kind(
    "programme_created", pgettext_lazy("history", "Programme started")
)
PROGRAMME_SAVED = planning.kind("programme_saved", pgettext_lazy("history", "Programme changed"))
PROGRAMME_STATUS = planning.kind(
    "programme_status", pgettext_lazy("history", "Programme adopted, closed or reopened")
)
PROGRAMME_PUBLISHED = planning.kind(
    "programme_published", pgettext_lazy("history", "Programme published on the public site")
)
PROGRAMME_UNPUBLISHED = planning.kind(
    "programme_unpublished", pgettext_lazy("history", "Programme taken off the public site")
)
PROGRAMME_DELETED = planning.kind(
    "programme_deleted", pgettext_lazy("history", "Draft programme deleted")
)
DIRECTION_SAVED = planning.kind(
    "direction_saved", pgettext_lazy("history", "Strategic direction saved")
)
DIRECTION_DELETED = planning.kind(
    "direction_deleted", pgettext_lazy("history", "Strategic direction deleted")
)
GOAL_SAVED = planning.kind("goal_saved", pgettext_lazy("history", "Goal of a programme saved"))
GOAL_DELETED = planning.kind(
    "goal_deleted", pgettext_lazy("history", "Goal of a programme deleted")
)
ACTION_SAVED = planning.kind("action_saved", pgettext_lazy("history", "Action saved"))
ACTION_DELETED = planning.kind("action_deleted", pgettext_lazy("history", "Action deleted"))
MEASURE_SAVED = planning.kind(
    "measure_saved", pgettext_lazy("history", "Indicator of a programme saved")
)
MEASURE_DELETED = planning.kind(
    "measure_deleted", pgettext_lazy("history", "Indicator of a programme deleted")
)
PROGRESS_RECORDED = planning.kind(
    "progress_recorded", pgettext_lazy("history", "Progress on an action recorded")
)
EVIDENCE_ADDED = planning.kind(
    "evidence_added", pgettext_lazy("history", "Evidence of progress added")
)
EVIDENCE_REMOVED = planning.kind(
    "evidence_removed", pgettext_lazy("history", "Evidence of progress removed")
)
SWOT_SAVED = planning.kind("swot_saved", pgettext_lazy("history", "SWOT analysis saved"))
SWOT_POINT_SAVED = planning.kind(
    "swot_point_saved", pgettext_lazy("history", "Point of a SWOT analysis saved")
)
SWOT_POINT_DELETED = planning.kind(
    "swot_point_deleted", pgettext_lazy("history", "Point of a SWOT analysis deleted")
)

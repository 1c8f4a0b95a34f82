"""The audit log under /staff/history/."""

from django.urls import path

from bibliohub.web import audit

app_name = "history"

urlpatterns = [
    path("", audit.everything, name="all"),
    path("patrons/<int:patron_id>/", audit.patron, name="patron"),
    path("copies/<int:item_id>/", audit.copy, name="copy"),
    path("titles/<int:record_id>/", audit.title, name="title"),
    path("branches/<slug:code>/", audit.branch, name="branch"),
    path("staff/<int:user_id>/", audit.staff_member, name="staff_member"),
]

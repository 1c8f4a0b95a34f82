"""The reports' staff screens, under /staff/reports/."""

from django.urls import path

from bibliohub.reports import staff_views

app_name = "reports"

urlpatterns = [
    path("", staff_views.start, name="start"),
    path("annual/<int:year>/network.<str:fmt>", staff_views.annual_network, name="annual_network"),
    path(
        "annual/<int:year>/branch/<slug:code>.<str:fmt>",
        staff_views.annual_branch,
        name="annual_branch",
    ),
    path("forms/<slug:form>/<int:year>/network.<str:fmt>", staff_views.form_network, name="form_network"),
    path(
        "forms/<slug:form>/<int:year>/branch/<slug:code>.<str:fmt>",
        staff_views.form_branch,
        name="form_branch",
    ),
]

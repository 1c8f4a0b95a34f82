"""Staff screens under /staff/."""

from django.urls import include, path

from bibliohub.web import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("catalogue/copy/", include("bibliohub.interop.copycat.urls")),
    path("catalogue/", include("bibliohub.catalog.urls")),
    path("branches/", include("bibliohub.libraries.urls")),
    path("spaces/", include("bibliohub.spaces.staff_urls")),
    path("events/", include("bibliohub.programs.staff_urls")),
    path("community/", include("bibliohub.community.staff_urls")),
    path("feedback/", include("bibliohub.listening.staff_urls")),
    path("demand/", include("bibliohub.demand.staff_urls")),
    path("surveys/", include("bibliohub.surveys.staff_urls")),
    path("desk/", include("bibliohub.circulation.urls")),
    path("patrons/", include("bibliohub.patrons.urls")),
    path("history/", include("bibliohub.web.audit_urls")),
    path("daybook/", include("bibliohub.daybook.urls")),
    path("mail/", include("bibliohub.mail.staff_urls")),
    path("accounts/", include("bibliohub.accounts.staff_urls")),
    path("plans/", include("bibliohub.planning.staff_urls")),
    path("reports/", include("bibliohub.reports.staff_urls")),
    path("indicators/", include("bibliohub.measures.staff_urls")),
]

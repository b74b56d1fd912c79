"""The juries app's addresses, one module per audience: jurors (their invitations,
reviews and discussion) and festival staff (the jury, rounds, assignment, ranking and
selection)."""

from django.urls import include, path

from . import dashboard, dossiers, exports, juror, publication, results, staff

app_name = "juries"

urlpatterns = [
    path("", include(juror.urlpatterns)),
    path("staff/", include(staff.urlpatterns)),
    path("", include(publication.urlpatterns)),
    path("", include(dossiers.urlpatterns)),
    path("", include(results.urlpatterns)),
    path("", include(exports.urlpatterns)),
    path("", include(dashboard.urlpatterns)),
]

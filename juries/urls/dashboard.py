"""The staff's cockpit: an edition's dashboard and the programme's editions compared."""

from django.urls import path

from ..views import dashboard as views

urlpatterns = [
    path(
        "staff/editions/<int:edition_pk>/dashboard/",
        views.DashboardView.as_view(),
        name="staff_dashboard",
    ),
    path(
        "staff/programmes/<slug:programme>/comparison/",
        views.ComparisonView.as_view(),
        name="staff_comparison",
    ),
]

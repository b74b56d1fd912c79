from django.urls import path

from . import views

app_name = "editions"

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programmes"),
    path("programmes/<slug:programme>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path(
        "programmes/<slug:programme>/<slug:edition>/",
        views.EditionDetailView.as_view(),
        name="edition",
    ),
    path("staff/", views.StaffHomeView.as_view(), name="staff_home"),
]

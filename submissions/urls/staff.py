"""Festival staff's pages (under staff/): an edition's applications, their export, invited
projects, and a project's page with its actions (POST forms)."""

from django.urls import path

from ..views import staff as views

urlpatterns = [
    path("editions/<int:edition_pk>/", views.StaffListView.as_view(), name="staff_list"),
    path(
        "editions/<int:edition_pk>/export.csv",
        views.StaffExportView.as_view(),
        name="staff_export",
    ),
    path("editions/<int:edition_pk>/invite/", views.StaffInviteView.as_view(), name="staff_invite"),
    path("projects/<int:pk>/", views.StaffProjectView.as_view(), name="staff_project"),
    path("projects/<int:pk>/screen/", views.StaffScreenView.as_view(), name="staff_screen"),
    path("projects/<int:pk>/reopen/", views.StaffReopenView.as_view(), name="staff_reopen"),
    path("projects/<int:pk>/message/", views.StaffMessageView.as_view(), name="staff_message"),
    path(
        "projects/<int:pk>/request-cut/",
        views.StaffRequestCutView.as_view(),
        name="staff_request_cut",
    ),
    path(
        "projects/<int:pk>/carry-over/",
        views.StaffCarryOverView.as_view(),
        name="staff_carry_over",
    ),
]

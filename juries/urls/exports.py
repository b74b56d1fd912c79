"""Staff exports of an edition: the page, starting a build, its progress and downloads."""

from django.urls import path

from ..views import exports as views

urlpatterns = [
    path(
        "staff/editions/<int:edition_pk>/exports/",
        views.ExportsView.as_view(),
        name="staff_exports",
    ),
    path(
        "staff/editions/<int:edition_pk>/exports/status/",
        views.ExportStatusView.as_view(),
        name="staff_export_status",
    ),
    path(
        "staff/editions/<int:edition_pk>/exports/start/",
        views.ExportStartView.as_view(),
        name="staff_export_start",
    ),
    path(
        "staff/exports/<int:pk>/file/",
        views.ExportFileView.as_view(),
        name="staff_export_file",
    ),
]

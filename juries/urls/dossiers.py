"""Selection dossiers: builds, their progress and downloads, and links for guests."""

from django.urls import path

from ..views import dossiers as views

urlpatterns = [
    path(
        "staff/editions/<int:edition_pk>/dossiers/",
        views.DossiersView.as_view(),
        name="staff_dossiers",
    ),
    path(
        "staff/editions/<int:edition_pk>/dossiers/status/",
        views.DossierStatusView.as_view(),
        name="staff_dossier_status",
    ),
    path(
        "staff/editions/<int:edition_pk>/dossiers/start/",
        views.DossierStartView.as_view(),
        name="staff_dossier_start",
    ),
    path(
        "staff/editions/<int:edition_pk>/dossiers/links/",
        views.DossierLinkCreateView.as_view(),
        name="staff_dossier_link_create",
    ),
    path(
        "staff/dossiers/<int:pk>/files/<slug:kind>/",
        views.DossierFileView.as_view(),
        name="staff_dossier_file",
    ),
    path(
        "staff/dossiers/<int:pk>/public/",
        views.DossierPublicView.as_view(),
        name="staff_dossier_public",
    ),
    path(
        "staff/dossiers/<int:pk>/private/",
        views.DossierPrivateView.as_view(),
        name="staff_dossier_private",
    ),
    path(
        "staff/dossier-links/<int:pk>/revoke/",
        views.DossierLinkRevokeView.as_view(),
        name="staff_dossier_link_revoke",
    ),
    path("dossiers/guest/<str:token>/", views.GuestDossierView.as_view(), name="dossier_guest"),
    path(
        "dossiers/guest/<str:token>/<slug:kind>/",
        views.guest_file,
        name="dossier_guest_file",
    ),
    path(
        "dossiers/editions/<int:edition_pk>/<slug:kind>/",
        views.public_file,
        name="dossier_public_edition",
    ),
    path(
        "dossiers/sessions/<int:session_pk>/<slug:kind>/",
        views.public_file,
        name="dossier_public_session",
    ),
]

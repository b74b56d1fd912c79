"""Jurors' pages: invitations, the projects of a round, reviews, discussion, files."""

from django.urls import path

from ..views import juror as views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("invitation/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("rounds/<int:pk>/projects/", views.RoundProjectsView.as_view(), name="round_projects"),
    path(
        "rounds/<int:pk>/projects/<int:project_pk>/conflict/",
        views.RoundConflictView.as_view(),
        name="round_declare_conflict",
    ),
    path("assignments/<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("assignments/<int:pk>/comments/", views.CommentView.as_view(), name="comment"),
    path(
        "assignments/<int:pk>/conflict/",
        views.DeclareConflictView.as_view(),
        name="declare_conflict",
    ),
    path(
        "assignments/<int:pk>/stills/<int:still_pk>/<slug:version>/",
        views.still_file,
        name="still_file",
    ),
    path(
        "assignments/<int:pk>/documents/<int:document_pk>/",
        views.document_file,
        name="document_file",
    ),
    path(
        "assignments/<int:pk>/directors/<int:director_pk>/photo/",
        views.director_photo_file,
        name="director_photo_file",
    ),
]

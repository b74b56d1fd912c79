"""The public face of published selections: session pages, the archive of past
selections and the JSON feed for festival websites (namespace "selections").

The feed stays under the language prefix (/en/selections/feed.json, /es/…): the prefix
chooses the language of the country and need names it gives beside their codes."""

from django.urls import path

from ..views import publication as views

app_name = "selections"

urlpatterns = [
    path("feed.json", views.FeedView.as_view(), name="feed"),
    path(
        "<slug:programme>/<slug:edition>/",
        views.EditionSelectionView.as_view(),
        name="edition",
    ),
    path(
        "<slug:programme>/<slug:edition>/<int:session_pk>/",
        views.SessionView.as_view(),
        name="session",
    ),
    path(
        "<slug:programme>/<slug:edition>/<int:session_pk>/stills/<int:still_pk>/",
        views.still,
        name="still",
    ),
]

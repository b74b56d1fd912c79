"""The public face of published selections: session pages, the archive of past
selections and the JSON feed for festival websites (namespace "selections")."""

app_name = "selections"

urlpatterns = []

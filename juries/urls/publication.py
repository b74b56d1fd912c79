"""Publication of a session's selection: the staff's page to publish it now or at an
announced moment, the public session pages and the JSON feed."""

urlpatterns = []

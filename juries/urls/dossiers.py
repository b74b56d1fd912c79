"""Selection dossiers: builds, their progress and downloads, and links for guests."""

urlpatterns = []

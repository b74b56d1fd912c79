"""A project's materials (stills, director photos, documents, cuts) and their files."""

from django.urls import path

from ..views import files, materials

urlpatterns = [
    path("projects/<int:pk>/materials/", materials.MaterialsView.as_view(), name="materials"),
    path("projects/<int:pk>/stills/new/", materials.StillUploadView.as_view(), name="still_upload"),
    path("stills/<int:pk>/delete/", materials.StillDeleteView.as_view(), name="still_delete"),
    path(
        "projects/<int:pk>/documents/new/",
        materials.DocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        "documents/<int:pk>/delete/",
        materials.DocumentDeleteView.as_view(),
        name="document_delete",
    ),
    path(
        "directors/<int:pk>/photo/upload/",
        materials.DirectorPhotoView.as_view(),
        name="director_photo",
    ),
    path("projects/<int:pk>/cuts/new/", materials.CutAddView.as_view(), name="cut_add"),
    path("cuts/<int:pk>/edit/", materials.CutEditView.as_view(), name="cut_edit"),
    path("stills/<int:pk>/<slug:version>/", files.still_file, name="still_file"),
    path("documents/<int:pk>/file/", files.document_file, name="document_file"),
    path("directors/<int:pk>/photo/", files.director_photo_file, name="director_photo_file"),
]

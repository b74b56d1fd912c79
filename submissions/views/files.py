"""Stored files of a project, served only to its producer and to staff of its programme.
Anyone else gets 404, whether the file exists or not; nothing is ever at a public URL."""

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from editions.files import serve_file

from ..models import Director, Document, Still
from ..permissions import visible_projects

STILL_VERSIONS = {
    "thumb": "thumbnail",
    "web": "web",
    "large": "large",
    "original": "original",
}


def _visible(model, user, pk):
    return get_object_or_404(
        model.objects.filter(project__in=visible_projects(user)).select_related("project"),
        pk=pk,
    )


def _download_name(project, *parts, suffix):
    stem = "-".join(str(part) for part in (slugify(project.display_title) or "project", *parts))
    return f"{stem}{suffix}"


@require_GET
@login_required
def still_file(request, pk, version):
    field = STILL_VERSIONS.get(version)
    if field is None:
        raise Http404
    still = _visible(Still, request.user, pk)
    file = getattr(still, field)
    suffix = PurePath(file.name).suffix.lower() if file else ""
    return serve_file(
        file,
        download_name=_download_name(still.project, "still", still.pk, version, suffix=suffix),
        # The original is the file as it was uploaded: it downloads.
        inline=version != "original",
    )


@require_GET
@login_required
def document_file(request, pk):
    document = _visible(Document, request.user, pk)
    return serve_file(document.file, download_name=document.original_name, inline=False)


@require_GET
@login_required
def director_photo_file(request, pk):
    director = _visible(Director, request.user, pk)
    return serve_file(
        director.photo,
        download_name=_download_name(director.project, "director", director.pk, suffix=".jpg"),
        inline=True,
    )

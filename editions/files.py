"""Uploaded files: stored under random names, served only by views that check permission."""

import mimetypes
import secrets
from pathlib import PurePath

from django.http import FileResponse, Http404


def random_file_name(filename, extension=None):
    """A name no one can guess; the original name never becomes part of a path."""
    suffix = extension if extension is not None else PurePath(filename).suffix.lower()[:8]
    return f"{secrets.token_hex(16)}{suffix}"


FILE_POLICY = "default-src 'none'; sandbox"


def serve_file(field_file, *, download_name=None, inline=True):
    """Stream a stored file with headers that stop a browser from guessing its type or
    running it. `inline` only for images the portal encoded itself (shown in its pages);
    anything else downloads."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type, _encoding = mimetypes.guess_type(field_file.name)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=download_name or PurePath(field_file.name).name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    # Opened on its own, a file runs nothing and loads nothing, whatever it holds.
    response["Content-Security-Policy"] = FILE_POLICY
    return response


def as_download(response, filename: str):
    """A response built by the portal (a CSV it streams) sent as a file download, with
    the headers serve_file() gives stored files."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_POLICY
    return response

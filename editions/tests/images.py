"""Images to upload in tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(40, 20), mode="RGB", **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, "orange").save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def upload(name="logo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type)

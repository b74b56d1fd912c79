"""The checks run on every upload while the producer waits, and the services that store
materials. Hostile files are refused with a message naming the file."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from editions.models import Material
from submissions import uploads
from submissions.models import Document, ProcessingStatus, ProjectStatus, Still
from submissions.tests.factories import (
    PDF_BYTES,
    DirectorFactory,
    DocumentFactory,
    ProjectFactory,
    StillFactory,
    jpeg_bytes,
)

# --- Files for the tests ----------------------------------------------------------------


def image_bytes(width=1600, height=900, format="JPEG", mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (40, 90, 160) if mode == "RGB" else 128).save(
        buffer, format, **options
    )
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_claiming(width, height) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb as
    far as the header is concerned."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def upload(content, name="still.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- check_image --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "suffix"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("TIFF", ".tif")]
)
def test_check_image_accepts_the_four_formats(format, suffix):
    width, height, found = uploads.check_image(upload(image_bytes(format=format), f"a{suffix}"))
    assert (width, height, found) == (1600, 900, format)


def test_check_image_text_renamed_jpg_refused():
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(b"Just some notes, not a picture.\n" * 20))
    assert codes(caught.value) == ["invalid_image"]
    assert "still.jpg" in caught.value.messages[0]


def test_check_image_truncated_jpeg_refused():
    data = jpeg_bytes(1600, 900)
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(data[: len(data) // 2]))
    assert codes(caught.value) == ["invalid_image"]


def test_check_image_four_pixels_refused():
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(image_bytes(2, 2, "PNG"), "tiny.png"))
    assert codes(caught.value) == ["image_too_small"]
    assert "2 × 2" in caught.value.messages[0]
    assert "1280" in caught.value.messages[0]


def test_check_image_below_minimum_long_side_refused():
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(jpeg_bytes(1279, 700)))
    assert codes(caught.value) == ["image_too_small"]


def test_check_image_director_photo_minimum_is_smaller():
    assert uploads.check_image(upload(jpeg_bytes(400, 500)), min_side=400)[:2] == (400, 500)


def test_check_image_bomb_over_pillow_limit_refused():
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(png_claiming(20000, 20000), "bomb.png"))
    assert codes(caught.value) == ["decompression_bomb"]


def test_check_image_bomb_in_pillow_warning_range_refused():
    # 95 megapixels: above Pillow's limit (89.5) but below twice it, where Pillow only warns.
    assert Image.MAX_IMAGE_PIXELS < 10000 * 9500 < 2 * Image.MAX_IMAGE_PIXELS
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(png_claiming(10000, 9500), "bomb.png"))
    assert codes(caught.value) == ["decompression_bomb"]


def test_check_image_over_100_megapixels_refused_whatever_pillows_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(png_claiming(11000, 10000), "bomb.png"))
    assert codes(caught.value) == ["decompression_bomb"]


def test_check_image_too_large_refused_before_reading():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("read before the size check")

    big = Unreadable("huge.jpg", b"", content_type="image/jpeg")
    big.size = 60 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(big)
    assert codes(caught.value) == ["file_too_large"]
    assert "60.0\xa0MB" in caught.value.messages[0]


def test_check_image_just_over_30_mb_refused():
    big = upload(b"\xff" * (uploads.STILL_MAX_BYTES + 1), "big.jpg")
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(big)
    assert codes(caught.value) == ["file_too_large"]


@pytest.mark.parametrize("format", ["GIF", "BMP"])
def test_check_image_other_formats_refused(format):
    data = image_bytes(1600, 900, format, mode="RGB" if format == "BMP" else "L")
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(data, "still.gif"))
    assert codes(caught.value) == ["invalid_image_format"]


def test_check_image_empty_file_refused():
    with pytest.raises(ValidationError) as caught:
        uploads.check_image(upload(b""))
    assert codes(caught.value) == ["empty"]


# --- check_pdf ----------------------------------------------------------------------------


def test_check_pdf_accepts_a_pdf():
    uploads.check_pdf(upload(PDF_BYTES, "budget.pdf", "application/pdf"))


def test_check_pdf_html_renamed_pdf_refused():
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script>%PDF-1.4 %%EOF</body></html>"
    with pytest.raises(ValidationError) as caught:
        uploads.check_pdf(upload(html, "budget.pdf", "application/pdf"))
    assert codes(caught.value) == ["invalid_pdf"]
    assert "budget.pdf" in caught.value.messages[0]


def test_check_pdf_truncated_refused():
    with pytest.raises(ValidationError) as caught:
        uploads.check_pdf(upload(PDF_BYTES[:60], "budget.pdf", "application/pdf"))
    assert codes(caught.value) == ["incomplete_pdf"]


def test_check_pdf_too_large_refused():
    big = upload(PDF_BYTES + b"0" * uploads.DOCUMENT_MAX_BYTES, "budget.pdf", "application/pdf")
    with pytest.raises(ValidationError) as caught:
        uploads.check_pdf(big)
    assert codes(caught.value) == ["file_too_large"]


# --- Services -----------------------------------------------------------------------------


def _checked(*datas):
    files = [upload(data) for data in datas]
    return [(file, uploads.check_image(file)) for file in files]


@pytest.mark.django_db
def test_add_stills_stores_under_random_name_with_checked_extension(
    django_capture_on_commit_callbacks, settings
):
    project = ProjectFactory()
    file = upload(image_bytes(format="PNG"), "../../evil.html")
    with django_capture_on_commit_callbacks(execute=True):
        (still,) = uploads.add_stills(
            project=project, by=project.owner, uploads=[(file, uploads.check_image(file))]
        )
    still.refresh_from_db()
    assert still.original.name.startswith("stills/original/")
    assert still.original.name.endswith(".png")
    assert "evil" not in still.original.name
    assert still.status == ProcessingStatus.READY


@pytest.mark.django_db
def test_add_stills_over_maximum_refused():
    project = ProjectFactory(call__max_stills=2)
    StillFactory(project=project)
    with pytest.raises(ValidationError) as caught:
        uploads.add_stills(
            project=project, by=project.owner, uploads=_checked(jpeg_bytes(), jpeg_bytes())
        )
    assert codes(caught.value) == ["too_many_stills"]
    assert Still.objects.filter(project=project).count() == 1


@pytest.mark.django_db
def test_add_stills_after_submission_refused_for_producer():
    project = ProjectFactory(status=ProjectStatus.SUBMITTED, submitted_at=timezone.now())
    with pytest.raises(PermissionDenied):
        uploads.add_stills(project=project, by=project.owner, uploads=_checked(jpeg_bytes()))
    assert not Still.objects.exists()


def test_add_stills_after_submission_allowed_for_staff(
    staff, call, django_capture_on_commit_callbacks
):
    project = ProjectFactory(call=call, status=ProjectStatus.SUBMITTED, submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        uploads.add_stills(project=project, by=staff, uploads=_checked(jpeg_bytes()))
    assert project.stills.count() == 1


@pytest.mark.django_db
def test_save_document_again_replaces_file(django_capture_on_commit_callbacks, settings):
    project = ProjectFactory()
    first = DocumentFactory(project=project, kind=Material.BUDGET)
    old_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        document = uploads.save_document(
            project=project,
            by=project.owner,
            kind=Material.BUDGET,
            upload=upload(PDF_BYTES, "Presupuesto final.pdf", "application/pdf"),
        )
    assert Document.objects.filter(project=project).count() == 1
    assert document.pk == first.pk
    assert document.original_name == "Presupuesto final.pdf"
    assert document.file.name.endswith(".pdf")
    assert "Presupuesto" not in document.file.name
    assert document.file.name != old_name
    assert stored_files(settings) == [settings.MEDIA_ROOT / document.file.name]


@pytest.mark.django_db
def test_delete_still_removes_files_after_commit(django_capture_on_commit_callbacks, settings):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        (still,) = uploads.add_stills(
            project=project, by=project.owner, uploads=_checked(jpeg_bytes())
        )
    assert len(stored_files(settings)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        uploads.delete_still(still=still, by=project.owner)
    assert not Still.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_set_director_photo_reencodes_without_metadata(
    django_capture_on_commit_callbacks, settings
):
    director = DirectorFactory()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (10, 20, 30)).save(buffer, "JPEG", exif=exif)
    with django_capture_on_commit_callbacks(execute=True):
        uploads.set_director_photo(
            director=director, by=director.project.owner, upload=upload(buffer.getvalue())
        )
    director.refresh_from_db()
    assert director.photo.name.startswith("directors/")
    with Image.open(director.photo.path) as photo:
        assert photo.size == (1600, 1067)
        assert dict(photo.getexif()) == {}

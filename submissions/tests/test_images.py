"""Still versions: re-encoded from pixels, without metadata, at their sizes."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import ExifTags, Image

from submissions.images import process_still, still_versions
from submissions.models import ProcessingStatus, Still
from submissions.tests.factories import StillFactory

pytestmark = pytest.mark.django_db


def jpeg_with_gps(width=4000, height=3000, orientation=None) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera maker"
    exif[ExifTags.Base.Model] = "Camera model"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (12.0, 2.0, 46.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (77.0, 1.0, 42.0)
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 20)).save(
        buffer, "JPEG", exif=exif, comment=b"shot at home"
    )
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file does carry GPS
    return data


def metadata_of(field_file):
    with field_file.open("rb") as handle, Image.open(handle) as image:
        return dict(image.getexif()), dict(image.info), image.format, image.size


def stored_files(settings):
    return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_process_still_makes_three_versions_without_metadata():
    still = StillFactory(
        original=ContentFile(jpeg_with_gps(), name="still.jpg"),
        status=ProcessingStatus.PROCESSING,
        width=0,
        height=0,
    )
    process_still(still)
    still.refresh_from_db()
    assert still.status == ProcessingStatus.READY
    assert (still.width, still.height) == (4000, 3000)
    sizes = {}
    for field in ("large", "web", "thumbnail"):
        exif, info, image_format, size = metadata_of(getattr(still, field))
        assert exif == {}
        assert "exif" not in info
        assert "comment" not in info
        assert "icc_profile" not in info
        assert image_format == "JPEG"
        sizes[field] = size
    assert sizes == {"large": (3000, 2250), "web": (1600, 1200), "thumbnail": (400, 300)}


def test_process_still_never_enlarges_a_small_still():
    still = StillFactory(status=ProcessingStatus.PROCESSING)  # 1600 × 900
    process_still(still)
    still.refresh_from_db()
    assert metadata_of(still.large)[3] == (1600, 900)
    assert metadata_of(still.web)[3] == (1600, 900)
    assert metadata_of(still.thumbnail)[3] == (400, 225)


def test_process_still_turns_the_image_upright():
    still = StillFactory(
        original=ContentFile(jpeg_with_gps(2000, 1500, orientation=6), name="still.jpg"),
        status=ProcessingStatus.PROCESSING,
    )
    process_still(still)
    still.refresh_from_db()
    assert (still.width, still.height) == (1500, 2000)
    assert metadata_of(still.web)[3] == (1200, 1600)


def test_process_still_twice_replaces_versions(settings, django_capture_on_commit_callbacks):
    still = StillFactory(status=ProcessingStatus.PROCESSING)
    with django_capture_on_commit_callbacks(execute=True):
        process_still(still)
    still.refresh_from_db()
    first = {still.web.name, still.thumbnail.name, still.large.name}
    with django_capture_on_commit_callbacks(execute=True):
        process_still(Still.objects.get(pk=still.pk))
    still.refresh_from_db()
    second = {still.web.name, still.thumbnail.name, still.large.name}
    assert first.isdisjoint(second)
    names = {str(p.relative_to(settings.MEDIA_ROOT)) for p in stored_files(settings)}
    assert names == {still.original.name, *second}


def test_process_still_damaged_original_marks_failed(settings):
    still = StillFactory(
        original=ContentFile(b"not an image at all", name="still.jpg"),
        status=ProcessingStatus.PROCESSING,
    )
    process_still(still)
    still.refresh_from_db()
    assert still.status == ProcessingStatus.FAILED
    assert not still.web
    assert len(stored_files(settings)) == 1


def test_process_still_deleted_meanwhile_leaves_no_files(
    settings, django_capture_on_commit_callbacks
):
    still = StillFactory(status=ProcessingStatus.PROCESSING)
    stale = Still.objects.get(pk=still.pk)
    original = settings.MEDIA_ROOT / still.original.name
    Still.objects.filter(pk=still.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        process_still(stale)
    assert stored_files(settings) == [original]


@pytest.mark.parametrize("mode", ["RGBA", "CMYK", "L", "P", "I;16"])
def test_still_versions_any_mode_becomes_rgb_jpeg(mode):
    buffer = io.BytesIO()
    image = Image.new(mode, (1400, 1000))
    image.save(buffer, "TIFF" if mode in ("CMYK", "I;16") else "PNG")
    buffer.seek(0)
    versions, width, height = still_versions(buffer)
    assert (width, height) == (1400, 1000)
    with Image.open(io.BytesIO(versions["web"])) as web:
        assert (web.mode, web.format) == ("RGB", "JPEG")

"""Re-encoding of stills and director photos.

Every version is made from the pixels alone: no EXIF (camera, GPS position, dates), no
XMP, no comments and no embedded thumbnails reach the versions the portal shows or
sends. Colours are converted to sRGB when the image carries a colour profile, so a CMYK
or Adobe RGB still looks right on screen and in the dossier.
"""

import io
import logging
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageCms, ImageOps

from editions.files import random_file_name

from .models import ProcessingStatus, Still

logger = logging.getLogger(__name__)

# (field, longest side in pixels, JPEG quality), largest first: each version is made
# from the one before it, which is much faster than three resizes of a 24-megapixel
# original and looks the same.
STILL_VERSIONS = (
    ("large", 3000, 92),
    ("web", 1600, 85),
    ("thumbnail", 400, 82),
)
DIRECTOR_PHOTO_SIDE = 1600
DIRECTOR_PHOTO_QUALITY = 90

_EXIF_ORIENTATION = 0x0112
_SWAPPED_ORIENTATIONS = {5, 6, 7, 8}
_WHITE = (255, 255, 255)


def open_clean(handle, *, largest_side=None) -> tuple[Image.Image, int, int]:
    """Open an image and return it upright, in RGB, without any metadata, with its full
    (upright) width and height. `largest_side` lets JPEG decode at a reduced scale when
    only smaller versions are needed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(handle) as image:
            width, height = image.size
            if image.getexif().get(_EXIF_ORIENTATION) in _SWAPPED_ORIENTATIONS:
                width, height = height, width
            if largest_side:
                image.draft("RGB", (largest_side, largest_side))
            image.load()
            upright = ImageOps.exif_transpose(image)
    return _pixels_only(_to_rgb(upright)), width, height


def _to_rgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale (scans, some TIFFs): scale to 8 bits rather than clip.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    if profile and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            srgb = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.info("Ignoring an unreadable colour profile")
    return image.convert("RGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.info = {}
    return clean


def _resized(image: Image.Image, side: int) -> Image.Image:
    """At most `side` pixels on the long side; never enlarged."""
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    return copy


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def still_versions(handle) -> tuple[dict[str, bytes], int, int]:
    """The JPEG bytes of every version of a still, with the original's upright size."""
    image, width, height = open_clean(handle, largest_side=STILL_VERSIONS[0][1])
    versions = {}
    for field, side, quality in STILL_VERSIONS:
        image = _resized(image, side)
        versions[field] = _jpeg(image, quality)
    return versions, width, height


def process_still(still: Still) -> Still:
    """Make the thumbnail, web and print versions of a still and mark it ready (or
    failed). Running it again replaces the versions and removes the files it replaced:
    there is never more than one file per version."""
    try:
        with still.original.open("rb") as handle:
            versions, width, height = still_versions(handle)
    except Exception:  # any unreadable original marks the still failed (logged)
        logger.exception("Still %s could not be processed", still.pk)
        Still.objects.filter(pk=still.pk).update(status=ProcessingStatus.FAILED)
        still.status = ProcessingStatus.FAILED
        return still
    old_names = {field: getattr(still, field).name for field in versions}
    for field, content in versions.items():
        file = getattr(still, field)
        file.save(random_file_name("version.jpg"), ContentFile(content), save=False)
    new_names = {field: getattr(still, field).name for field in versions}
    still.width, still.height = width, height
    still.status = ProcessingStatus.READY
    with transaction.atomic():
        updated = Still.objects.filter(pk=still.pk).update(
            width=width, height=height, status=ProcessingStatus.READY, **new_names
        )
        # The still was deleted meanwhile: drop what was just made; otherwise drop what
        # the new versions replace.
        if updated:
            unused = [n for n in old_names.values() if n and n not in new_names.values()]
        else:
            unused = list(new_names.values())
        transaction.on_commit(lambda: _delete(unused))
    return still


def _delete(names):
    for name in names:
        if name:
            default_storage.delete(name)


def encode_photo(upload) -> bytes:
    """A director's photo, upright, without metadata, at most 1600 pixels, as JPEG."""
    upload.seek(0)
    image, _width, _height = open_clean(upload, largest_side=DIRECTOR_PHOTO_SIDE)
    return _jpeg(_resized(image, DIRECTOR_PHOTO_SIDE), DIRECTOR_PHOTO_QUALITY)

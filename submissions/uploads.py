"""Stills, director photos and documents: checked while the producer waits, then stored.

The checks (`check_image`, `check_pdf`) read the upload and raise a translated
ValidationError naming what is wrong; nothing is stored until every file of a request
passes. The write functions below (`add_stills`, `set_director_photo`, `save_document`,
`delete_still`, `delete_document`) are the services for materials: they lock the
project, check that it may still change, save the rows, and queue the slow work (still
versions) or the removal of replaced files for after the commit.
"""

import warnings

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .images import encode_photo
from .models import Director, Document, Project, Still
from .permissions import can_edit_project
from .tasks import task_process_still

MB = 1024 * 1024

# Stills: real photographs big enough for a catalogue page.
STILL_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif"}
STILL_MAX_BYTES = 30 * MB
STILL_MIN_SIDE = 1280
DIRECTOR_PHOTO_MIN_SIDE = 400
# Anything larger is refused outright, whatever Pillow's own limit is set to.
MAX_PIXELS = 100_000_000

DOCUMENT_MAX_BYTES = 20 * MB
# A PDF starts with its header; its trailer ends with %%EOF, possibly followed by a
# few bytes of padding or an incremental update's line ending.
PDF_HEADER = b"%PDF-"
PDF_EOF = b"%%EOF"
PDF_TAIL_BYTES = 1024

# A request may carry a few bytes of form fields and boundaries besides its files.
REQUEST_OVERHEAD_BYTES = 1 * MB


def _too_large(upload, limit):
    return ValidationError(
        _("“%(name)s” is %(size)s; the limit is %(limit)s."),
        code="file_too_large",
        params={
            "name": upload.name,
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(limit),
        },
    )


# --- Checks -----------------------------------------------------------------------------


def check_image(
    upload: UploadedFile, *, min_side: int | None = None, max_bytes: int | None = None
) -> tuple[int, int, str]:
    """Check that an upload is a real, complete JPEG, PNG, WebP or TIFF image, at least
    `min_side` pixels on its long side, and safe to decode. Returns (width, height,
    Pillow format). The size is checked before a byte of the file is read."""
    min_side = STILL_MIN_SIDE if min_side is None else min_side
    max_bytes = STILL_MAX_BYTES if max_bytes is None else max_bytes
    if upload.size is None or upload.size > max_bytes:
        raise _too_large(upload, max_bytes)
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": upload.name})
    allowed = ", ".join(sorted(STILL_FORMATS))
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its pixel limit and twice that: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in STILL_FORMATS:
                    raise ValidationError(
                        _("“%(name)s” is not in an accepted format (%(formats)s)."),
                        code="invalid_image_format",
                        params={"name": upload.name, "formats": allowed},
                    )
                if width * height > MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                if max(width, height) < min_side:
                    raise ValidationError(
                        _(
                            "“%(name)s” is %(width)s × %(height)s pixels; it must be at least "
                            "%(minimum)s pixels on its long side."
                        ),
                        code="image_too_small",
                        params={
                            "name": upload.name,
                            "width": width,
                            "height": height,
                            "minimum": min_side,
                        },
                    )
                image.verify()
            # verify() leaves the image unusable: decode it completely from a fresh open,
            # which finds truncated data that verify() does not look at.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has too many pixels to be opened safely (at most %(limit)s megapixels)."),
            code="decompression_bomb",
            params={"name": upload.name, "limit": MAX_PIXELS // 1_000_000},
        ) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors on bad data
        raise ValidationError(
            _(
                "“%(name)s” is not an image or is damaged (perhaps not completely uploaded). "
                "Upload a JPEG, PNG, WebP or TIFF image."
            ),
            code="invalid_image",
            params={"name": upload.name},
        ) from None
    finally:
        upload.seek(0)
    return width, height, image_format


def check_pdf(upload: UploadedFile, *, max_bytes: int | None = None) -> None:
    """Check by content, not by name, that an upload is a PDF: it starts with the PDF
    header and ends with the end-of-file marker. An HTML page or a Word file renamed
    .pdf is refused. The file is never parsed here: a PDF parser run on untrusted files
    in a web request is a risk of its own, and the two markers catch renamed files and
    incomplete uploads."""
    max_bytes = DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    if upload.size is None or upload.size > max_bytes:
        raise _too_large(upload, max_bytes)
    not_pdf = ValidationError(
        _("“%(name)s” is not a PDF file. Export the document as PDF and upload it again."),
        code="invalid_pdf",
        params={"name": upload.name},
    )
    if upload.size < len(PDF_HEADER) + len(PDF_EOF):
        raise not_pdf
    try:
        upload.seek(0)
        head = upload.read(len(PDF_HEADER))
        upload.seek(max(0, upload.size - PDF_TAIL_BYTES))
        tail = upload.read(PDF_TAIL_BYTES)
    finally:
        upload.seek(0)
    if head != PDF_HEADER:
        raise not_pdf
    if PDF_EOF not in tail:
        raise ValidationError(
            _("“%(name)s” is incomplete or damaged. Upload the PDF again."),
            code="incomplete_pdf",
            params={"name": upload.name},
        )


def request_limit_for_stills(project: Project) -> int:
    """The most one upload of stills may weigh: the free places times the size limit."""
    free = max(1, project.call.max_stills - project.stills.count())
    return free * STILL_MAX_BYTES + REQUEST_OVERHEAD_BYTES


def safe_name(upload: UploadedFile, image_format: str) -> str:
    """A name whose extension matches the checked content: the stored file is later
    served with the content type its extension implies."""
    return f"still{STILL_FORMATS[image_format]}"


# --- Writes -----------------------------------------------------------------------------


def _lock_editable(project: Project, by) -> Project:
    locked = Project.objects.select_for_update().select_related("call__edition__programme")
    project = locked.get(pk=project.pk)
    if not can_edit_project(by, project):
        raise PermissionDenied
    return project


def _delete_files_on_commit(names):
    """Remove stored files once the rows pointing at them are gone for good."""
    names = [name for name in names if name]

    def delete():
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


class _FilesKeptOnCommit:
    """A transaction (entered in place of transaction.atomic()) whose files follow it:
    the files stored in it stay if it commits, the files it replaces go then; when it
    does not commit — a statement refused, the connection cut under the request — the
    files it stored are removed and the replaced ones stay. Every stored file has its
    row, every row its file.

    When the commit itself fails, whether it went through is unknown (the server may have
    committed before the connection was cut): then a file, stored or replaced, is removed
    only once the database says no row points at it, and kept when it cannot say (a file
    without a row is harmless; a row without its file is not). Inside a transaction of
    the caller's, a failure of the block is handled the same way; the caller's
    transaction rolled back later, after the block succeeded, is not seen."""

    CHECKS = 3  # tries at asking the database which files rows point at

    def __init__(self):
        self.atomic = transaction.atomic()
        self.stored: list[tuple[type, str, str]] = []
        self.replaced: list[tuple[type, str, str]] = []
        self.committed = False

    def __enter__(self):
        self.atomic.__enter__()
        transaction.on_commit(self._mark_committed)  # before any other callback
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            self.atomic.__exit__(exc_type, exc_value, traceback)
        except BaseException:
            self._undo(rolled_back=exc_type is not None)
            raise
        if exc_type is not None:
            self._undo(rolled_back=True)
        return False

    def save(self, field_file, name: str, content) -> None:
        """Store `content` in a file field now, as the model's save() would."""
        field_file.save(name, content, save=False)
        self.stored.append((type(field_file.instance), field_file.field.name, field_file.name))

    def replace(self, model, field: str, name: str) -> None:
        """The file `name` of a row's `field` is replaced: it goes once this commits."""
        if name:
            self.replaced.append((model, field, name))
            _delete_files_on_commit([name])

    def _mark_committed(self):
        self.committed = True

    def _undo(self, *, rolled_back: bool):
        if self.committed:
            return  # an on-commit callback failed after the commit: everything stays
        if rolled_back:
            names = [name for _model, _field, name in self.stored]
        else:
            names = self._unreferenced(self.stored + self.replaced)
        for name in names:
            default_storage.delete(name)

    def _unreferenced(self, files) -> list[str]:
        """The names no row points at, or none at all when the database cannot say."""
        for _check in range(self.CHECKS):
            try:
                return [
                    name
                    for model, field, name in files
                    if not model._default_manager.filter(**{field: name}).exists()
                ]
            except DatabaseError:
                connection = transaction.get_connection()
                if connection.in_atomic_block:
                    break
                connection.close()  # cut: the next query opens a new connection
        return []


def add_stills(*, project: Project, by, uploads, caption: str = "") -> list[Still]:
    """Store checked stills (see check_image) and queue their versions. The whole upload
    is refused when it would take the project over the call's maximum."""
    with _FilesKeptOnCommit() as files:
        project = _lock_editable(project, by)
        present = project.stills.count()
        maximum = project.call.max_stills
        if present + len(uploads) > maximum:
            raise ValidationError(
                _(
                    "The call accepts at most %(maximum)s stills; this project has "
                    "%(present)s and you sent %(sent)s."
                ),
                code="too_many_stills",
                params={"maximum": maximum, "present": present, "sent": len(uploads)},
            )
        last = project.stills.order_by("-position").values_list("position", flat=True).first()
        position = -1 if last is None else last
        stills = []
        for upload, (width, height, image_format) in uploads:
            position += 1
            upload.name = safe_name(upload, image_format)
            still = Still(
                project=project,
                original=upload,
                width=width,
                height=height,
                caption=caption,
                position=position,
            )
            still.full_clean()
            files.save(still.original, upload.name, upload)
            still.save()
            stills.append(still)
        for still in stills:
            transaction.on_commit(lambda pk=still.pk: task_process_still.delay(still_id=pk))
    return stills


@transaction.atomic
def delete_still(*, still: Still, by) -> None:
    _lock_editable(still.project, by)
    still = Still.objects.filter(pk=still.pk).first()
    if still is None:
        return
    names = [still.original.name, still.web.name, still.thumbnail.name, still.large.name]
    still.delete()
    _delete_files_on_commit(names)


def set_director_photo(*, director: Director, by, upload: UploadedFile) -> Director:
    """Store a checked photo (see check_image), re-encoded here without its metadata:
    one small image, so the producer waits a moment rather than a worker, and the
    original with its EXIF and GPS data is never stored."""
    with _FilesKeptOnCommit() as files:
        _lock_editable(director.project, by)
        director = Director.objects.select_for_update().get(pk=director.pk)
        files.replace(Director, "photo", director.photo.name)
        files.save(director.photo, "photo.jpg", ContentFile(encode_photo(upload)))
        director.save(update_fields=["photo"])
    return director


def save_document(*, project: Project, by, kind: str, upload: UploadedFile) -> Document:
    """Store a checked PDF (see check_pdf). Uploading a kind again replaces it."""
    with _FilesKeptOnCommit() as files:
        project = _lock_editable(project, by)
        document = Document.objects.select_for_update().filter(project=project, kind=kind).first()
        if document:
            files.replace(Document, "file", document.file.name)
        document = document or Document(project=project, kind=kind)
        document.original_name = _display_name(upload.name, limit=200)
        document.size = upload.size
        document.file = upload
        document.full_clean()
        files.save(document.file, upload.name, upload)
        document.save()
    return document


@transaction.atomic
def delete_document(*, document: Document, by) -> None:
    _lock_editable(document.project, by)
    document = Document.objects.filter(pk=document.pk).first()
    if document is None:
        return
    name = document.file.name
    document.delete()
    _delete_files_on_commit([name])


def _display_name(name: str, *, limit: int) -> str:
    """The name the producer gave the file, kept only to show and to download it as."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "document.pdf"
    name = "".join(char for char in name if char.isprintable() and char not in '"')
    if not name.lower().endswith(".pdf"):
        name = f"{name}.pdf"
    return name[-limit:]

"""Hostile files posted to every upload form: renamed, truncated, bomb and polyglot images
and documents, empty and zero-sized files, odd colour modes, oversized metadata, names
that climb out of folders or hide their extension. Each is refused with a message by
the field and nothing is stored, or it is a real image (or PDF) and what is stored is
safe: inside MEDIA_ROOT, under a name of the portal's, its extension matching what is
in it."""

import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from . import corpus, posting
from .test_forms import assert_fine

FILES = corpus.hostile_files()
# Upload endpoint -> (what it takes, its file field).
UPLOADS = {
    "submissions:still_upload": ("image", "images"),
    "submissions:director_photo": ("image", "photo"),
    "submissions:document_upload": ("pdf", "file"),
    "editions:staff_programme_edit": ("image", "logo"),
}


def test_every_form_with_a_file_field_is_here(portal):
    with_files = {endpoint for endpoint, specs in portal.forms.items() if specs[0].form.has_files}
    # Creating a programme is the same form as editing one.
    assert with_files == {*UPLOADS, "editions:staff_programme_create"}


def test_the_corpus_is_what_it_says():
    by_label = {f.label: f for f in FILES}
    bomb = by_label["decompression bomb png (100000 x 100000 declared)"]
    assert len(bomb.content) < 1000
    # Its header declares ten gigapixels (Pillow refuses to open it at all).
    assert struct.unpack(">II", bomb.content[16:24]) == (100_000, 100_000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb.content))
    assert by_label["pdf renamed .jpg"].content.startswith(b"%PDF-")
    assert by_label["jpeg renamed .pdf"].content.startswith(b"\xff\xd8")
    assert b"PK\x03\x04" in by_label["jpeg + zip polyglot"].content
    assert by_label["empty file"].content == b""
    assert len(by_label["huge icc jpeg"].content) > 2 * 1024 * 1024


def _stored_safely(kind, root, new_files):
    problems = []
    for name in new_files:
        path = Path(root, name)
        if ".." in Path(name).parts or "\x00" in name or "passwd" in name:
            problems.append(f"stored under a name taken from the upload: {name}")
        if kind == "pdf":
            if path.suffix != ".pdf" or not path.read_bytes().startswith(b"%PDF-"):
                problems.append(f"not a PDF, or not named .pdf: {name}")
            continue
        try:
            with Image.open(path) as image:
                real = image.format
        except Exception as error:  # noqa: BLE001 - anything unreadable is a problem
            problems.append(f"stored image that does not open: {name} ({error})")
            continue
        expected = {"JPEG": {".jpg"}, "PNG": {".png"}, "WEBP": {".webp"}, "TIFF": {".tif"}}
        if path.suffix not in expected.get(real, set()):
            problems.append(f"a {real} stored as {name}")
    return problems


@pytest.mark.filterwarnings("default::UserWarning:PIL")  # Pillow's warnings, as in production
@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
@pytest.mark.parametrize("hostile", FILES, ids=[f.label for f in FILES])
def test_hostile_file(endpoint, hostile, portal):
    kind, field_name = UPLOADS[endpoint]
    spec = portal.forms[endpoint][0]
    payload = spec.form.initial()
    payload.pop(field_name, None)
    if field_name == "logo":
        payload.pop("logo-clear", None)
    before = posting.media_files(portal.media_root)
    outcome = posting.submit(portal, spec, payload, files={field_name: [hostile.upload()]})
    posting.FIGURES["hostile files tried"] += 1
    assert_fine(outcome)
    if kind not in hostile.acceptable_as:
        assert outcome.kind == "refused", f"{hostile.label} was {outcome.kind} by {endpoint}"
        assert outcome.status == 200, "refused at the field, on the form's page"
    else:
        assert outcome.kind in {"refused", "accepted"}
        new = set(posting.media_files(portal.media_root)) - set(before)
        assert not _stored_safely(kind, portal.media_root, new)

"""Bodies over the limits: an upload larger than its form allows comes back as the form
with a message (413) before a byte of it is read; a file over its own limit is refused
at its field. Bodies that Django itself refuses before any view (text over
DATA_UPLOAD_MAX_MEMORY_SIZE, more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields or
DATA_UPLOAD_MAX_NUMBER_FILES files, a form body in another charset than UTF-8) are never a
500, store nothing and get the portal's 400 page with a message."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions import uploads

from . import corpus, posting
from .test_forms import assert_fine

MB = 1024 * 1024
# The upload forms that check the request's declared size, and their limit.
DECLARED_LIMITS = {
    "submissions:still_upload": None,  # depends on the free places: read from the project
    "submissions:director_photo": uploads.STILL_MAX_BYTES + uploads.REQUEST_OVERHEAD_BYTES,
    "submissions:document_upload": uploads.DOCUMENT_MAX_BYTES + uploads.REQUEST_OVERHEAD_BYTES,
}


def _spec(portal, endpoint, role="producer"):
    return next(spec for spec in portal.forms[endpoint] if spec.role == role)


@pytest.mark.parametrize("endpoint", sorted(DECLARED_LIMITS))
def test_upload_over_the_request_limit_gets_the_form_with_a_message(endpoint, portal):
    spec = _spec(portal, endpoint)
    limit = DECLARED_LIMITS[endpoint] or uploads.request_limit_for_stills(portal.draft)
    payload = spec.form.initial()
    # The length is declared, as a browser does, before the body: the view answers from
    # it. Were the body read, the test client would fail (it holds far less).
    outcome = posting.submit(
        portal,
        spec,
        payload,
        files={"_": [SimpleUploadedFile("a.jpg", b"x")]},
        extra={"CONTENT_LENGTH": str(limit + 1)},
    )
    posting.FIGURES["hostile files tried"] += 1
    assert_fine(outcome)
    assert outcome.status == 413
    assert "at most" in " ".join(posting.pages.errors_of(outcome.html))


@pytest.mark.parametrize(
    "endpoint, field, size",
    [
        ("submissions:document_upload", "file", uploads.DOCUMENT_MAX_BYTES + 1),
        ("submissions:director_photo", "photo", uploads.STILL_MAX_BYTES + 1),
    ],
)
def test_file_over_its_limit_is_refused_at_its_field(endpoint, field, size, portal):
    spec = _spec(portal, endpoint)
    content = corpus.PDF[:-6] + b"\0" * (size - len(corpus.PDF)) + b"%%EOF\n"
    outcome = posting.submit(
        portal,
        spec,
        spec.form.initial(),
        files={field: [SimpleUploadedFile("big.pdf", content, "application/pdf")]},
    )
    posting.FIGURES["hostile files tried"] += 1
    assert_fine(outcome)
    assert outcome.kind == "refused"
    assert "the limit is" in " ".join(posting.pages.errors_of(outcome.html))


def _too_much_text(spec):
    payload = spec.form.initial()
    payload["logline"] = ["x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)]
    return {"files": None, "data": payload}


def _too_many_fields(spec):
    payload = spec.form.initial()
    for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1):
        payload[f"junk{n}"] = ["1"]
    return {"files": None, "data": payload}


def _too_many_files(spec):
    files = [
        SimpleUploadedFile(f"s{n}.jpg", b"x", "image/jpeg")
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    return {"files": {"images": files}, "data": spec.form.initial()}


# What Django refuses before any view: (endpoint whose form is posted, how).
REFUSED_BY_DJANGO = {
    "text over DATA_UPLOAD_MAX_MEMORY_SIZE": ("submissions:step", _too_much_text),
    "more than DATA_UPLOAD_MAX_NUMBER_FIELDS": ("submissions:step", _too_many_fields),
    "more than DATA_UPLOAD_MAX_NUMBER_FILES": ("submissions:still_upload", _too_many_files),
}


def _post_refused_by_django(portal, how):
    endpoint, build = REFUSED_BY_DJANGO[how]
    spec = _spec(portal, endpoint)
    request = build(spec)
    data = request.pop("data")
    return posting.submit(portal, spec, data, raw_400=True, **request)


@pytest.mark.parametrize("how", sorted(REFUSED_BY_DJANGO))
def test_body_refused_by_django_is_no_500_and_stores_nothing(how, portal):
    outcome = _post_refused_by_django(portal, how)
    posting.FIGURES["inputs tried"] += 1
    assert_fine(outcome)
    assert outcome.status == 400
    assert outcome.kind == "refused"


@pytest.mark.parametrize("how", sorted(REFUSED_BY_DJANGO))
def test_body_refused_by_django_gets_the_portals_page_with_a_message(how, portal):
    outcome = _post_refused_by_django(portal, how)
    assert "portal-navbar" in outcome.html
    assert posting.pages.errors_of(outcome.html)


@pytest.mark.parametrize("charset, codec", corpus.REFUSED_CHARSETS)
def test_form_body_in_another_charset_is_no_500(charset, codec, portal):
    spec = _spec(portal, "submissions:step")
    payload = spec.form.initial()
    payload["original_title"] = ["Película en español"]
    payload["csrfmiddlewaretoken"] = [posting.CSRF_SECRET]
    outcome = posting.submit(
        portal,
        spec,
        payload,
        body=corpus.encode_body(payload, charset, codec),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert outcome.status == 400
    assert "portal-navbar" in outcome.html
    assert posting.pages.errors_of(outcome.html)

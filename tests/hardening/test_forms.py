"""Every POST endpoint of the portal, posted hostile input through the form a person sees
(its real field names, read from the page): never a 500, always a message, never a
partial save, what was typed kept, and nothing typed reaching a page unescaped. The same
form posted by another person, or by someone signed out, is refused and changes nothing.
"""

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from accounts.tests.factories import PASSWORD

from . import corpus, posting

ENDPOINTS = posting.post_endpoints()
# Bodies stay under DATA_UPLOAD_MAX_MEMORY_SIZE here; test_limits goes over it.
MAX_BODY = 4 * 1024 * 1024


def specs_of(portal, endpoint):
    specs = portal.forms.get(endpoint)
    if not specs:
        pytest.fail(
            f"{endpoint} takes a POST but no page of the world shows a form for it: add the "
            "page to tests/hardening/world.py"
        )
    return specs


def foreign_ids(portal) -> st.SearchStrategy[str]:
    """Primary keys of objects of other people and of the other programme."""
    return st.sampled_from(portal.foreign_ids)


EMAILS = ["a@b", "x@example.org", f"{corpus.SCRIPT}@example.org", "a@b.c" * 60, "@", "x@[::1]"]
URLS = [
    "javascript:alert(1)",
    "http://",
    "https://evil.example/<script>",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example",
    "ftp://x",
]


def value_strategy(portal, f) -> st.SearchStrategy:
    """What a client may send for a field (a list of values: a field may repeat)."""
    keep = st.just(f.value)
    year = portal.edition.year
    junk = st.one_of(corpus.text(), corpus.number(), foreign_ids(portal))
    one = None
    if f.kind == "hidden":
        one = st.one_of(keep, keep, corpus.number(), corpus.text(), foreign_ids(portal))
    elif f.kind in {"text", "textarea", "search", "tel"}:
        one = st.one_of(keep, corpus.text())
    elif f.kind == "email":
        one = st.one_of(keep, corpus.text(), st.sampled_from(EMAILS))
    elif f.kind == "url":
        one = st.one_of(keep, corpus.text(), st.sampled_from(URLS))
    elif f.kind == "number":
        one = st.one_of(keep, corpus.number())
    elif f.kind == "date":
        one = st.one_of(keep, corpus.dates())
    elif f.kind in {"datetime-local", "time"}:
        one = st.one_of(keep, corpus.date_times(year))
    elif f.kind == "password":
        one = st.one_of(st.just(PASSWORD), st.just(""), corpus.text())
    if one is not None:
        return one.map(lambda value: [value])
    if f.kind in {"select", "radio"}:
        options = st.sampled_from(f.options) if f.options else junk
        return st.one_of(options.map(lambda v: [v]), junk.map(lambda v: [v]), st.just([]))
    if f.kind in {"select-multiple", "checkbox"}:
        options = st.lists(st.sampled_from(f.options), unique=True) if f.options else st.just([])
        return st.one_of(options, st.lists(junk, max_size=3))
    return st.just([])  # file inputs: test_files posts those


def draw_payload(data, portal, spec):
    """The form's fields, each kept as the page gave it or replaced with hostile input,
    a submit button, and perhaps fields the form does not have. Returns the payload and
    the values typed into text fields (to find in the form if it comes back)."""
    payload = spec.form.initial()
    typed, tampered = {}, False
    for name, f in spec.form.fields.items():
        if f.disabled or f.kind == "file" or name == "csrfmiddlewaretoken":
            continue
        values = data.draw(value_strategy(portal, f), label=name)
        if values:
            payload[name] = values
        else:
            payload.pop(name, None)
        if f.kind == "hidden" and values != [f.value]:
            tampered = True
        if f.typed and f.kind != "password" and values:
            typed[name] = values[0]
    if spec.form.buttons:
        button = data.draw(st.sampled_from([None, *spec.form.buttons]), label="button")
        if button:
            payload[button[0]] = [button[1]]
    for name, value in data.draw(corpus.extra_fields(), label="extra fields").items():
        if name not in spec.form.fields:
            payload[name] = [value]
            tampered = True
    _fit(payload, typed)
    return payload, ({} if tampered else typed)


def _fit(payload, typed, limit=MAX_BODY):
    """Cut the longest values until the body fits under the limit tested elsewhere."""
    while sum(len(v.encode()) for values in payload.values() for v in values) > limit:
        name = max(payload, key=lambda n: max((len(v) for v in payload[n]), default=0))
        payload[name] = [v[: len(v) // 2] for v in payload[name]]
        if name in typed:
            typed[name] = payload[name][0]


def distinct(specs, most=3):
    """One form of each set of fields (the three steps of an application, not the nine
    phase buttons of three rounds)."""
    kept, seen = [], set()
    for spec in specs:
        fields = frozenset(spec.form.fields)
        if fields not in seen and len(kept) < most:
            seen.add(fields)
            kept.append(spec)
    return kept


def all_script(spec):
    """Every text field holding the script marker, the rest as the page gave it."""
    payload = spec.form.initial()
    typed = {}
    for name, f in spec.form.fields.items():
        if f.typed and f.kind not in {"password", "number", "date", "datetime-local"}:
            payload[name] = [corpus.SCRIPT]
            typed[name] = corpus.SCRIPT
    if spec.form.buttons:
        payload.setdefault(spec.form.buttons[-1][0], [spec.form.buttons[-1][1]])
    return payload, typed


def assert_fine(outcome):
    assert not outcome.problems, (
        f"{outcome.endpoint} as {outcome.role} at {outcome.url} ({outcome.status}, "
        f"{outcome.kind}):\n" + "\n".join(outcome.problems)
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_input(endpoint, portal):
    specs = specs_of(portal, endpoint)
    posting.FIGURES["forms covered"] += 1

    for spec in distinct(specs):
        payload, typed = all_script(spec)
        outcome = posting.submit(portal, spec, payload, typed=typed)
        posting.FIGURES["inputs tried"] += 1
        assert_fine(outcome)

    buttons_only = endpoint in posting.BUTTON_ONLY
    profile = corpus.BUTTON_PROFILE if buttons_only else corpus.PROFILE

    @profile
    @given(data=st.data())
    def post_hostile(data):
        index = data.draw(st.integers(0, len(specs) - 1), label="form")
        spec = specs[index]
        note(f"the form of {spec.form.page} as {spec.role}")
        payload, typed = draw_payload(data, portal, spec)
        body = content_type = None
        if not spec.form.has_files:
            encoding = data.draw(
                st.one_of(st.none(), st.none(), st.sampled_from(corpus.ENCODINGS)),
                label="encoding",
            )
            if encoding is not None:
                charset, codec = encoding
                # Percent-encoded UTF-16 is up to 12 bytes a character.
                _fit(payload, typed, limit=MAX_BODY // 12)
                payload["csrfmiddlewaretoken"] = [posting.CSRF_SECRET]
                body = corpus.encode_body(payload, charset, codec)
                content_type = f"application/x-www-form-urlencoded; charset={charset}"
                typed = {}
        outcome = posting.submit(
            portal,
            spec,
            payload,
            body=body,
            content_type=content_type,
            typed=typed,
        )
        posting.FIGURES["inputs tried"] += 1
        assert_fine(outcome)

    post_hostile()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_someone_else_posting_is_refused(endpoint, portal):
    """The form of one person, posted by another of the same role and by someone signed
    out: refused, and nothing changes."""
    for spec in specs_of(portal, endpoint)[:1]:
        if not posting.has_object_in_address(spec):
            continue
        payload, _typed = all_script(spec)
        others = {posting.OTHER_PERSON.get(spec.role), "anonymous"} - {None, spec.role}
        for role in sorted(others - posting.CROSS_ALLOWED.get(endpoint, set())):
            outcome = posting.submit(portal, spec, payload, role=role, expect_refusal=True)
            posting.FIGURES["inputs tried"] += 1
            assert_fine(outcome)

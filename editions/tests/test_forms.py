import datetime as dt

import pytest
from django.utils import timezone
from PIL import Image, PngImagePlugin

from editions.forms import (
    LOGO_MAX_BYTES,
    CallForm,
    EditionForm,
    ProgrammeForm,
    SessionForm,
    clean_logo_upload,
    time_zone_choices,
)
from editions.models import Call, Edition, Session
from editions.tests.factories import EditionFactory
from editions.tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db


def programme_data(**overrides):
    data = {
        "name": "Primer Corte",
        "slug": "primer-corte",
        "organisers": "FICCI",
        "description": "Colombian works in progress.",
        "website": "",
        "team_emails": "",
    }
    data.update(overrides)
    return data


def logo_errors(content, name="logo.png", content_type="image/png", *, editor):
    form = ProgrammeForm(
        data=programme_data(),
        files={"logo": upload(name, content, content_type)},
        editor=editor,
    )
    assert not form.is_valid()
    return form.errors["logo"]


# --- Logo ---------------------------------------------------------------------------------


def test_logo_png_is_reencoded_without_metadata():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 43.6N 1.4E")
    content = image_bytes("PNG", size=(64, 32), mode="RGBA", pnginfo=info)

    cleaned = clean_logo_upload(upload("my logo.png", content))

    assert cleaned.name == "logo.png"
    data = cleaned.read()
    assert b"GPS 43.6N" not in data
    cleaned.seek(0)
    with Image.open(cleaned) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (64, 32), "RGBA")


def test_logo_webp_is_accepted_and_stored_as_png():
    cleaned = clean_logo_upload(upload("logo.webp", image_bytes("WEBP"), "image/webp"))

    with Image.open(cleaned) as image:
        assert image.format == "PNG"


def test_logo_refuses_other_formats(superuser):
    errors = logo_errors(image_bytes("GIF"), "logo.gif", "image/gif", editor=superuser)

    assert errors == ["Upload a PNG, JPEG or WebP image."]


def test_logo_refuses_a_file_that_is_not_an_image(superuser):
    errors = logo_errors(b"%PDF-1.4 not an image", "logo.png", editor=superuser)

    assert errors == [
        "This file is not an image, or it is damaged. Upload a PNG, JPEG or WebP image."
    ]


def test_logo_refuses_a_truncated_image(superuser):
    errors = logo_errors(image_bytes("PNG", size=(200, 200))[:120], editor=superuser)

    assert errors == [
        "This file is not an image, or it is damaged. Upload a PNG, JPEG or WebP image."
    ]


def test_logo_refuses_more_than_5_mb(superuser):
    content = image_bytes() + b"\0" * LOGO_MAX_BYTES

    errors = logo_errors(content, editor=superuser)

    assert errors == ["This file is 5.0\xa0MB; a logo may be at most 5.0\xa0MB."]


def test_logo_refuses_more_than_4000_pixels_a_side(superuser):
    errors = logo_errors(image_bytes("PNG", size=(4001, 10), mode="1"), editor=superuser)

    assert errors == [
        "This image is 4001 × 10 pixels; a logo may be at most 4000 × 4000.",
    ]


def test_logo_refuses_decompression_bombs(superuser, monkeypatch):
    content = image_bytes("PNG", size=(100, 100))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 3000)  # 100 × 100 is then a "bomb"

    errors = logo_errors(content, editor=superuser)

    assert errors == ["This image is too large to be opened safely."]


def test_logo_refuses_pillow_bomb_warning_zone(superuser, monkeypatch):
    content = image_bytes("PNG", size=(100, 100))
    # Between the limit and twice the limit Pillow only warns: still refused.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 6000)

    errors = logo_errors(content, editor=superuser)

    assert errors == ["This image is too large to be opened safely."]


# --- Team ----------------------------------------------------------------------------------


def test_team_emails_are_matched_case_insensitively(superuser, staff, producer):
    form = ProgrammeForm(
        data=programme_data(team_emails="Staff@Example.org;\n producer@example.org, "),
        editor=superuser,
    )

    assert form.is_valid(), form.errors
    assert set(form.team) == {staff, producer}


def test_team_emails_refuses_what_is_not_an_email(superuser):
    form = ProgrammeForm(data=programme_data(team_emails="not-an-email"), editor=superuser)

    assert form.errors["team_emails"] == ["Not an email address: not-an-email."]


def test_team_emails_refuses_removing_oneself(staff, programme, producer):
    form = ProgrammeForm(
        instance=programme,
        data=programme_data(team_emails="producer@example.org"),
        editor=staff,
    )

    assert form.errors["team_emails"] == [
        "You cannot remove yourself from the team: ask another team member or an administrator."
    ]


def test_programme_form_hides_slug_when_editing(staff, programme):
    form = ProgrammeForm(instance=programme, editor=staff)

    assert "slug" not in form.fields
    assert form["team_emails"].initial == "staff@example.org"


# --- Editions ------------------------------------------------------------------------------


def edition_form(programme, instance=None, **overrides):
    data = {
        "number": "50",
        "year": "2027",
        "slug": "2027",
        "title": "",
        "time_zone": "Europe/Paris",
        "starts_on": "2027-03-20",
        "ends_on": "2027-03-28",
    }
    data.update(overrides)
    return EditionForm(data=data, instance=instance or Edition(programme=programme))


def test_edition_form_refuses_a_duplicate_number(programme):
    EditionFactory(programme=programme, number=50, slug="old")

    form = edition_form(programme)

    assert form.errors == {"number": ["This programme already has an edition number 50."]}


def test_edition_form_allows_the_edition_its_own_slug(programme, edition):
    form = edition_form(programme, instance=edition, slug=edition.slug, number=edition.number)

    assert form.is_valid(), form.errors


def test_time_zone_choices_are_grouped_by_region():
    choices = dict(time_zone_choices()[1:])

    assert ("America/Lima", "America/Lima") in choices["America"]
    assert ("Europe/Paris", "Europe/Paris") in choices["Europe"]


# --- Sessions ----------------------------------------------------------------------------


def test_session_form_limits_the_date_pickers_to_the_edition(edition):
    form = SessionForm(instance=Session(edition=edition))

    widget = form.fields["starts_on"].widget
    assert widget.attrs["min"] == edition.starts_on.isoformat()
    assert widget.attrs["max"] == edition.ends_on.isoformat()
    assert widget.input_type == "date"


# --- Calls ---------------------------------------------------------------------------------


def call_form(edition, **overrides):
    data = {
        "title": "Call",
        "opens_at": "2027-09-01T10:00",
        "closes_at": "2027-10-31T23:59",
        "eligible_countries": ["MX", "AR"],
        "majority_from_eligible_countries": "on",
        "max_share_outside": "100",
        "min_eligible_countries": "1",
        "minimum_runtime": "60",
        "accepted_stages": ["fine_cut", "rough_cut", "fine_cut"],
        "required_materials": ["screener"],
        "max_stills": "6",
    }
    data.update(overrides)
    return CallForm(data=data, instance=Call(edition=edition))


def test_call_form_keeps_each_choice_once_in_order(edition):
    form = call_form(edition)

    with timezone.override(edition.tz):
        assert form.is_valid(), form.errors
    assert form.cleaned_data["accepted_stages"] == ["rough_cut", "fine_cut"]
    assert form.cleaned_data["eligible_countries"] == ["AR", "MX"]


def test_call_form_refuses_an_unknown_stage(edition):
    form = call_form(edition, accepted_stages=["finished"])

    with timezone.override(edition.tz):
        assert form.errors["accepted_stages"] == ["“finished” is not one of the choices."]


def test_call_form_refuses_a_time_that_happens_twice(edition):
    # Europe/Paris goes back from 03:00 to 02:00 on the last Sunday of October.
    form = call_form(edition, closes_at="2027-10-31T02:30")

    with timezone.override(edition.tz):
        errors = form.errors["closes_at"]
    assert errors == [
        "2027-10-31 02:30 happens twice in Europe/Paris, because the clocks go back at that "
        "moment. Choose another time."
    ]


def test_call_form_reads_times_in_the_current_time_zone(programme):
    edition = EditionFactory(programme=programme, time_zone="Asia/Tokyo")
    form = call_form(edition, closes_at="2027-10-31T09:00")

    with timezone.override(edition.tz):
        assert form.is_valid(), form.errors
    assert form.cleaned_data["closes_at"] == dt.datetime(2027, 10, 31, 0, 0, tzinfo=dt.UTC)


def test_call_form_groups_countries_latin_america_first(edition):
    form = call_form(edition)

    groups = form.country_groups()
    assert [str(group["label"]) for group in groups] == [
        "Latin America and the Caribbean",
        "Europe",
        "Rest of the world",
    ]
    latin = [box.data["value"] for box in groups[0]["boxes"]]
    assert {"AR", "MX", "PE", "BR", "CU"} <= set(latin)
    assert "ES" not in latin
    assert groups[0]["ticked"] == 2
    assert sum(len(group["boxes"]) for group in groups) == len(
        form.fields["eligible_countries"].choices[0][1]
        + form.fields["eligible_countries"].choices[1][1]
        + form.fields["eligible_countries"].choices[2][1]
    )

"""Hostile input found by tests/hardening, fixed in the forms and validators: refused
with a message by the field, never an exception."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from submissions.forms.materials import CutForm
from submissions.forms.producer import CompanyFormSet, DirectorFormSet, PostProductionFormSet
from submissions.models import Cut
from submissions.tests.factories import ProjectFactory
from submissions.validators import validate_https_url

pytestmark = pytest.mark.django_db

# Links Django's URLField lets through that urlsplit() cannot read ("Invalid IPv6 URL").
UNREADABLE_LINKS = ["https://[vimeo.com/123", "x[y", "a b[c"]


@pytest.mark.parametrize("value", ["https://[x", "https://a b[c", "https://["])
def test_https_url_that_urlsplit_cannot_read_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        validate_https_url(value)
    assert refused.value.code == "https_required"


@pytest.mark.parametrize("link", UNREADABLE_LINKS)
def test_cut_form_refuses_a_screener_link_urlsplit_cannot_read(link):
    form = CutForm(
        data={
            "stage": "rough_cut",
            "runtime": "92",
            "cut_date": "2026-03-14",
            "subtitles": "en",
            "screener_url": link,
        },
        instance=Cut(project=ProjectFactory()),
    )

    assert not form.is_valid()
    assert "Enter a secure link starting with https://." in form.errors["screener_url"]


def test_cut_page_refuses_such_a_link_keeping_the_form(call, producer_client, producer):
    project = ProjectFactory(call=call, owner=producer)

    response = producer_client.post(
        reverse("submissions:cut_add", kwargs={"pk": project.pk}),
        {
            "stage": "rough_cut",
            "runtime": "92",
            "cut_date": "2026-03-14",
            "subtitles": "en",
            "screener_url": "https://[vimeo.com/123",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "Enter a secure link starting with https://." in form.errors["screener_url"]
    assert form["screener_url"].value() == "https://[vimeo.com/123"
    assert not project.cuts.exists()


@pytest.mark.parametrize(
    "formset_class, prefix, most",
    [
        (CompanyFormSet, "companies", 20),
        (DirectorFormSet, "directors", 10),
        (PostProductionFormSet, "post_production", 20),
    ],
)
def test_formset_with_a_tampered_total_builds_no_more_rows_than_allowed(
    formset_class, prefix, most
):
    """TOTAL_FORMS is a hidden field anyone can change: 100000 rows asked for must not
    become a thousand rows built, validated and rendered (Django's default cap)."""
    formset = formset_class(
        data={
            f"{prefix}-TOTAL_FORMS": "100000",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        },
        instance=ProjectFactory(),
        prefix=prefix,
    )

    assert not formset.is_valid()
    assert len(formset.forms) == most
    assert formset.non_form_errors() == [f"Please submit at most {most} forms."]


def test_team_step_with_a_tampered_total_is_refused_quickly_with_a_message(
    call, producer_client, producer
):
    project = ProjectFactory(call=call, owner=producer)

    response = producer_client.post(
        reverse("submissions:step", kwargs={"pk": project.pk, "step": "team"}),
        {
            "companies-TOTAL_FORMS": "65536",
            "companies-INITIAL_FORMS": "0",
            "directors-TOTAL_FORMS": "0",
            "directors-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Please submit at most 20 forms." in page
    rows = set(re.findall(r'name="companies-(\d+)-name"', page))
    assert len(rows) == 20
    assert not project.companies.exists()

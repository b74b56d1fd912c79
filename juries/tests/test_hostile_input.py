"""Hostile input found by tests/hardening, fixed in the forms: refused with a message by
the field, never an exception."""

import pytest
from django.urls import reverse

from juries.forms.juror import ReviewForm
from juries.forms.staff import AssignForm, RoundForm
from juries.models import Round
from juries.tests.factories import AssignmentFactory, CriterionFactory, RoundFactory

pytestmark = pytest.mark.django_db


def round_form(edition, reminder_days):
    return RoundForm(
        data={
            "name": "Final round",
            "kind": "final",
            "reviews_per_project": "3",
            "reminder_days": reminder_days,
        },
        instance=Round(edition=edition),
    )


@pytest.mark.parametrize("reminder_days", ["\u00b2", "7, \u00b2", "\u0663", "\uff17"])
def test_round_reminders_in_digits_int_cannot_read_or_not_ascii_are_refused(edition, reminder_days):
    form = round_form(edition, reminder_days)

    assert not form.is_valid()
    assert form.errors["reminder_days"] == [
        "Write whole numbers of days from 1 to 90, separated by commas."
    ]


def test_round_reminders_in_ascii_digits_are_kept(edition):
    form = round_form(edition, "7, 2")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["reminder_days"] == [7, 2]


def test_review_form_shows_a_criterion_description_as_text(edition):
    criterion = CriterionFactory(edition=edition, description='<script>alert("x")</script>')

    form = ReviewForm(criteria=[criterion], sessions=[])

    assert "<script>" not in str(form[f"score_{criterion.pk}"].help_text)
    assert "&lt;script&gt;" in str(form[f"score_{criterion.pk}"].help_text)


def test_review_page_escapes_what_staff_typed_in_a_criterion(client, edition):
    assignment = AssignmentFactory(round__edition=edition)
    CriterionFactory(
        edition=edition, name="Story", description='<script>alert("x")</script> & more'
    )
    client.force_login(assignment.member.user)

    response = client.get(reverse("juries:review", kwargs={"pk": assignment.pk}))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page


def test_assign_form_refuses_a_project_id_beyond_any_key(edition):
    round_ = RoundFactory(edition=edition)

    form = AssignForm({"member": "1", "project": "9" * 40}, round_=round_)

    assert not form.is_valid()
    assert "project" in form.errors


def test_assigning_a_project_id_beyond_any_key_goes_back_with_a_message(staff_client, edition):
    assignment = AssignmentFactory(round__edition=edition)

    response = staff_client.post(
        reverse("juries:staff_assign", kwargs={"pk": assignment.round.pk}),
        {"member": str(assignment.member.pk), "project": "9" * 40},
        follow=True,
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert assignment.round.assignments.count() == 1

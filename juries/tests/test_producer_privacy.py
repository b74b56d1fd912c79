"""Producers never see who reviewed their project, nor what jurors wrote or scored."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from juries.tests.factories import (
    JuryMemberFactory,
    ReviewFactory,
    ScoreFactory,
    submitted_project,
)

pytestmark = pytest.mark.django_db


def test_producer_pages_show_no_juror_name_note_or_score(client, producer, edition):
    member = JuryMemberFactory(edition=edition, user__full_name="Renata Revisora")
    review = ReviewFactory(
        assignment__round__edition=edition,
        assignment__member=member,
        assignment__project=submitted_project(call__edition=edition, owner=producer),
        note="A secret note for the jury only",
        producer_feedback="Feedback not released yet",
    )
    ScoreFactory(review=review, value=9, criterion__name="Artistic quality")
    client.force_login(producer)
    project = review.project
    for url in (
        reverse("submissions:dashboard"),
        reverse("submissions:project", kwargs={"pk": project.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert project.display_title in content, url
        for secret in (
            "Renata Revisora",
            "A secret note for the jury only",
            "Feedback not released yet",
            "Artistic quality",
        ):
            assert secret not in content, (url, secret)


def test_producers_get_nothing_from_the_jury_pages(client, producer, edition):
    review = ReviewFactory(
        assignment__round__edition=edition,
        assignment__project=submitted_project(call__edition=edition, owner=producer),
    )
    client.force_login(producer)
    assert (
        client.get(reverse("juries:review", kwargs={"pk": review.assignment.pk})).status_code == 404
    )
    assert (
        client.get(reverse("juries:staff_ranking", kwargs={"pk": review.round.pk})).status_code
        == 403
    )


def test_a_locked_selection_is_not_told_to_producers_by_their_pages(client, producer, edition):
    from editions.tests.factories import SessionFactory
    from juries import services

    staff_member = UserFactory()
    edition.programme.team.add(staff_member)
    session = SessionFactory(edition=edition, city="Lima")
    project = submitted_project(call__edition=edition, owner=producer, original_title="Mar")
    services.place_project(
        edition=edition, project=project, session=session, kind="selected", by=staff_member
    )
    services.lock_selection(edition=edition, by=staff_member)
    project.refresh_from_db()
    assert project.status == "selected"
    client.force_login(producer)
    content = client.get(reverse("submissions:project", kwargs={"pk": project.pk})).content.decode()
    assert "Under review" in content
    assert "Selected for Lima" not in content
    assert "Selected." not in content  # nor in the history

"""The jury's pages and mails in the person's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from juries.models import Phase
from juries.tests.factories import AssignmentFactory, CriterionFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected", "english"),
    [
        ("es", "Mis evaluaciones", "My reviews"),
        ("fr", "Mes évaluations", "My reviews"),
        ("pt", "Minhas avaliações", "My reviews"),
    ],
)
def test_jurors_home_in_each_language(client, juror, language, expected, english):
    client.force_login(juror)
    content = client.get(f"/{language}/jury/").content.decode()
    assert expected in content
    assert english not in content


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Criterios de puntuación"), ("fr", "Critères de notation"), ("pt", "Critérios")],
)
def test_staff_jury_page_in_each_language(client, staff, edition, language, expected):
    client.force_login(staff)
    with translation.override(language):
        url = reverse("juries:staff_jury", kwargs={"edition_pk": edition.pk})
    content = client.get(url).content.decode()
    assert expected in content
    assert "Scoring criteria" not in content


def test_review_page_in_spanish_shows_the_phase_and_form_in_spanish(client, edition):
    round_ = RoundFactory(edition=edition, phase=Phase.SCORING)
    CriterionFactory(edition=edition, name="Calidad artística")
    assignment = AssignmentFactory(round=round_)
    client.force_login(assignment.member.user)
    with translation.override("es"):
        url = reverse("juries:review", kwargs={"pk": assignment.pk})
    content = client.get(url).content.decode()
    assert "Puntuación a ciegas" in content
    assert "Calidad artística" in content
    assert "Blind scoring" not in content

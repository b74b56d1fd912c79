import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.tests.factories import EditionFactory
from juries.models import (
    Assignment,
    Conflict,
    ConflictStatus,
    Criterion,
    Interest,
    InterestLevel,
    JuryMember,
    Phase,
    Review,
    ReviewStatus,
    Round,
    RoundProject,
    Score,
)
from submissions.models import ProjectStatus
from submissions.tests.factories import ProjectFactory


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    scale_min = 1
    scale_max = 10
    position = factory.Sequence(lambda n: n)


class RoundFactory(factory.django.DjangoModelFactory):
    """A round in blind scoring with its assignments shown to jurors."""

    class Meta:
        model = Round
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Round {n + 1}")
    phase = Phase.SCORING
    assignments_published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class RoundProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundProject

    round = factory.SubFactory(RoundFactory)
    project = factory.SubFactory(ProjectFactory)


def submitted_project(**kwargs):
    kwargs.setdefault("status", ProjectStatus.UNDER_REVIEW)
    kwargs.setdefault("submitted_at", timezone.now())
    return ProjectFactory(**kwargs)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A juror assigned to a project in a round; the juror sits on the round and the
    project is in it."""

    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    member = factory.LazyAttribute(lambda o: JuryMemberFactory(edition=o.round.edition))
    project = factory.LazyAttribute(lambda o: submitted_project(call__edition=o.round.edition))

    @factory.post_generation
    def _in_round(self, create, extracted, **kwargs):
        if create:
            self.round.members.add(self.member)
            RoundProject.objects.get_or_create(round=self.round, project=self.project)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory)
    round = factory.LazyAttribute(lambda o: o.assignment.round)
    member = factory.LazyAttribute(lambda o: o.assignment.member)
    project = factory.LazyAttribute(lambda o: o.assignment.project)
    status = ReviewStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    recommendation = "select"


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.LazyAttribute(lambda o: CriterionFactory(edition=o.review.round.edition))
    value = 7


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    member = factory.SubFactory(JuryMemberFactory)
    project = factory.LazyAttribute(lambda o: submitted_project(call__edition=o.member.edition))
    status = ConflictStatus.DECLARED
    reason = "I co-produced the director's previous film."


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    member = factory.SubFactory(JuryMemberFactory)
    project = factory.LazyAttribute(lambda o: submitted_project(call__edition=o.member.edition))
    level = InterestLevel.INTERESTED

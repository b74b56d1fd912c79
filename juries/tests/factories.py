import factory

from accounts.tests.factories import UserFactory
from editions.tests.factories import EditionFactory
from juries.models import JuryMember


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)

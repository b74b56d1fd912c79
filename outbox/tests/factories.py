import factory

from outbox.models import Mail, MailStatus


class MailFactory(factory.django.DjangoModelFactory):
    """A pending mail, as queue_mail stores it, without dispatching it."""

    class Meta:
        model = Mail

    to = factory.Sequence(lambda n: f"recipient{n}@example.org")
    language = "en"
    kind = "test"
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body_text = "Hello."
    status = MailStatus.PENDING

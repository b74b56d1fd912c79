"""Email backends that fail the way real SMTP servers do, for the outbox's retry tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise self.error()

    def error(self):
        raise NotImplementedError


class DisconnectedBackend(FailingBackend):
    """The server hung up: try again later."""

    def error(self):
        return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class BusyBackend(FailingBackend):
    """421: the service is not available now; try again later."""

    def error(self):
        return smtplib.SMTPResponseException(421, b"4.3.2 Service not available, try later")


class RejectedBackend(FailingBackend):
    """550: the mailbox does not exist; trying again will not help."""

    def error(self):
        return smtplib.SMTPResponseException(550, b"5.1.1 No such user")


class RecipientsRefusedBackend(FailingBackend):
    def error(self):
        return smtplib.SMTPRecipientsRefused({"nobody@example.org": (550, b"5.1.1 No such user")})

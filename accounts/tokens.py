"""Signed, expiring tokens for the links the portal mails to people."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link that confirms an email address. It is valid PASSWORD_RESET_TIMEOUT seconds and
    stops working once the address is confirmed, or if the address or password changes."""

    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_confirmed}{user.password}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()

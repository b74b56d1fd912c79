import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def validate_https_url(value):
    """Screener links must be https: never http, javascript: or any other scheme."""
    try:
        parts = urlsplit(str(value).strip())
    except ValueError:  # e.g. "https://[x": an unclosed IPv6 address
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.netloc:
        raise ValidationError(
            _("Enter a secure link starting with https://."), code="https_required"
        )


def validate_phone(value):
    if not PHONE.match(value or ""):
        raise ValidationError(
            _("Enter a phone number with digits, spaces and an optional leading +."),
            code="invalid_phone",
        )

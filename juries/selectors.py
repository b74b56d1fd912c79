"""Reads that need more than one line."""


def is_juror(user) -> bool:
    """Whether this person sits on any jury (they then see "My reviews")."""
    if not user.is_authenticated:
        return False
    return user.jury_memberships.exists()

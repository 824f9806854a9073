"""Errors that carry a message meant for a person, as opposed to programming errors."""


class UserFacingError(Exception):
    """An expected failure whose message can be shown as it is (no traceback)."""

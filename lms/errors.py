"""Domain errors raised by services; views turn them into messages."""


class LmsError(Exception):
    """Base class of every error a service raises on purpose."""


class NotFound(LmsError):
    """The object does not exist, or the user may not know that it does."""


class Forbidden(LmsError):
    """The user may not do this."""


class InvalidInput(LmsError):
    """The input was refused; the message says why and `field` names the field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field

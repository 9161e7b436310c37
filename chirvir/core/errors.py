"""Domain errors: raised by services with a message meant for a person; interfaces map them to
their own forms (an HTTP status and {"error": ...}, a form error, an SMS reply)."""


class DomainError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class Invalid(DomainError):
    """The input breaks a rule (too long, bad username, wrong visibility...)."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists."""


class NotAllowed(DomainError):
    """The actor may see the thing but not do this to it."""


class Unauthorized(DomainError):
    """The caller's credentials are missing, unknown, or no longer valid (a revoked token)."""


class UnexpectedMentions(Invalid):
    """A post would reach accounts its author did not expect (Mastodon's `allowed_mentions`)."""

    def __init__(self, message, accounts):
        super().__init__(message)
        self.accounts = accounts
class TooMany(DomainError):
    """The actor did this too often for now (a posting limit); later it may again."""

"""The errors the core raises, so that every edge maps them in one place.

SoulmateError
├── InputError            bad input from a user: a file, a field, an argument
├── UnknownUserError      no profile stored for that user id
├── UnknownKeyError       no stored profile holds that recovery key
├── UnknownShareCodeError no stored profile holds that share code (mistyped, revoked, or its owner left)
├── StaleWriteError       a write older (``updated_at``) than the stored profile or the user's deletion
├── IndexNotReadyError    no match snapshot yet, and this process does not build one (the API on S3)
├── StoreError            the store could not be opened or used (bad URL, I/O)
│   ├── CorruptItemError  a stored item that is not a valid profile (names the user)
│   └── PartialWriteError a multi-item write failed and undoing it failed too (names who stayed)
└── SpotifyError          a call to the Spotify Web API failed
    ├── SpotifyAuthError      401: no token, or a token Spotify rejects or that expired
    ├── SpotifyForbiddenError 403: e.g. the user is not registered with a Development Mode app
    ├── SpotifyRateLimitError 429: ``retry_after`` says how many seconds to wait
    ├── SpotifyUnavailableError 5xx or a timeout
    └── SpotifyAnswerError      a 2xx answer that is not the documented shape (not JSON, wrong types)
"""

from __future__ import annotations


class SoulmateError(Exception):
    """Base of every error the core raises on purpose."""


class InputError(SoulmateError):
    """Bad input. ``where`` names the place, e.g. ``listens.csv:12``, when there is one."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)


class UnknownUserError(SoulmateError):
    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        super().__init__(f"unknown user: {user_id}")


class UnknownKeyError(SoulmateError):
    """No stored profile holds the recovery key given (or none was given). Names no key."""

    def __init__(self) -> None:
        super().__init__("no profile holds that recovery key")


class UnknownShareCodeError(SoulmateError):
    """No stored profile holds the share code given (or none was given). Names no code, and says
    the same whether the code never existed, was replaced, or its owner left."""

    def __init__(
        self, message: str = "no one shares that code: it may be mistyped, or replaced by a newer one"
    ) -> None:
        super().__init__(message)


class StaleWriteError(SoulmateError):
    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        super().__init__(f"a newer profile is already stored for {user_id}")


class IndexNotReadyError(SoulmateError):
    def __init__(self, message: str = "the match index is being built; try again shortly") -> None:
        super().__init__(message)


class StoreError(SoulmateError):
    pass


class CorruptItemError(StoreError):
    def __init__(self, user_id: str, reason: str) -> None:
        self.user_id = user_id
        self.reason = reason
        super().__init__(f"the stored profile of {user_id!r} is corrupt: {reason}")


class PartialWriteError(StoreError):
    """A multi-item write failed midway and its undo failed too: ``left`` are the user ids whose
    items this write still holds. Only stores that cannot write many items atomically raise it."""

    def __init__(self, reason: str, left: list[str]) -> None:
        self.reason = reason
        self.left = left
        shown = ", ".join(left[:20]) + (f" and {len(left) - 20} more" if len(left) > 20 else "")
        super().__init__(f"{reason}; undoing it failed, so {len(left)} profiles stay written: {shown}")


class SpotifyError(SoulmateError):
    pass


class SpotifyAuthError(SpotifyError):
    pass


class SpotifyForbiddenError(SpotifyError):
    pass


class SpotifyRateLimitError(SpotifyError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"Spotify rate limit reached; retry after {retry_after} s")


class SpotifyUnavailableError(SpotifyError):
    pass


class SpotifyAnswerError(SpotifyError):
    pass

"""One base error; every refusal carries its reason.

Each subclass maps to one RFC 9457 problem type at the HTTP door (``api/problems.py``)
and to one exit status in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input, located by an RFC 6901 JSON pointer."""

    pointer: str
    detail: str


class LimesError(Exception):
    """Base of every error Limes raises on purpose."""

    slug = "error"
    title = "Request failed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(LimesError):
    slug = "invalid-input"
    title = "The input is not valid"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class Unauthenticated(LimesError):
    slug = "unauthenticated"
    title = "No valid credentials"


class Forbidden(LimesError):
    slug = "forbidden"
    title = "Not allowed"


class ReadsBlocked(Forbidden):
    """The principal or its authority opened more distinct alerts than its bound; every
    alert read is refused until a DPO or operator of its state lifts the block."""

    slug = "reads-blocked"
    title = "Alert reads are blocked until the block is lifted"


class NotFound(LimesError):
    slug = "not-found"
    title = "No such resource"


class Gone(LimesError):
    slug = "gone"
    title = "The alert no longer holds data"


class Conflict(LimesError):
    slug = "conflict"
    title = "The request conflicts with existing data"


class VersionMismatch(LimesError):
    slug = "version-mismatch"
    title = "The alert has changed since it was read"


class PreconditionRequired(LimesError):
    slug = "precondition-required"
    title = "An If-Match header is required"


class Unavailable(LimesError):
    slug = "unavailable"
    title = "The service cannot answer this yet"


class Fenced(Unavailable):
    """This central server does not hold the current term: another was promoted
    (``store/central.py``, the fencing rule); writes go to the promoted one."""

    slug = "central-fenced"
    title = "This central server is fenced: another holds the current term"


class RateLimited(LimesError):
    slug = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

"""The refusal every biometric format parser raises: invalid input with its location."""

from __future__ import annotations

from limes.errors import FieldError, InvalidInput


class FormatProblem(InvalidInput):
    """A biometric record that breaks its standard, located where the fault was found.

    ``where`` is a byte offset for binary records (``/bytes/17``) or a record and field
    for tagged ones (``/records/2/fields/14.013``), as an RFC 6901 pointer.
    """

    def __init__(self, standard: str, where: str, detail: str) -> None:
        super().__init__(f"{standard}: {detail} (at {where})", [FieldError(where, detail)])
        self.standard = standard
        self.where = where


def at_byte(offset: int) -> str:
    """The pointer of a byte offset within a binary record."""
    return f"/bytes/{offset}"

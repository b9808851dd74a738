"""The one spelling of an identifier (``canonical``) and the refusal every check raises
(``IdentifierError``), with the diagnoses the checks share."""

from __future__ import annotations

import unicodedata


class IdentifierError(ValueError):
    """An identifier does not conform to its standard; the message says how."""


# --- canonical form -------------------------------------------------------------------

# Word processors put these dashes where '-' was typed, and NFKC leaves them alone, so
# they become '-' before separators are removed.
UNICODE_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def canonical(value: str) -> str:
    """Return the one spelling of an identifier that every check and index uses.

    Rule: Unicode NFKC (full-width and compatibility forms become ASCII), strip, remove
    spaces, dashes, dots and slashes, upper-case. Refused: a result that is empty, or
    that holds a control character or anything not ASCII. Idempotent.
    """
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(UNICODE_DASHES)
    # Four replaces beat one deleting translate() by about three times on short text.
    text = value.strip().replace(" ", "").replace("-", "").replace(".", "").replace("/", "")
    if text.isascii() and text.isprintable():
        if text:
            return text.upper()
        raise IdentifierError("identifier is empty")
    raise IdentifierError(unprintable(text))


def unprintable(text: str) -> str:
    for char in text:
        if not char.isascii() or not char.isprintable():
            category = unicodedata.category(char)
            if category == "Cc":
                return f"identifier contains control character U+{ord(char):04X}"
            if category.startswith("C"):  # format, surrogate, private use, unassigned
                return f"identifier contains invisible character U+{ord(char):04X}"
            return (
                f"identifier contains {char!r} (U+{ord(char):04X}); only ASCII letters, "
                "digits and separators are allowed"
            )
    raise AssertionError("unreachable: called only on text with such a character")


def alnum_problem(what: str, text: str, shortest: int, longest: int) -> str:
    """Explain why canonical `text` is not `shortest`..`longest` characters A-Z, 0-9."""
    if not shortest <= len(text) <= longest:
        if shortest == longest:
            return f"{what} must be {shortest} characters, got {len(text)}"
        return f"{what} must be {shortest} to {longest} characters, got {len(text)}"
    for position, char in enumerate(text, 1):
        if not ("A" <= char <= "Z" or "0" <= char <= "9"):
            return (
                f"{what} may only contain letters A-Z and digits; "
                f"position {position} holds {char!r}"
            )
    raise AssertionError("unreachable: called only on text with such a problem")

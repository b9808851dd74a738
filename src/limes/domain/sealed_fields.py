"""The field names sealed values are bound to: one list for the services and rotation.

A sealed value's associated data names its field (``fields.py``), so a value copied
into another field fails to open. The services seal under these names and key
rotation (``rotation.SEALED``) opens under them again: if the two spelled a name
differently, re-encryption would stop at the first row with ``IntegrityError``.
The values are stored inside every envelope's associated data; never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class SealedField(StrEnum):
    BODY = "body"  # an alert's content
    EXTENSIONS = "extensions"  # an alert's extensions of its review date
    MISUSED_IDENTITY = "misused_identity"
    HIT = "hit"  # a SIRENE hit report
    MESSAGE = "message"  # a SIRENE form's body
    ATTACHMENT = "attachment"  # a SIRENE form's attachment
    TOTP_SECRET = "totp_secret"  # noqa: S105 - the name of a user's second-factor field
    FINGERPRINT = "fingerprint"  # an ISO/IEC 19794-2 record of one finger enrolled on an alert
    SUBJECT_REQUEST = "subject_request"  # a data-subject request: applicant, documents
    SUBJECT_REPLY = "subject_reply"  # the reply sent to a data subject
    SUBJECT_EXTENSION = "subject_extension"  # the letter extending a reply's time limit
    EXTERNAL_IDENTITY = "external_identity"  # an identity ETIAS, EES or VIS submitted
    FACE = "face"  # a facial image and its template enrolled on an alert


class Reason(StrEnum):
    """The two reasons a flag and a break-glass grant carry (each its own column)."""

    REASON = "reason"
    DECISION_REASON = "decision_reason"


def flag_reason(state: str, reason: str) -> str:
    """The field a flag's ``reason`` is sealed under: one per flagging ``state``, as an
    alert holds one flag per state and a reason must not open as another state's."""
    return f"flag/{state}/{Reason(reason)}"


def breakglass_reason(reason: str) -> str:
    """The field a break-glass grant's ``reason`` is sealed under."""
    return f"breakglass/{Reason(reason)}"

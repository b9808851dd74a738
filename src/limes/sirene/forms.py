"""The standard SIRENE forms as typed messages on a case, and the checks they pass.

Letters follow the SIRENE Manual (Commission Implementing Decision (EU) 2021/1345):

* **G** hit notification: the executing state tells the issuing state of a hit;
* **H** hit, the action to be taken cannot be carried out;
* **A** European Arrest Warrant and extradition information;
* **F** flag: a request that the action not be carried out on a state's territory,
  and the issuing state's reply (grant or refuse);
* **J** request to rectify or delete data, sent to the issuing state;
* **Q** misused identity: information on a victim of identity misuse;
* **M** miscellaneous information.

Every message has a priority, the ISO 639-1 language it is written in, optionally the
message it replies to, and at most ``MAX_ATTACHMENTS`` attachments of an allowed media
type whose bytes must be that type, as a whole (``limes.sirene.attachments``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated, Literal

from annotated_types import MaxLen, MinLen
from pydantic import Field

from limes.domain.alerts import STRICT, LongText, Ref, Text
from limes.domain.validation import text_field
from limes.errors import FieldError, InvalidInput
from limes.sirene import attachments, checks
from limes.sirene.hits import Confirmation, NotTakenReason

MAX_ATTACHMENTS = 4
MAX_ATTACHMENT_BYTES = 128 * 1024
"""Decoded size of one attachment; the request body limit bounds them together."""


class Form(StrEnum):
    A = "A"
    F = "F"
    G = "G"
    H = "H"
    J = "J"
    M = "M"
    Q = "Q"


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    VERY_URGENT = "very_urgent"


@dataclass(frozen=True, slots=True)
class HitNotification:
    __pydantic_config__ = STRICT

    form: Literal["G"]
    hit_id: Ref
    confirmation: Confirmation = Confirmation.ROUTINE
    remarks: LongText | None = None


@dataclass(frozen=True, slots=True)
class ActionNotTaken:
    __pydantic_config__ = STRICT

    form: Literal["H"]
    hit_id: Ref
    reason: NotTakenReason
    explanation: LongText


@dataclass(frozen=True, slots=True)
class ArrestWarrantInformation:
    __pydantic_config__ = STRICT

    form: Literal["A"]
    warrant_reference: Ref
    judicial_authority: Text
    offences: Annotated[tuple[Text, ...], MinLen(1), MaxLen(20)]
    remarks: LongText | None = None


class FlagStep(StrEnum):
    REQUEST = "request"
    GRANT = "grant"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class FlagMessage:
    __pydantic_config__ = STRICT

    form: Literal["F"]
    step: FlagStep
    reason: LongText


class Correction(StrEnum):
    RECTIFY = "rectify"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class RectifyOrDelete:
    __pydantic_config__ = STRICT

    form: Literal["J"]
    request: Correction
    grounds: LongText
    fields: Annotated[tuple[Text, ...], MaxLen(20)] = ()


@dataclass(frozen=True, slots=True)
class MisusedIdentityInformation:
    __pydantic_config__ = STRICT

    form: Literal["Q"]
    information: LongText


@dataclass(frozen=True, slots=True)
class Miscellaneous:
    __pydantic_config__ = STRICT

    form: Literal["M"]
    text: LongText


FormBody = Annotated[
    HitNotification
    | ActionNotTaken
    | ArrestWarrantInformation
    | FlagMessage
    | RectifyOrDelete
    | MisusedIdentityInformation
    | Miscellaneous,
    Field(discriminator="form"),
]


@dataclass(frozen=True, slots=True)
class AttachmentIn:
    __pydantic_config__ = STRICT

    media_type: str
    content_base64: Annotated[str, MinLen(4), MaxLen(4 * (MAX_ATTACHMENT_BYTES // 3 + 1))]


@dataclass(frozen=True, slots=True)
class MessageIn:
    """A form to send on a case."""

    __pydantic_config__ = STRICT

    language: Annotated[str, MinLen(2), MaxLen(2)]
    body: FormBody
    priority: Priority = Priority.NORMAL
    reply_to: Ref | None = None
    attachments: Annotated[tuple[AttachmentIn, ...], MaxLen(MAX_ATTACHMENTS)] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A checked attachment: its bytes and the SHA-256 recorded with it."""

    media_type: str
    content: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class Message:
    """A checked form ready to be sealed: the body alone is stored as the sealed document."""

    language: str
    body: FormBody
    priority: Priority
    reply_to: str | None
    attachments: tuple[Attachment, ...]

    @property
    def form(self) -> Form:
        return Form(self.body.form)


_TEXT_FIELDS = (
    "remarks",
    "explanation",
    "judicial_authority",
    "reason",
    "grounds",
    "information",
    "text",
)


def checked_attachment(
    item: AttachmentIn, pointer: str, errors: list[FieldError]
) -> Attachment | None:
    """An attachment's media type, base64 and bytes checked (None, with its problem added)."""
    if item.media_type not in attachments.MEDIA_TYPES:
        allowed = ", ".join(attachments.MEDIA_TYPES)
        errors.append(FieldError(f"{pointer}/media_type", f"must be one of: {allowed}"))
        return None
    try:
        data = base64.b64decode(item.content_base64, validate=True)
    except (binascii.Error, ValueError):
        errors.append(FieldError(f"{pointer}/content_base64", "is not valid base64"))
        return None
    if not 1 <= len(data) <= MAX_ATTACHMENT_BYTES:
        detail = f"must hold 1 to {MAX_ATTACHMENT_BYTES} bytes, not {len(data)}"
        errors.append(FieldError(f"{pointer}/content_base64", detail))
        return None
    try:
        attachments.check(item.media_type, data)
    except attachments.Refused as exc:
        errors.append(FieldError(f"{pointer}/content_base64", f"is not {item.media_type}: {exc}"))
        return None
    return Attachment(item.media_type, data, hashlib.sha256(data).hexdigest())


def validate_message(message: MessageIn) -> Message:
    """The message checked (language, texts, attachments); ``InvalidInput`` naming every
    problem otherwise. Case rules (who may send what, replies) are the service's."""
    errors: list[FieldError] = []
    language = checks.language(message.language, "/language", errors)
    body = message.body
    changes: dict[str, object] = {}
    for name in _TEXT_FIELDS:
        value = getattr(body, name, None)
        if isinstance(value, str):
            changes[name] = text_field(value, f"/body/{name}", errors)
    for name in ("offences", "fields"):
        value = getattr(body, name, None)
        if isinstance(value, tuple):
            changes[name] = checks.texts(value, f"/body/{name}", errors)
    # mypy cannot match a union member to keyword names; the names come from that member
    body = replace(body, **changes)  # type: ignore[arg-type]
    attachments = [
        checked_attachment(item, f"/attachments/{i}", errors)
        for i, item in enumerate(message.attachments)
    ]
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in the message", errors)
    return Message(
        language,
        body,
        message.priority,
        message.reply_to,
        tuple(a for a in attachments if a is not None),
    )

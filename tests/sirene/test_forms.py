"""A SIRENE message validated as a whole: a refused attachment is named by its pointer."""

from __future__ import annotations

import base64

import pytest
from tests.sirene.documents import HTML, pdf, png

from limes.errors import InvalidInput
from limes.sirene.forms import AttachmentIn, MessageIn, Miscellaneous, validate_message


def test_a_refused_attachment_is_named_by_its_pointer() -> None:
    def attached(media_type: str, data: bytes) -> AttachmentIn:
        return AttachmentIn(media_type, base64.b64encode(data).decode())

    message = MessageIn(
        language="de",
        body=Miscellaneous(form="M", text="Kopie des Passes"),
        attachments=(
            attached("image/png", png()),
            attached("application/pdf", pdf() + HTML),
        ),
    )
    with pytest.raises(InvalidInput) as caught:
        validate_message(message)
    (error,) = caught.value.errors
    assert error.pointer == "/attachments/1/content_base64"
    assert error.detail.startswith("is not application/pdf: holds markup or script")

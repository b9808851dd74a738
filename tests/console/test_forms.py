"""Form fields into the API's documents, and its pointers back to the fields."""

from __future__ import annotations

from limes.console.forms import at_fields, field_name, lines, put, words
from limes.errors import FieldError, InvalidInput


def test_nested_documents_leave_out_what_was_left_empty() -> None:
    doc: dict[str, object] = {}
    put(doc, "report.place.country", "DE")
    put(doc, "report.place.description", None)
    put(doc, "tags", ())
    assert doc == {"report": {"place": {"country": "DE"}}}


def test_pointers_name_their_fields() -> None:
    assert field_name("/report/place/country") == "report.place.country"
    assert field_name("/body/offences/2") == "body.offences"
    error = InvalidInput(
        "2 problems",
        [FieldError("/report/place/country", "is not a member state"), FieldError("/x", "odd")],
    )
    by_field, general = at_fields(error, {"report.place.country"})
    assert by_field == {"report.place.country": ["is not a member state"]}
    assert general == ["/x: odd"]


def test_a_pointer_below_a_field_goes_to_the_field() -> None:
    error = InvalidInput("1 problem", [FieldError("/report/place", "is required")])
    assert at_fields(error, {"report.place"})[0] == {"report.place": ["is required"]}


def test_lines_and_words() -> None:
    assert lines({"a": " x \n\n y\n"}, "a") == ("x", "y")
    assert words({"a": "UA, pl  de"}, "a") == ("UA", "pl", "de")


def test_a_multipart_body_splits_into_fields_and_files() -> None:
    import pytest

    from limes.console.forms import multipart
    from limes.errors import InvalidInput

    binary = b"\x89PNG\r\n\x1a\n\r\n--not-the-boundary\x00\xff"
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="csrf"\r\n\r\n'
        b"token\r\n"
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="body.text"\r\n\r\n'
        b"zwei\r\nZeilen\r\n"
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="attachments"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + binary + b"\r\n"
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="attachments"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n"
        b"--XyZ--\r\n"
    )
    fields, files = multipart(body, b"XyZ")
    assert fields == {"csrf": "token", "body.text": "zwei\nZeilen"}
    assert [(f.field, f.filename, f.media_type, f.content) for f in files] == [
        ("attachments", "a.png", "image/png", binary)
    ]
    for broken in (body[:-9], b"--XyZ\r\nno headers\r\n--XyZ--", b""):
        with pytest.raises(InvalidInput):
            multipart(broken, b"XyZ")

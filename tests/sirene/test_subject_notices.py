"""The extension letter and the consultation texts, each in its reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from limes.sirene.subject_notices import (
    Consultation,
    SubjectExtension,
    bureau_language,
    consultation_text,
    position_text,
    render_extension,
)

EXTENSION = SubjectExtension(
    "REQ-1", "FR", "access", "en", date(2026, 5, 29), "Ольга Іванова",
    datetime(2026, 6, 10, tzinfo=UTC), date(2026, 6, 29), date(2026, 8, 29),
    ("complexity", "number_of_requests"), "Five states hold alerts on you and must be consulted.",
)  # fmt: skip
ASKED = Consultation(
    "REQ-1", "erasure", "FR", "2026-05-29", "ALERT-DE", datetime(2026, 6, 12, tzinfo=UTC)
)


def test_the_extension_letter_says_the_old_and_new_date_the_grounds_and_reasons() -> None:
    text = render_extension(EXTENSION)
    assert "Dear Ольга Іванова," in text
    assert "(reference REQ-1): extension of the time limit" in text
    assert "which was 2026-06-29, by two further months" in text
    assert "by 2026-08-29 at latest" not in text and "by 2026-08-29 at the latest" in text
    assert "  - the complexity of the request\n  - the number of requests" in text
    assert "Article 12(3) of Regulation (EU) 2016/679" in text
    assert "The reasons for the delay: Five states hold alerts" in text


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("de", ("Ihren Antrag auf Auskunft am 2026-05-29", "spätestens am 2026-08-29")),
        ("fr", ("votre demande d'accès le 2026-05-29", "au plus tard le 2026-08-29")),
        ("pt", ("your access request on 2026-05-29",)),
    ],
)
def test_the_extension_letter_in_the_applicants_language(
    language: str, phrases: tuple[str, ...]
) -> None:
    text = render_extension(SubjectExtension(**{**_fields(EXTENSION), "language": language}))
    assert all(p in text for p in phrases), text


def _fields(e: SubjectExtension) -> dict[str, object]:
    return {name: getattr(e, name) for name in SubjectExtension.__dataclass_fields__}


@pytest.mark.parametrize(
    ("state", "language", "phrase"),
    [
        ("DE", "de", "Der Antrag REQ-1 einer betroffenen Person auf Löschung, eingegangen bei FR"),
        ("AT", "de", "Bitte nehmen Sie bis 2026-06-12T00:00:00+00:00"),
        ("FR", "fr", "La demande d'effacement REQ-1 d'une personne concernée"),
        ("IT", "en", "Data-subject erasure request REQ-1, received by FR on 2026-05-29"),
    ],
)
def test_the_consultation_in_the_language_of_the_bureau_it_goes_to(
    state: str, language: str, phrase: str
) -> None:
    assert bureau_language(state) == language
    assert phrase in consultation_text(ASKED, bureau_language(state))


def test_the_answer_in_the_asking_bureaus_language() -> None:
    answer = ("restrict", None, "obstruct_inquiries")
    assert position_text("fr", "REQ-1", "A-1", answer) == (
        "Position sur la demande REQ-1 d'une personne concernée, signalement A-1 : restrict; "
        "motif : obstruct_inquiries."
    )
    assert "correction: done" in position_text("en", "REQ-1", "A-1", ("disclose", "done", None))

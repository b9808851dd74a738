"""The reply letter in the applicant's language, from the templates in the repository."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from limes.sirene.replies import (
    LANGUAGES,
    Access,
    Head,
    HeldAlert,
    Reply,
    Restriction,
    render,
    template,
)

AT = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
ACCESS = Access(7, AT, "FR", "border guard", "border check", "alert:read", "ab" * 32, ("cd" * 32,))
HELD = HeldAlert(
    "ALERT-DE", "DE", "arrest", "disclose", date(2027, 6, 1),
    (("surnames", "Ivanova"), ("date_of_birth", "1984-03-17")), "Arrest warrant", (ACCESS,),
)  # fmt: skip
REPLY = Reply(
    "REQ-1", "FR", "access", "en", date(2026, 5, 29), "Olga Ivanova", "partly", AT, (HELD,),
    (Restriction("ALERT-IT", "IT", "obstruct_inquiries"),),
    Head(12, AT, "ef" * 32, "01" * 64, "key-1"),
)  # fmt: skip


def test_every_template_has_every_phrase() -> None:
    phrases = set(template("en"))
    for language in LANGUAGES:
        assert set(template(language)) == phrases, language
        assert set(template(language)["labels"]) == set(template("en")["labels"])


def test_the_letter_lists_the_data_and_who_accessed_them_with_proofs() -> None:
    text = render(REPLY)
    assert "Dear Olga Ivanova," in text
    assert "Alert entered by DE (arrest), held until 2027-06-01." in text
    assert "  Surnames: Ivanova" in text and "Reason for the alert: Arrest warrant" in text
    assert "  2026-06-01 08:30 UTC  FR  border guard  border check  (record 7)" in text
    assert f"record 7: leaf {'ab' * 32}, path {'cd' * 32}" in text
    assert "Signed tree head: size 12" in text
    # a restriction is recorded, never told: the letter neither names it nor its state
    assert "ALERT-IT" not in text and "obstruct" not in text
    assert "Apart from the data listed below" in text


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("de", "Ausschreibung von DE"),
        ("fr", "Signalement introduit par DE"),
        ("pt", "Alert entered"),
    ],
)
def test_the_letter_in_the_applicants_language(language: str, phrase: str) -> None:
    assert phrase in render(replace(REPLY, language=language))


def test_the_standard_reply_when_everything_is_restricted() -> None:
    restricted = replace(REPLY, held=(), outcome="restricted")
    text = render(restricted)
    assert "No data concerning you can be communicated to you." in text
    assert "Signed tree head" not in text and "Apart from" not in text


def test_a_correction_and_a_disclosure_in_part() -> None:
    done = replace(HELD, correction="done", alert_version=3)
    in_part = replace(HELD, alert_id="ALERT-NL", issuing_state="NL", disclosure="disclose_in_part")
    text = render(replace(REPLY, kind="rectification", held=(done, in_part), restrictions=()))
    assert "has carried out your request (version 3 of the alert)" in text
    assert "Alert entered by NL (arrest), held until 2027-06-01." in text
    assert "agreed to tell you of its existence only" in text

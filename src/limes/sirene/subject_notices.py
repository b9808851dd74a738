"""What is written beside the reply, each in its reader's language: the letter telling
the applicant that the time limit is extended, and the consultation of the issuing
state's SIRENE bureau with its answer.

The wording is the templates' in ``letters/<language>.toml`` (tables ``extension`` and
``consultation``; en, de, fr, others fall back to English), as the reply's is
(``replies.py``). The applicant reads the language of the request; a bureau reads its
working language (``BUREAU_LANGUAGES``): the consultation goes to the issuing state's
bureau, its answer back to the receiving state's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from string import Template
from typing import Any

from limes.sirene.replies import LANGUAGES, template

BUREAU_LANGUAGES: dict[str, str] = {
    "AT": "de",
    "CH": "de",
    "DE": "de",
    "LI": "de",
    "FR": "fr",
    "LU": "fr",
}
"""The language a state's SIRENE bureau reads forms in, among those there are templates
for; every other bureau reads English, the bureaux' common working language."""


def bureau_language(state: str) -> str:
    language = BUREAU_LANGUAGES.get(state, "en")
    return language if language in LANGUAGES else "en"


def _say(phrases: dict[str, Any], phrase: str, **values: object) -> str:
    return Template(phrases[phrase]).substitute({k: str(v) for k, v in values.items()})


@dataclass(frozen=True, slots=True)
class SubjectExtension:
    """The time limit of a request extended (GDPR Art. 12(3)), as told to the applicant:
    sealed and kept as sent, so the letter can be given again byte for byte."""

    request_id: str
    receiving_state: str
    kind: str
    language: str
    received_on: date
    name: str
    extended_at: datetime
    previous_due: date
    due: date
    grounds: tuple[str, ...]
    reason: str
    text: str = ""


def render_extension(e: SubjectExtension) -> str:
    """The extension letter as plain text, in the applicant's language."""
    phrases = template(e.language)
    p = phrases["extension"]
    received = e.received_on.isoformat()
    out = [
        _say(p, "subject", received=received, reference=e.request_id),
        "",
        _say(phrases, "greeting", name=e.name),
        "",
        _say(
            p,
            "body",
            kind=p["kinds"][e.kind],
            received=received,
            previous=e.previous_due.isoformat(),
            due=e.due.isoformat(),
        ),
        "",
        _say(p, "grounds"),
        *(f"  - {p['grounds_named'][g]}" for g in e.grounds),
        "",
        _say(p, "reason", reason=e.reason),
        "",
        _say(phrases, "closing", state=e.receiving_state),
        "",
    ]
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Consultation:
    """What the consultation form says: the request, the alert, the answer's due time."""

    request_id: str
    kind: str
    receiving_state: str
    received_on: str
    alert_id: str
    due: datetime


def consultation_text(c: Consultation, language: str) -> str:
    """The text of the form asking the issuing state's position, in ``language``."""
    p = template(language)["consultation"]
    return _say(
        p,
        "asked",
        kind=p["kinds"][c.kind],
        request=c.request_id,
        state=c.receiving_state,
        received=c.received_on,
        alert=c.alert_id,
        due=c.due.isoformat(),
    )


def position_text(
    language: str,
    request_id: str,
    alert_id: str,
    answer: tuple[str, str | None, str | None],
) -> str:
    """The text of the issuing state's answer (disclosure, correction, ground), in
    ``language``."""
    p = template(language)["consultation"]
    disclosure, correction, ground = answer
    said = [_say(p, "position", request=request_id, alert=alert_id, disclosure=disclosure)]
    if correction is not None:
        said.append(_say(p, "correction", correction=correction))
    if ground is not None:
        said.append(_say(p, "ground", ground=ground))
    return "; ".join(said) + "."

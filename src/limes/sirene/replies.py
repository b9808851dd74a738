"""The reply to a data subject: what it says, and its text in the applicant's language.

A ``Reply`` is built by the service from the register, the issuing states' answers,
the alerts and the audit log; it is sealed and stored as it was sent, so the letter
(text, ``render``; PDF, ``sirene/pdf.py``) can be given again byte for byte. The wording
is the templates' in ``letters/<language>.toml`` (en, de, fr; others fall back to
English). Per disclosed alert it lists who accessed the data: state, type of authority
(the role), purpose and date, never the officer, with each audit record's inclusion
proof against the signed tree head the reply names.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from string import Template
from typing import Any

LANGUAGES = ("en", "de", "fr")


@dataclass(frozen=True, slots=True)
class Access:
    """One audit record naming the alert: who (state, authority type), why, when, and
    the record's inclusion proof (leaf hash and audit path, hex) against the reply's head."""

    seq: int
    at: datetime
    state: str
    authority_type: str
    purpose: str
    action: str
    leaf_hash: str
    audit_path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HeldAlert:
    """An alert held on the applicant as the reply tells of it (per the issuer's answer)."""

    alert_id: str
    issuing_state: str
    category: str
    disclosure: str
    retention_until: date
    data: tuple[tuple[str, str], ...] = ()
    reason: str | None = None
    accesses: tuple[Access, ...] = ()
    correction: str | None = None
    alert_version: int | None = None


@dataclass(frozen=True, slots=True)
class Head:
    """The signed tree head the proofs lead to (as ``audit/answers.TreeHeadOut``)."""

    tree_size: int
    timestamp: datetime
    root_hash: str
    signature: str
    key_id: str


@dataclass(frozen=True, slots=True)
class Restriction:
    """A restriction the reply does not show: recorded with its ground for the register."""

    alert_id: str
    issuing_state: str
    ground: str


@dataclass(frozen=True, slots=True)
class Reply:
    request_id: str
    receiving_state: str
    kind: str
    language: str
    received_on: date
    name: str
    outcome: str
    created_at: datetime
    held: tuple[HeldAlert, ...]
    restrictions: tuple[Restriction, ...]
    head: Head | None
    text: str = ""


@cache
def template(language: str) -> dict[str, Any]:
    """The phrases of ``letters/<language>.toml`` (English where there is none)."""
    name = language if language in LANGUAGES else "en"
    data = resources.files("limes.sirene").joinpath(f"letters/{name}.toml").read_text("utf-8")
    return tomllib.loads(data)


def _say(phrases: dict[str, Any], phrase: str, **values: object) -> str:
    return Template(phrases[phrase]).substitute({k: str(v) for k, v in values.items()})


def _alert_lines(p: dict[str, Any], held: HeldAlert) -> list[str]:
    lines = [
        _say(
            p,
            "alert",
            issuer=held.issuing_state,
            category=held.category.replace("_", " "),
            retention=held.retention_until.isoformat(),
        )
    ]
    if held.disclosure == "disclose_in_part":
        return [*lines, _say(p, "in_part")]
    labels = p["labels"]
    lines += [_say(p, "field", label=labels.get(k, k), value=v) for k, v in held.data]
    if held.reason:
        lines.append(_say(p, "reason", reason=held.reason))
    if held.correction == "done":
        lines.append(_say(p, "done", issuer=held.issuing_state, version=held.alert_version))
    elif held.correction == "refused":
        lines.append(_say(p, "refused", issuer=held.issuing_state))
    lines.append(_say(p, "accesses") if held.accesses else _say(p, "no_accesses"))
    lines += [
        _say(
            p,
            "access_line",
            at=a.at.strftime("%Y-%m-%d %H:%M UTC"),
            state=a.state,
            authority=a.authority_type,
            purpose=a.purpose,
            seq=a.seq,
        )
        for a in held.accesses
    ]
    return lines


def render(reply: Reply) -> str:
    """The letter as plain text, in the reply's language."""
    p = template(reply.language)
    state = reply.receiving_state
    out = [
        _say(p, "subject", received=reply.received_on, reference=reply.request_id),
        "",
        _say(p, "greeting", name=reply.name),
        "",
        _say(p, reply.kind, state=state),
        "",
    ]
    shown = [h for h in reply.held if h.disclosure != "restrict"]
    if not shown:
        out.append(_say(p, "nothing"))
    else:
        if reply.restrictions:
            out.append(_say(p, "others"))
        out.append(_say(p, "held"))
        for held in shown:
            out += ["", *_alert_lines(p, held)]
    proved = [a for h in shown for a in h.accesses]
    if proved and reply.head is not None:
        h = reply.head
        out += ["", _say(p, "proof")]
        out.append(
            _say(
                p,
                "head",
                size=h.tree_size,
                time=h.timestamp.isoformat(),
                root=h.root_hash,
                key=h.key_id,
            )
        )
        out.append(f"  signature {h.signature}")
        out += [
            _say(p, "proof_line", seq=a.seq, leaf=a.leaf_hash, path=" ".join(a.audit_path) or "-")
            for a in proved
        ]
    out += ["", _say(p, "remedy"), "", _say(p, "closing", state=state), ""]
    return "\n".join(out)

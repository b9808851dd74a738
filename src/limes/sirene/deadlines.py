"""When a reply is due, and how far an unanswered message has been escalated.

The SIRENE Manual asks for replies within 12 hours, and *immediately* for alerts on
terrorism-related activity and on children. "Immediately" is taken here as one hour:
the time a bureau on duty needs to read, check and answer. A hit notification (G)
asks the issuing state to confirm the hit, by the urgent / routine rule of the US
NCIC hit confirmation: within 10 minutes when the subject is held on the strength of
the hit alone, within one hour otherwise. The shortest rule that applies wins.

Forms that ask for an answer (G, A, F requests, J, Q) carry a due time; replies and
purely informative forms (H, M, F replies) do not. An unanswered message past its due
time is overdue: level 1 at once, one more level for each further reply window that
passes (level 2 and 3 reach the head of the bureau and the national contact point).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from limes.domain.alerts import AlertContent
from limes.domain.categories import CHILD_CATEGORIES, CategoryCode, WarningMarker
from limes.sirene.forms import FlagMessage, FlagStep, Form, HitNotification, Message
from limes.sirene.hits import Confirmation

STANDARD_REPLY = timedelta(hours=12)
IMMEDIATE_REPLY = timedelta(hours=1)
HIT_CONFIRMATION = {
    Confirmation.URGENT: timedelta(minutes=10),
    Confirmation.ROUTINE: timedelta(hours=1),
}
MAX_LEVEL = 3
ADULT_AGE = 18

ANSWERED_FORMS: frozenset[Form] = frozenset({Form.G, Form.A, Form.F, Form.J, Form.Q})


def _age(born: str, today: date) -> int | None:
    """Whole years since a date of birth of reduced precision (None if unknown)."""
    parts = [int(p) for p in born.split("-")]
    if len(parts) < 2:
        return today.year - parts[0] - 1 if today.year > parts[0] else 0
    year, month = parts[0], parts[1]
    day = parts[2] if len(parts) > 2 else 1
    return today.year - year - ((today.month, today.day) < (month, day))


def is_immediate(category: CategoryCode, content: AlertContent | None, today: date) -> bool:
    """True if replies on this alert are due immediately: terrorism-related, or on a
    child (a child category, or a person under 18 today)."""
    if category in CHILD_CATEGORIES:
        return True
    if content is None:
        return False
    if WarningMarker.TERRORISM_RELATED in content.warnings:
        return True
    born = content.person.date_of_birth if content.person is not None else None
    age = _age(born, today) if born else None
    return age is not None and age < ADULT_AGE


def expects_reply(message: Message) -> bool:
    if message.reply_to is not None:
        return False
    if isinstance(message.body, FlagMessage):
        return message.body.step is FlagStep.REQUEST
    return message.form in ANSWERED_FORMS


def reply_due(message: Message, sent_at: datetime, immediate: bool) -> datetime | None:
    """When the other party must have replied, or None if no reply is expected."""
    if not expects_reply(message):
        return None
    window = IMMEDIATE_REPLY if immediate else STANDARD_REPLY
    if isinstance(message.body, HitNotification):
        window = min(window, HIT_CONFIRMATION[message.body.confirmation])
    return sent_at + window


def escalation_level(sent_at: datetime, due: datetime, now: datetime) -> int:
    """0 before ``due``; then 1, plus one per further reply window, at most ``MAX_LEVEL``."""
    if now < due:
        return 0
    window = max(due - sent_at, timedelta(minutes=1))
    return min(MAX_LEVEL, 1 + int((now - due) / window))

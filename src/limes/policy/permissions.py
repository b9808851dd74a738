"""Permissions as ``resource:action`` tags, and who acts for which purpose.

The roles, purposes and clearances a principal holds are the domain's vocabulary
(``domain/roles.py``): accounts hold them and the store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from limes.domain.accounts import Account
from limes.domain.roles import Clearance, Purpose, Role


class Permission(StrEnum):
    """What a use case does, as a ``resource:action`` tag the policy table names."""

    ALERT_ISSUE = "alert:issue"
    ALERT_READ = "alert:read"
    ALERT_LIST = "alert:list"
    ALERT_UPDATE = "alert:update"
    ALERT_DELETE = "alert:delete"
    ALERT_EXTEND = "alert:extend"
    ALERT_LINK = "alert:link"
    FLAG_REQUEST = "flag:request"
    FLAG_DECIDE = "flag:decide"
    MISUSED_IDENTITY_READ = "misused-identity:read"
    MISUSED_IDENTITY_WRITE = "misused-identity:write"
    SEARCH_PERSONS = "search:persons"
    SEARCH_OBJECTS = "search:objects"
    BIOMETRIC_ENROL = "biometric:enrol"
    SEARCH_FINGERPRINTS = "search:fingerprints"
    BIOMETRIC_VERIFY = "biometric:verify"
    SEARCH_FACES = "search:faces"
    AUDIT_READ = "audit:read"
    FEED_READ = "feed:read"
    FEED_REPLICATE = "feed:replicate"
    AUDIT_FORWARD = "audit:forward"
    EXPIRY_RUN = "expiry:run"
    ACCOUNT_MANAGE = "account:manage"
    KEYS_ROTATE = "keys:rotate"
    KEYS_DELIVER = "keys:deliver"
    BREAKGLASS_REQUEST = "breakglass:request"
    BREAKGLASS_APPROVE = "breakglass:approve"
    BREAKGLASS_LIST = "breakglass:list"
    SECURITY_EVENTS_READ = "security-events:read"
    HIT_RECORD = "hit:record"
    CASE_READ = "case:read"
    CASE_WRITE = "case:write"
    SIRENE_STATISTICS = "sirene:statistics"
    SIRENE_ESCALATE = "sirene:escalate"
    READING_LIFT = "reading:lift"
    SCREENING_QUERY = "screening:query"
    IDENTITY_LINK_READ = "identity-link:read"
    IDENTITY_LINK_RESOLVE = "identity-link:resolve"
    SUBJECT_REQUEST_WRITE = "subject-request:write"
    SUBJECT_REQUEST_READ = "subject-request:read"
    SUBJECT_REQUEST_ANSWER = "subject-request:answer"
    SUBJECT_REQUEST_STATISTICS = "subject-request:statistics"
    SUBJECT_REQUEST_ESCALATE = "subject-request:escalate"


_P = Permission

CATEGORY_SCOPED: frozenset[Permission] = frozenset(
    {
        _P.ALERT_ISSUE,
        _P.ALERT_READ,
        _P.ALERT_LIST,
        _P.ALERT_UPDATE,
        _P.ALERT_DELETE,
        _P.ALERT_EXTEND,
        _P.ALERT_LINK,
        _P.FLAG_REQUEST,
        _P.FLAG_DECIDE,
        _P.MISUSED_IDENTITY_READ,
        _P.MISUSED_IDENTITY_WRITE,
        _P.SEARCH_PERSONS,
        _P.SEARCH_OBJECTS,
        _P.BIOMETRIC_ENROL,
        _P.SEARCH_FINGERPRINTS,
        _P.BIOMETRIC_VERIFY,
        _P.SEARCH_FACES,
        _P.HIT_RECORD,
    }
)
"""Permissions exercised on alerts, so decided per alert category; a rule granting
any of them must say which categories it covers."""

WRITES: frozenset[Permission] = frozenset(
    {
        _P.ALERT_ISSUE,
        _P.ALERT_UPDATE,
        _P.ALERT_DELETE,
        _P.ALERT_EXTEND,
        _P.ALERT_LINK,
        _P.FLAG_REQUEST,
        _P.FLAG_DECIDE,
        _P.MISUSED_IDENTITY_WRITE,
        _P.BIOMETRIC_ENROL,
        _P.HIT_RECORD,
        _P.CASE_WRITE,
        _P.EXPIRY_RUN,
        _P.SIRENE_ESCALATE,
        _P.KEYS_ROTATE,
        _P.IDENTITY_LINK_RESOLVE,
        _P.SUBJECT_REQUEST_WRITE,
        _P.SUBJECT_REQUEST_ANSWER,
        _P.SUBJECT_REQUEST_ESCALATE,
        _P.SCREENING_QUERY,  # records hits and tells the owner: the centre's to answer
        _P.AUDIT_FORWARD,  # a copy's records are kept at the centre, never at a copy
    }
)
"""Permissions that change the register: a national copy refuses every one of them
(``Policy.read_only``); writes go to the centre, and the copy shows them when the feed
brings them."""

CONTENT_PERMISSIONS: frozenset[Permission] = CATEGORY_SCOPED | {
    _P.AUDIT_READ,
    _P.CASE_READ,
    _P.CASE_WRITE,
    _P.IDENTITY_LINK_READ,
    _P.IDENTITY_LINK_RESOLVE,
    _P.SUBJECT_REQUEST_WRITE,
    _P.SUBJECT_REQUEST_READ,
    _P.SUBJECT_REQUEST_ANSWER,
}
"""THE list of permissions that touch alert content: every answer of theirs carries
alert data (or, for the audit trail, names alerts and what was searched; a SIRENE
case holds hit reports and forms on a person or object; a data-subject request holds
the applicant's identity and the alerts held on them). Each needs a
valid security clearance, whatever the roles, and no operator role may hold one."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts: a user or system client of one member state's authority.

    ``purposes`` are the purposes this principal may act for at all; ``clearance`` is
    required for any access to alert content (checked by the policy on every call, so
    that an expiry takes effect on the very next request). ``proof`` says how a door
    established who this is, where the audit record should say it (the CLI:
    ``password+totp``, ``token`` or ``development``).
    """

    user_id: str
    member_state: str
    authority: str
    roles: frozenset[Role]
    purposes: frozenset[Purpose] = frozenset()
    clearance: Clearance | None = None
    session_id: str | None = None
    proof: str | None = None

    @classmethod
    def of(cls, account: Account, session_id: str | None = None) -> Principal:
        """The principal ``account`` is now: roles, purposes and clearance as stored."""
        return cls(
            user_id=account.username,
            member_state=account.member_state,
            authority=account.authority,
            roles=account.roles,
            purposes=account.purposes,
            clearance=account.clearance,
            session_id=session_id,
        )

    def __str__(self) -> str:
        return f"{self.user_id}@{self.authority}/{self.member_state}"


@dataclass(frozen=True, slots=True)
class Context:
    """The principal and purpose every use case receives."""

    principal: Principal
    purpose: Purpose

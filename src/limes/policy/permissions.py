"""Permissions as ``resource:action`` tags, roles, and purposes of use."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Permission(StrEnum):
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
    FEED_READ = "feed:read"
    EXPIRY_RUN = "expiry:run"


class Role(StrEnum):
    BORDER_GUARD = "border_guard"
    POLICE_OFFICER = "police_officer"
    IMMIGRATION_OFFICER = "immigration_officer"
    VISA_OFFICER = "visa_officer"
    JUDICIAL_AUTHORITY = "judicial_authority"
    SIRENE_OPERATOR = "sirene_operator"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    SUPERVISORY_AUTHORITY = "supervisory_authority"
    SYSTEM_OPERATOR = "system_operator"
    KEY_CUSTODIAN = "key_custodian"
    SYSTEM_CLIENT = "system_client"


class Purpose(StrEnum):
    """Why a principal acts; every call names one and the policy checks it."""

    BORDER_CHECK = "border_check"
    POLICE_CHECK = "police_check"
    VISA = "visa"
    RETURN = "return"
    JUDICIAL = "judicial"
    SIRENE = "sirene"
    DATA_PROTECTION = "data_protection"
    OPERATIONS = "operations"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts: a user or system client of one member state's authority."""

    user_id: str
    member_state: str
    authority: str
    roles: frozenset[Role]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.authority}/{self.member_state}"


@dataclass(frozen=True, slots=True)
class Context:
    """The principal and purpose every use case receives."""

    principal: Principal
    purpose: Purpose

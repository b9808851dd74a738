"""Who may act for what: roles, purposes of use, and security clearances.

Plain vocabulary that accounts hold (``domain/accounts.py``), the store keeps, and the
policy (``policy/``) decides on; what each role may do is the policy table's, not this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
class Clearance:
    """A personnel security clearance: its level, the vetting that granted it, its end."""

    level: str
    vetting_reference: str
    valid_until: datetime

    def valid_at(self, moment: datetime) -> bool:
        return moment < self.valid_until

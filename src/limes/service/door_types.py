"""The types a door handles that are defined below the service layer, named here.

A door fills an ``AlertFilter`` or a search query, and shapes rows and reports the
services answer with (grants, security events, read blocks, key reports, audit heads
and records). They are defined where they live (store, search, crypto, audit); doors
import them from here, so that a door imports the service layer only
(``tests/test_doors.py``) and a move below it changes this one module.
"""

from __future__ import annotations

from limes.audit.answers import MAX_LIMIT as MAX_AUDIT_RECORDS
from limes.audit.answers import AuditRecordsOut, TreeHeadOut, head_out, records_out
from limes.biometrics.captures import MAX_RECORDS
from limes.biometrics.formats.iso19794_2 import MAX_RECORD_BYTES
from limes.biometrics.transactions import Form, Submission
from limes.crypto.rotation import KeyReport
from limes.search.features import Feature
from limes.search.identifiers import IdentifierQuery
from limes.search.query import MAX_NAME_FIELDS, PersonQuery
from limes.search.scoring import THRESHOLD
from limes.store.port import AlertFilter, BlockRow, GrantRow, SecurityEvent

__all__ = [
    "MAX_AUDIT_RECORDS",
    "MAX_NAME_FIELDS",
    "MAX_RECORDS",
    "MAX_RECORD_BYTES",
    "THRESHOLD",
    "AlertFilter",
    "AuditRecordsOut",
    "BlockRow",
    "Feature",
    "Form",
    "GrantRow",
    "IdentifierQuery",
    "KeyReport",
    "PersonQuery",
    "SecurityEvent",
    "Submission",
    "TreeHeadOut",
    "head_out",
    "records_out",
]

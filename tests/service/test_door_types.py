"""The types doors take from the service layer are the very ones defined below it."""

from __future__ import annotations

from limes.audit import answers
from limes.biometrics import captures, transactions
from limes.biometrics.formats import iso19794_2
from limes.crypto import rotation
from limes.search import features, identifiers, query, scoring
from limes.service import door_types
from limes.store import port

DEFINED_IN = {
    "MAX_AUDIT_RECORDS": (answers, "MAX_LIMIT"),
    "MAX_NAME_FIELDS": (query, "MAX_NAME_FIELDS"),
    "MAX_RECORDS": (captures, "MAX_RECORDS"),
    "MAX_RECORD_BYTES": (iso19794_2, "MAX_RECORD_BYTES"),
    "THRESHOLD": (scoring, "THRESHOLD"),
    "AlertFilter": (port, "AlertFilter"),
    "AuditRecordsOut": (answers, "AuditRecordsOut"),
    "BlockRow": (port, "BlockRow"),
    "Feature": (features, "Feature"),
    "Form": (transactions, "Form"),
    "GrantRow": (port, "GrantRow"),
    "IdentifierQuery": (identifiers, "IdentifierQuery"),
    "KeyReport": (rotation, "KeyReport"),
    "PersonQuery": (query, "PersonQuery"),
    "SecurityEvent": (port, "SecurityEvent"),
    "Submission": (transactions, "Submission"),
    "TreeHeadOut": (answers, "TreeHeadOut"),
    "head_out": (answers, "head_out"),
    "records_out": (answers, "records_out"),
}


def test_every_name_exported_is_the_one_defined_below() -> None:
    assert sorted(door_types.__all__) == sorted(DEFINED_IN)
    for name, (module, defined) in DEFINED_IN.items():
        assert getattr(door_types, name) is getattr(module, defined), name

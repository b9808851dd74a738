"""What a reply gathers: the accesses the audit log holds on each disclosed alert, by
state, authority type, purpose and date, every one proven against the same signed head;
refused attempts and officers' names stay out."""

from __future__ import annotations

import pytest
from tests.audit.conftest import PUBLIC_KEY
from tests.conftest import make_ctx
from tests.factories import PERSON, content
from tests.service.test_subject_requests import DE_DPO, FR_DPO, request

from limes.audit.heads import signed_bytes
from limes.audit.merkle import verify_inclusion
from limes.bootstrap import Limes
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden
from limes.sirene.subject_requests import ConsultationAnswerIn, Disclosure

GUARD = make_ctx("FR", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK, user="guard-secret-name")
IT_DPO = make_ctx("IT", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
VISA = make_ctx("PL", Role.VISA_OFFICER, purpose=Purpose.VISA, user="visa-secret-name")


def test_accesses_with_proofs_and_without_names(signed_app: Limes) -> None:
    alerts = [signed_app.alerts.issue(make_ctx(state), content(PERSON)) for state in ("DE", "IT")]
    signed_app.search.engine.catch_up()
    signed_app.alerts.get(GUARD, alerts[0].alert.id)
    with pytest.raises(Forbidden):  # a visa officer may not read an arrest alert: refused
        signed_app.alerts.get(VISA, alerts[0].alert.id)
    registered = signed_app.subject_requests.register(FR_DPO, request())
    signed_app.subject_requests.find(FR_DPO, registered.id)
    for alert, dpo in zip(alerts, (DE_DPO, IT_DPO), strict=True):
        signed_app.subject_requests.decide(FR_DPO, registered.id, alert.alert.id, True)
        disclose = ConsultationAnswerIn(Disclosure.DISCLOSE)
        signed_app.subject_requests.answer(dpo, registered.id, alert.alert.id, disclose)
    reply = signed_app.subject_requests.reply(FR_DPO, registered.id)

    assert reply.head is not None
    head = reply.head
    root = bytes.fromhex(head.root_hash)
    PUBLIC_KEY.verify(
        bytes.fromhex(head.signature), signed_bytes(head.tree_size, head.timestamp, root)
    )
    first = {h.alert_id: h for h in reply.held}[alerts[0].alert.id]
    seen = [(a.state, a.authority_type, a.purpose) for a in first.accesses]
    assert ("FR", "border guard", "border check") in seen
    assert ("FR", "data protection officer", "data protection") in seen
    assert all(a.state != "PL" for a in first.accesses)  # the refusal is no access
    for held in reply.held:
        for access in held.accesses:
            path = [bytes.fromhex(p) for p in access.audit_path]
            leaf = bytes.fromhex(access.leaf_hash)
            assert verify_inclusion(access.seq, head.tree_size, leaf, path, root)
    assert "secret-name" not in reply.text


def test_long_access_lists_are_read_page_by_page(
    signed_app: Limes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from limes.service import subject_letters
    from limes.store.port import HoldingRow

    alert = signed_app.alerts.issue(make_ctx("DE"), content(PERSON)).alert
    for _ in range(5):
        signed_app.alerts.get(GUARD, alert.id)
    holding = HoldingRow("R", alert.id, "DE", "arrest", 1.0, "confirmed")
    whole, head = subject_letters._accesses(signed_app.audit, holding)
    monkeypatch.setattr(subject_letters, "MAX_LIMIT", 2)
    paged, same = subject_letters._accesses(signed_app.audit, holding)
    assert paged == whole and len(whole) == 6
    assert head is not None and same is not None and same.size == head.size

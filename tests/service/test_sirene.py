"""The SIRENE exchange on a case on every store: a form with its attachment, read by the
two states party to the case and by no other."""

from __future__ import annotations

import orjson
import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content
from tests.service.alert_helpers import hit_report as report

from limes import codec
from limes.errors import Forbidden, NotFound
from limes.sirene.forms import MessageIn
from limes.store.port import Store

DE, FR, IT = make_ctx("DE"), make_ctx("FR"), make_ctx("IT")


def test_a_form_reaches_the_other_party_and_no_third_state(store: Store, clock: FixedClock) -> None:
    s = built(store, clock)
    alert_id = s.alerts.issue(DE, content(PERSON)).alert.id
    hit = s.hits.record(FR, alert_id, 1, report(s))
    form = {
        "language": "fr",
        "body": {"form": "G", "hit_id": hit.id},
        "attachments": [{"media_type": "text/plain", "content_base64": "Y29waWU="}],
    }
    s.sirene.send(FR, hit.case_id, codec.parse(MessageIn, orjson.dumps(form)))

    (message,) = s.sirene.case(DE, hit.case_id).messages
    (attachment,) = message.attachments
    assert s.sirene.attachment(DE, attachment.id).content == b"copie"
    with pytest.raises((Forbidden, NotFound)):
        s.sirene.case(IT, hit.case_id)
    with pytest.raises((Forbidden, NotFound)):
        s.sirene.attachment(IT, attachment.id)

"""Schemathesis hooks for ``.ci/attack`` (loaded with ``SCHEMATHESIS_HOOKS``).

* **Valid documents to start from.** Random JSON almost never passes the alert
  document's rules (ICAO check digits, ISO 3166 codes, the category table), so the
  schema handed to schemathesis gets the test factories' PERSON and VEHICLE as
  examples, and the generator for ``POST /v1/alerts`` mixes in valid documents with
  fresh references. Alerts then get created, and the stateful phase follows the
  inferred links (``Location``) into reads, changes and deletions of real alerts.
  The served OpenAPI document is not changed; only schemathesis' copy in memory.
* **``limes_refused_without_credentials``** (``LIMES_ATTACK_MODE=anonymous``): every
  request that reaches a ``/v1`` route must be refused with 401 and a
  ``WWW-Authenticate`` challenge, except on the operations the OpenAPI document
  declares open (``security: []``: ``/v1/health``, and the sign-in operations).
* **``limes_foreign_state_refused``** (``LIMES_ATTACK_FOREIGN`` names a principal of
  another member state with the same roles): after a change to an alert succeeds, the
  same request made by the foreign principal must not succeed. Only the issuing state
  changes its alerts (flag requests and withdrawals excepted: there the other state is
  the one that acts; searches are POSTs that change nothing).
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import schemathesis
from hypothesis import strategies as st
from tests.factories import PERSON, VEHICLE

PRINCIPAL_HEADER = "X-Limes-Unsafe-Principal"
MODE = os.environ.get("LIMES_ATTACK_MODE", "")
FOREIGN = os.environ.get("LIMES_ATTACK_FOREIGN", "")
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}


# -- valid documents -------------------------------------------------------------------------

_REFERENCE = st.text("ABCDEFGHJKLMNPRSTUVWXYZ0123456789-", min_size=4, max_size=20).filter(
    lambda s: s[0] != "-" and s[-1] != "-"
)
_SURNAME = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12).map(str.capitalize)
_SERIAL = st.text("0123456789", min_size=6, max_size=6)


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    """PERSON or VEHICLE with a fresh reference, surname or VIN and plate (so no conflict)."""
    if draw(st.booleans()):
        document = copy.deepcopy(PERSON)
        document["person"]["surnames"] = [{"latin": draw(_SURNAME)}]
    else:
        document = copy.deepcopy(VEHICLE)
        serial = draw(_SERIAL)
        document["object"]["identifiers"] = [
            {"kind": "vin", "value": f"WVWZZZ1JZXW{serial}"},  # European: no check digit
            {"kind": "plate", "value": f"AB-{serial[:3]}-CD", "country": "FR"},
        ]
    document["national_reference"] = draw(_REFERENCE)
    return document


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    """Give the alert bodies examples, so that the examples phase issues real alerts."""
    examples = {"person": {"value": PERSON}, "vehicle": {"value": VEHICLE}}
    for path, method in (("/v1/alerts", "post"), ("/v1/alerts/{alert_id}", "put")):
        operation = raw_schema.get("paths", {}).get(path, {}).get(method)
        if operation is None:
            continue
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is not None:
            media.setdefault("examples", examples)


@schemathesis.hook.apply_to(method="POST", path="/v1/alerts")
def before_generate_body(context: Any, strategy: st.SearchStrategy[Any]) -> Any:
    return strategy | valid_documents()


# -- checks -----------------------------------------------------------------------------------


def _route(template: str) -> re.Pattern[str]:
    """The paths a template matches, each parameter one non-empty segment (as Starlette)."""
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _path(response: Any) -> str:
    return unquote(urlsplit(response.request.url).path)


def _public(case: Any) -> bool:
    """True for an operation its OpenAPI document declares open (``security: []``)."""
    definition = getattr(case.operation, "definition", None)
    raw = getattr(definition, "raw", None)
    return isinstance(raw, dict) and raw.get("security") == []


@schemathesis.check
def limes_refused_without_credentials(ctx: Any, response: Any, case: Any) -> bool | None:
    """Without credentials, every route not declared open answers 401 with a challenge."""
    if MODE != "anonymous" or _public(case):
        return None
    if PRINCIPAL_HEADER.lower() in {k.lower() for k in response.request.headers}:
        return None  # the case carries a principal after all: not this check's business
    status = response.status_code
    reached = _route(case.path).fullmatch(_path(response)) is not None
    if 200 <= status < 400:
        raise AssertionError(
            f"{case.method} {_path(response)} was accepted ({status}) without credentials"
        )
    if not reached or status == 405:
        return None  # the request matched no route of this operation: nothing to refuse
    if status != 401:
        raise AssertionError(
            f"{case.method} {_path(response)} without credentials answered {status}, not 401: "
            "the request was judged before its caller was authenticated"
        )
    if not response.headers.get("www-authenticate"):
        raise AssertionError("a 401 answer without a WWW-Authenticate challenge")
    return None


def _state(principal: str) -> str:
    return principal.split("/", 1)[1].split(";", 1)[0] if "/" in principal else ""


@schemathesis.check
def limes_foreign_state_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """A change another member state made must not succeed when this state repeats it."""
    if not FOREIGN or case.method.upper() not in CHANGES or not 200 <= response.status_code < 300:
        return None
    if case.path == "/v1/alerts":
        return None  # issuing: every state issues its own alerts
    if case.path == "/v1/alerts/{alert_id}/flags" and case.method.upper() == "POST":
        return None  # a flag is requested by another state
    if case.path == "/v1/hits" and case.method.upper() == "POST":
        return None  # a hit is reported by the state whose officer found it, on any alert
    if case.path.startswith("/v1/search/"):
        return None  # a search (POST for its body) reads: every state searches every alert
    if case.path in ("/v1/sirene/escalation", "/v1/subject-requests/escalation"):
        return None  # the periodic jobs over every state's overdue forms and requests
    if case.path == "/v1/subject-requests" and case.method.upper() == "POST":
        return None  # registering: each state registers the requests it received
    path_state = (case.path_parameters or {}).get("state")
    if case.path.endswith("/flags/{state}") and path_state == _state(FOREIGN):
        return None  # the flagging state withdraws its own flag
    replay = response.request.copy()
    replay.headers[PRINCIPAL_HEADER] = FOREIGN
    with requests.Session() as session:
        answer = session.send(replay, timeout=30, allow_redirects=False)
    if 200 <= answer.status_code < 300:
        raise AssertionError(
            f"{case.method} {_path(response)} succeeded for {FOREIGN!r} ({answer.status_code}) "
            f"after it had succeeded for the issuing state: "
            f"{answer.text[:300]}"
        )
    return None

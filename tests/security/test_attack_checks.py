"""The checks ``.ci/attack`` adds to schemathesis fail when they should (no server needed)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from tests.security import attack_hooks
from tests.security.attack_setup import summary
from tests.supplychain.conftest import ROOT

BASE = "http://127.0.0.1:8080"


@dataclass
class FakeResponse:
    status_code: int
    request: requests.PreparedRequest
    headers: dict[str, list[str]] = field(default_factory=dict)


def case(method: str, path: str, *, public: bool = False, **path_parameters: str) -> Any:
    raw = {"security": []} if public else {}
    operation = SimpleNamespace(definition=SimpleNamespace(raw=raw))
    return SimpleNamespace(
        method=method, path=path, operation=operation, path_parameters=path_parameters
    )


def answer(status: int, method: str, url: str, **headers: str) -> FakeResponse:
    prepared = requests.Request(method, url, headers=headers).prepare()
    return FakeResponse(status, prepared, {k.lower(): [v] for k, v in headers.items()})


# -- without credentials -----------------------------------------------------------------


@pytest.fixture
def anonymous(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attack_hooks, "MODE", "anonymous")


def refused(response: FakeResponse, the_case: Any) -> None:
    attack_hooks.limes_refused_without_credentials(None, response, the_case)


@pytest.mark.usefixtures("anonymous")
def test_an_answer_without_credentials_fails() -> None:
    with pytest.raises(AssertionError, match="accepted \\(200\\) without credentials"):
        refused(answer(200, "GET", f"{BASE}/v1/alerts"), case("GET", "/v1/alerts"))


@pytest.mark.usefixtures("anonymous")
def test_a_refusal_before_authentication_fails() -> None:
    with pytest.raises(AssertionError, match="answered 400, not 401"):
        refused(answer(400, "GET", f"{BASE}/v1/alerts?x=1"), case("GET", "/v1/alerts"))


@pytest.mark.usefixtures("anonymous")
def test_a_401_needs_a_challenge() -> None:
    the_case = case("GET", "/v1/alerts/{alert_id}", alert_id="A")
    with pytest.raises(AssertionError, match="WWW-Authenticate"):
        refused(answer(401, "GET", f"{BASE}/v1/alerts/A"), the_case)
    response = answer(401, "GET", f"{BASE}/v1/alerts/A")
    response.headers["www-authenticate"] = ['UnsafeDevHeader realm="limes"']
    refused(response, the_case)


@pytest.mark.usefixtures("anonymous")
def test_what_reaches_no_route_or_is_open_is_not_judged() -> None:
    the_case = case("GET", "/v1/alerts/{alert_id}")
    refused(answer(404, "GET", f"{BASE}/v1/alerts/a/b"), the_case)  # two segments: no route
    refused(answer(405, "PATCH", f"{BASE}/v1/alerts/A"), the_case)
    refused(answer(200, "GET", f"{BASE}/v1/health"), case("GET", "/v1/health", public=True))


def test_the_check_is_off_for_authenticated_runs() -> None:
    assert attack_hooks.MODE != "anonymous"
    refused(answer(200, "GET", f"{BASE}/v1/alerts"), case("GET", "/v1/alerts"))


# -- a foreign member state ------------------------------------------------------------------

FOREIGN = "attacker@SIRENE/FR;roles=sirene_operator"


@dataclass
class Replays:
    """What a replayed request gets (``status``) and the principals it was sent as."""

    status: int = 403
    sent: list[str] = field(default_factory=list)


@pytest.fixture
def replies(monkeypatch: pytest.MonkeyPatch) -> Replays:
    replays = Replays()
    monkeypatch.setattr(attack_hooks, "FOREIGN", FOREIGN)

    def send(self: requests.Session, request: requests.PreparedRequest, **_: Any) -> Any:
        replays.sent.append(request.headers[attack_hooks.PRINCIPAL_HEADER])
        return SimpleNamespace(status_code=replays.status, text="{}")

    monkeypatch.setattr(requests.Session, "send", send)
    return replays


def foreign(response: FakeResponse, the_case: Any) -> None:
    attack_hooks.limes_foreign_state_refused(None, response, the_case)


def own_change(method: str = "DELETE", url: str = f"{BASE}/v1/alerts/A") -> FakeResponse:
    return answer(204, method, url, **{attack_hooks.PRINCIPAL_HEADER: "me@SIRENE/DE;roles=x"})


def test_a_change_the_foreign_state_can_repeat_fails(replies: Replays) -> None:
    replies.status = 204
    with pytest.raises(AssertionError, match="succeeded for 'attacker@SIRENE/FR"):
        foreign(own_change(), case("DELETE", "/v1/alerts/{alert_id}", alert_id="A"))
    assert replies.sent == [FOREIGN]


def test_a_refused_repeat_passes(replies: Replays) -> None:
    foreign(own_change(), case("DELETE", "/v1/alerts/{alert_id}", alert_id="A"))
    assert replies.sent == [FOREIGN]


@pytest.mark.parametrize(
    ("method", "path", "parameters"),
    [
        ("POST", "/v1/alerts", {}),
        ("POST", "/v1/alerts/{alert_id}/flags", {"alert_id": "A"}),
        ("DELETE", "/v1/alerts/{alert_id}/flags/{state}", {"alert_id": "A", "state": "FR"}),
        ("GET", "/v1/alerts/{alert_id}", {"alert_id": "A"}),
        ("POST", "/v1/search/persons", {}),
        ("POST", "/v1/search/objects", {}),
        ("POST", "/v1/search/mrz", {}),
        ("POST", "/v1/sirene/escalation", {}),
        ("POST", "/v1/hits", {}),
    ],
)
def test_what_another_state_may_do_is_not_replayed(
    replies: Replays, method: str, path: str, parameters: dict[str, str]
) -> None:
    replies.status = 200
    foreign(own_change(method), case(method, path, **parameters))
    assert replies.sent == []


# -- the script --------------------------------------------------------------------------------


def test_the_attack_script_is_valid_bash_and_runs_every_principal() -> None:
    script = ROOT / ".ci" / "attack"
    assert script.stat().st_mode & 0o111, ".ci/attack must be executable"
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    text = script.read_text()
    for needle in (
        "roles=sirene_operator",
        "roles=border_guard",
        "roles=system_operator",
        "attack anonymous",
        "not_a_server_error,response_schema_conformance,status_code_conformance,"
        "content_type_conformance",
        "ignored_auth,limes_foreign_state_refused",
        "limes_refused_without_credentials",
        "--phases examples,coverage,fuzzing,stateful",
        "--host 127.0.0.1",
    ):
        assert needle in text


def test_summary_reads_junit_reports(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "anonymous"
    run.mkdir()
    (run / "junit.xml").write_text(
        '<testsuites><testsuite tests="23" failures="2" errors="0"/></testsuites>'
    )
    summary(tmp_path)
    assert capsys.readouterr().out == "anonymous: 23 operations, 2 failed, 0 errors\n"

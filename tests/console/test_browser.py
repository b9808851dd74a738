"""The console in a real browser: Debian's chromium driven by Playwright.

One server per module (uvicorn in a thread, on the installation of ``helpers.world``
with some demo data), one browser, one logged-in context per user. Every page is
watched for Content-Security-Policy violations (the browser's
``securitypolicyviolation`` events and console messages): any fails the test. axe-core
(vendored, ``axe.min.js``) checks the main screens for accessibility; a serious or
critical violation fails. With ``LIMES_SCREENSHOTS=<folder>`` (``make
console-screenshots``) the main screens are saved there.

Where chromium (or Playwright) is missing the tests are skipped with the reason,
except under ``CI=true``, where they fail: ``make browser`` installs chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FixedClock
from tests.console.helpers import MRZ, VIN, World, code, world
from tests.identity.helpers import PASSWORD

from limes.console.app import create_app
from limes.demo.generator import generate
from limes.service.demo import load

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "axe.min.js"
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        _unavailable("chromium is not installed (make browser installs Debian's package)")
    assert found is not None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("playwright is not installed (it is in requirements/dev.lock)")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[str, World]]:
    import uvicorn

    clock = FixedClock()
    installed = world(tmp_path_factory.mktemp("console"), clock)
    for _ in load(installed.limes.alerts, generate(150, 150, 1), 300):
        pass
    app = create_app(installed.limes)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", installed
    running.should_exit = True
    thread.join(10)
    installed.limes.close()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield found
        found.close()


class Users:
    """One logged-in page per user, made on first use."""

    def __init__(self, browser: Any, base: str, installed: World, clock: Any) -> None:
        self.browser, self.base, self.installed = browser, base, installed
        self.pages: dict[str, Any] = {}
        self.console: list[str] = []

    def page(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(
                locale="en-GB", viewport={"width": 1280, "height": 900}
            )
            context.add_init_script(WATCH)
            page = context.new_page()
            page.on("console", lambda m: self.console.append(m.text))
            page.goto(self.base + "/console/login")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            now = self.installed.limes.accounts.clock()
            page.get_by_label("Code from your authenticator app").fill(
                code(self.installed, username, now)
            )
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
            assert "/console/login" not in page.url, page.content()[-3000:]
            self.pages[username] = page
        return self.pages[username]

    def clean(self, page: Any) -> None:
        """No CSP violation on the page, nor any said on the console so far."""
        assert page.evaluate("window.__csp") == []
        csp = [m for m in self.console if "Content Security Policy" in m]
        assert csp == []


@pytest.fixture(scope="module")
def users(browser: Any, server: tuple[str, World]) -> Users:
    base, installed = server
    return Users(browser, base, installed, None)


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("LIMES_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def axe(page: Any) -> list[str]:
    """The serious and critical accessibility violations axe-core finds on the page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # through DevTools, which the page's CSP does not bind
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page: Any, **fields: str) -> None:
    page.goto(page.url.split("/console/")[0] + "/console/border")
    labels = {
        "surnames": "Surnames",
        "forenames": "Forenames",
        "date_of_birth": "Date of birth",
        "mrz": "MRZ",
        "vin": "VIN",
    }
    for name, value in fields.items():
        page.get_by_label(labels[name], exact=True).fill(value)
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_selector("#results-heading")


def test_a_border_check_by_cyrillic_name_by_mrz_and_by_vin(users: Users) -> None:
    page = users.page("guard-1")
    installed = users.installed
    check(page, surnames="Иванова", forenames="Olga", date_of_birth="1984")
    assert page.locator(f"a[href*='{installed.person_id}']").count() >= 1
    assert page.locator(".marker", has_text="armed").count() >= 1
    shot(page, "border-check")
    assert axe(page) == []
    check(page, mrz=MRZ)
    assert page.locator(f"a[href*='{installed.person_id}']").count() >= 1
    check(page, vin=VIN)
    assert page.locator(f"a[href*='{installed.vehicle_id}']").count() >= 1
    users.clean(page)


def test_recording_a_hit_in_one_step(users: Users) -> None:
    page = users.page("guard-1")
    check(page, surnames="Иванова", forenames="Olga")
    page.locator(f"a[href*='{users.installed.person_id}']").first.click()
    page.get_by_label("Place", exact=True).fill("Frankfurt Airport, Terminal 1")
    shot(page, "hit-report")
    assert axe(page) == []
    page.get_by_role("button", name="Record the hit").click()
    page.wait_for_selector("#recorded")
    assert "SIRENE case" in page.locator("#recorded").inner_text()
    users.clean(page)


def test_the_sirene_operator_receives_and_answers_the_g_form(users: Users) -> None:
    installed = users.installed
    de = users.page("sirene-de")
    de.goto(users.base + "/console/sirene?status=all")
    case_id = _case_of_last_hit(installed)
    de.goto(f"{users.base}/console/sirene/cases/{case_id}?form=G")
    de.get_by_label("Remarks").fill("Person am Flughafen Frankfurt festgehalten")
    de.get_by_role("button", name="Send form G").click()
    de.wait_for_selector(".messages li[id^=message-]")
    users.clean(de)

    fr = users.page("sirene-fr")
    fr.goto(users.base + "/console/sirene")
    row = fr.locator("tbody tr", has_text="G").first
    assert row.is_visible()
    shot(fr, "sirene-inbox")
    assert axe(fr) == []
    row.get_by_role("link").click()
    assert "Person am Flughafen Frankfurt festgehalten" in fr.content()
    fr.get_by_role("link", name="Answer").first.click()
    fr.get_by_label("Language (ISO 639-1)").fill("fr")
    fr.get_by_label("Text", exact=True).fill("Mandat confirmé ; remise demandée.")
    shot(fr, "sirene-case")
    assert axe(fr) == []
    fr.get_by_role("button", name="Send form M").click()
    fr.wait_for_selector(".badge.ok")
    users.clean(fr)


def test_a_form_with_an_attachment_and_its_download(users: Users, tmp_path: Path) -> None:
    de = users.page("sirene-de")
    case_id = _case_of_last_hit(users.installed)
    de.goto(f"{users.base}/console/sirene/cases/{case_id}?form=M")
    refused = tmp_path / "page.txt"
    refused.write_text("<script>alert(1)</script>")
    de.get_by_label("Text", exact=True).fill("Lichtbild anbei")
    de.get_by_label("Attachments").set_input_files(str(refused))
    de.get_by_role("button", name="Send form M").click()
    error = de.locator("#attachments-error")
    assert "page.txt" in error.inner_text() and "markup" in error.inner_text()
    assert de.get_by_label("Attachments").get_attribute("aria-invalid") == "true"
    assert axe(de) == []
    note = tmp_path / "note.txt"
    note.write_text("Reisepass L898902C3 geprüft")
    de.get_by_label("Text", exact=True).fill("Lichtbild anbei")
    de.get_by_label("Attachments").set_input_files(str(note))
    de.get_by_role("button", name="Send form M").click()
    link = de.get_by_role("link", name="Download").last
    link.wait_for()
    with de.expect_download() as download:
        link.click()
    saved = tmp_path / "saved"
    download.value.save_as(saved)
    assert saved.read_text() == "Reisepass L898902C3 geprüft"
    assert download.value.suggested_filename.endswith(".txt")
    users.clean(de)


def test_the_alert_form_shows_the_categorys_rules(users: Users) -> None:
    page = users.page("sirene-de")
    page.goto(users.base + "/console/sirene/alerts/new?category=arrest")
    assert page.get_by_text("National decision (required)").is_visible()
    page.get_by_label("Category").select_option("object_seizure")
    page.get_by_role("button", name="Show its fields").click()
    assert page.get_by_label("Object type").is_visible()
    page.goto(users.base + "/console/sirene/alerts/new?category=arrest")
    shot(page, "alert-form")
    assert axe(page) == []
    users.clean(page)


def test_links_flags_and_misused_identity_on_the_alert_page(users: Users) -> None:
    installed = users.installed
    fr = users.page("sirene-fr")
    fr.goto(f"{users.base}/console/sirene/alerts/{installed.person_id}")
    fr.get_by_label("Alert to link").fill(installed.vehicle_id)
    fr.get_by_role("button", name="Link the alerts").click()
    fr.wait_for_selector(f"#link a[href$='{installed.vehicle_id}']")
    fr.get_by_label("Alert to link").fill(installed.person_id)
    fr.get_by_role("button", name="Link the alerts").click()
    fr.locator("#link-other_id-error").wait_for()
    assert axe(fr) == []
    misused = fr.locator("#misused")
    misused.get_by_label("Given on").fill("2026-01-05")
    misused.get_by_label("Consent reference").fill("CNIL-2026-7")
    misused.get_by_role("button", name="Save the misused identity").click()
    fr.locator("#misused-person-surnames-error").wait_for()  # a surname is required
    misused = fr.locator("#misused")
    misused.get_by_label("Surnames").fill("Martin")
    misused.get_by_label("Given on").fill("2026-01-05")
    misused.get_by_label("Consent reference").fill("CNIL-2026-7")
    misused.get_by_role("button", name="Save the misused identity").click()
    fr.wait_for_selector("text=The alert holds data on a victim of identity misuse")
    users.clean(fr)

    de = users.page("sirene-de")
    de.goto(f"{users.base}/console/sirene/alerts/{installed.person_id}")
    de.get_by_label("Why the action must not be taken in your state").fill(
        "Festnahme hier nicht möglich"
    )
    de.get_by_role("button", name="Request a flag").click()
    de.wait_for_selector("#flag li")
    assert "requested" in de.locator("#flag li").first.inner_text()
    shot(de, "alert-relations")
    assert axe(de) == []
    users.clean(de)


def _case_of_last_hit(installed: World) -> str:
    """The case of the hit recorded in the browser (the audit log names it)."""
    from tests.conftest import make_ctx

    from limes.domain.roles import Purpose, Role

    ctx = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
    answer = installed.limes.audit_reader.records(ctx, user="guard-1")
    for proved in reversed(answer.items):
        refs = proved.record.document.get("refs") or {}
        if proved.record.document.get("action") == "hit:record" and "case" in refs:
            return str(refs["case"])
    raise AssertionError("no hit recorded yet")


def test_the_dpo_finds_who_searched_for_a_person(users: Users) -> None:
    page = users.page("dpo-de")
    page.goto(users.base + "/console/audit")
    page.get_by_label("User", exact=True).fill("guard-1")
    page.get_by_label("Surname", exact=True).fill("Иванова")
    page.get_by_label("Forename", exact=True).fill("Olga")
    page.get_by_role("button", name="Find records").click()
    page.wait_for_selector("#records-heading")
    marked = page.locator("tr.searched")
    assert marked.count() >= 1
    assert "guard-1" in marked.first.inner_text()
    assert page.locator(".badge.bad").count() == 0  # every proof and the head verify
    shot(page, "dpo-audit")
    assert axe(page) == []
    users.clean(page)


def test_the_dpo_works_a_subject_request_to_its_reply(users: Users, tmp_path: Path) -> None:
    from datetime import timedelta

    from tests.conftest import make_ctx

    from limes.domain.roles import Purpose, Role
    from limes.sirene import subject_requests as rules

    installed = users.installed
    service = installed.limes.subject_requests
    dpo = {s: make_ctx(s, Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
           for s in ("DE", "FR")}  # fmt: skip
    applicant = rules.Applicant(("Иванова",), ("Olga",), "1984-03-17", ("UA",), ())
    received = installed.limes.accounts.clock().date() - timedelta(days=40)
    registered = service.register(
        dpo["DE"],
        rules.SubjectRequestIn(
            rules.Kind.ACCESS, applicant, rules.Verification.DOCUMENT_SEEN, received, "en",
            rules.Channel.POST,
        ),
    )  # fmt: skip
    page = users.page("dpo-de")
    page.goto(users.base + "/console/audit/subject-requests")
    row = page.locator("tr.overdue", has_text=registered.id[-8:])
    assert row.locator(".badge.overdue").is_visible()
    shot(page, "subject-register")
    assert axe(page) == []
    row.get_by_role("link").click()
    page.get_by_role("button", name="Search every alert for the applicant").click()
    candidate = page.locator(".relations li", has_text=installed.person_id)
    candidate.get_by_role("button", name="Confirm: it is the applicant").click()
    page.locator(".relations li", has_text="confirmed").wait_for()
    page.get_by_role("button", name="Write the reply").click()
    page.locator(".error", has_text="not answered").wait_for()  # FR is consulted first
    answer = rules.ConsultationAnswerIn(rules.Disclosure.DISCLOSE)
    service.answer(dpo["FR"], registered.id, installed.person_id, answer)
    page.goto(f"{users.base}/console/audit/subject-requests/{registered.id}")
    shot(page, "subject-request")
    assert axe(page) == []
    page.get_by_role("button", name="Write the reply").click()
    link = page.get_by_role("link", name="Download the reply (text)")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "reply.txt"
    download.value.save_as(saved)
    assert registered.id in saved.read_text() or "Olga" in saved.read_text()
    users.clean(page)


def test_a_border_guard_is_refused_the_sirene_screens(users: Users) -> None:
    page = users.page("guard-1")
    answer = page.goto(users.base + "/console/sirene")
    assert answer is not None and answer.status == 403
    assert "Not for your roles" in page.content()
    users.clean(page)


def test_the_watch_sees_an_inline_script_refused_and_axe_runs(users: Users) -> None:
    """The checks above can fail: an inline script is refused and reported, and axe-core
    runs its rules on the page."""
    page = users.page("dpo-de")
    page.goto(users.base + "/console/audit")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.pwned = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.pwned") is None
    assert "script-src" in page.evaluate("window.__csp")[0]
    users.console.clear()  # the refusal was ours; the other tests' pages stay watched
    result = page.evaluate("axe.run(document)") if page.evaluate("!!window.axe") else None
    if result is None:
        axe(page)
        result = page.evaluate("axe.run(document)")
    assert len(result["passes"]) > 10


def test_a_keyboard_only_login_in_german(browser: Any, server: Any) -> None:
    base, installed = server
    context = browser.new_context(locale="de-DE")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(base + "/console/login")
    assert page.get_by_role("button", name="Anmelden").is_visible()
    shot(page, "login-de")
    assert axe(page) == []
    # the username field has the focus; the form is filled and sent with the keyboard only
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("visa-de")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(code(installed, "visa-de", installed.limes.accounts.clock()))
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/none")
    assert "Keine Ansicht für Ihre Rollen" in page.content()
    assert page.evaluate("window.__csp") == []
    context.close()

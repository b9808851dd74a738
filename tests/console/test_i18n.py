"""The catalogues: every text of the templates translated, the shipped .mo up to date,
the language chosen as the user asked, dates and numbers in the locale."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from limes.console import i18n

CONSOLE = Path(i18n.__file__).parent
TEMPLATES = CONSOLE / "templates"
TEXT = re.compile(r"""_\((["'])(.*?)\1\)""")


def template_texts() -> set[str]:
    return {m[2] for path in TEMPLATES.glob("*.html") for m in TEXT.finditer(path.read_text())}


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT])
def test_every_text_is_translated_and_the_mo_matches_the_po(language: str) -> None:
    folder = CONSOLE / "locale" / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    translated = {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    assert template_texts() - translated.keys() == set()
    with (folder / "messages.mo").open("rb") as mo:
        compiled = read_mo(BytesIO(mo.read()))
    assert {m.id: m.string for m in compiled if m.id} == translated, "run make console-messages"


def test_the_language_is_the_chosen_one_else_the_browsers() -> None:
    assert i18n.choose("fr", "de-DE,de;q=0.9") == "fr"
    assert i18n.choose(None, "de-AT,de;q=0.9,en;q=0.5") == "de"
    assert i18n.choose("xx", "es-ES") == "en"
    assert i18n.choose(None, None) == "en"


def test_dates_and_numbers_in_the_locale() -> None:
    moment = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
    assert i18n.Formats("de").datetime(moment).startswith("01.06.2026")
    assert "juin" in i18n.Formats("fr").datetime(moment)
    assert i18n.Formats("de").number(0.875) == "0,88"
    assert i18n.Formats("en").number(1234.5) == "1,234.5"


def test_the_login_page_speaks_german_to_a_german_browser(site: TestClient) -> None:
    page = site.get("/console/login", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert 'lang="de"' in page.text and "Anmelden" in page.text


def test_the_language_form_keeps_the_choice(site: TestClient) -> None:
    page = site.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = site.post(
        "/console/language",
        data={"csrf": token[1], "language": "fr", "next": "/console/login"},
    )
    assert answer.status_code == 303
    assert "Se connecter" in site.get("/console/login").text

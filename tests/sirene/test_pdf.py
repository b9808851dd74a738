"""The letter as PDF: its text extractable in any script, the same bytes every time."""

from __future__ import annotations

import re

from tests.sirene.pdf_text import fonts, text_of

from limes.sirene.pdf import FONT_FILE, LINES_PER_PAGE, render

NAMES = "Ольга Іванова, Łukasz Wałęsa, Ștefan Țiriac, Ελένη Παπαδοπούλου"


def test_the_same_text_gives_the_same_bytes_and_no_creation_date() -> None:
    letter = f"Sehr geehrte Frau Müller,\n\n{NAMES}\nÜber Sie sind folgende Daten gespeichert:\n"
    first, second = render(letter, "Reply 1"), render(letter, "Reply 1")
    assert first == second and first.startswith(b"%PDF-")
    assert b"CreationDate" not in first and b"Producer" not in first
    assert render(letter + "x", "Reply 1") != first


def test_the_text_is_in_the_pdf() -> None:
    letter = "Dear Olga Ivanova,\n  2026-06-01 08:30 UTC  FR  border guard  border check (1)\n"
    shown = text_of(render(letter, "Reply"))
    assert "Dear Olga Ivanova," in shown and "border guard  border check (1)" in shown


def test_names_in_any_script_are_embedded_and_extractable_never_question_marks() -> None:
    letter = f"Dear {NAMES},\nШановна пані, ł ś ż ą ę ć ń ó ș ț ă î â Ș Ț Ł\n"
    document = render(letter, "Reply")
    shown = text_of(document)
    assert f"Dear {NAMES}," in shown
    assert "Шановна пані, ł ś ż ą ę ć ń ó ș ț ă î â Ș Ț Ł" in shown
    assert "?" not in shown
    # a TrueType subset of DejaVu Sans Mono is embedded, each font with its ToUnicode map
    names = re.findall(rb"/BaseFont /([A-Z]{6})\+(\S+)", document)
    assert names and {n for _, n in names} == {FONT_FILE.removesuffix(".ttf").encode()}
    assert b"/FontFile2" in document and b"/Subtype /Type0" in document
    mapped = set().union(*(set(m.values()) for m in fonts(document).values()))
    assert {"Ш", "ł", "ș", "Ț", "λ"} <= mapped


def test_long_letters_run_over_pages() -> None:
    letter = "\n".join(f"line {n}" for n in range(LINES_PER_PAGE + 5)) + "\nИванова"
    document = render(letter, "Reply")
    assert document.count(b"/Type /Page ") + document.count(b"/Type /Page\n") >= 2
    shown = text_of(document)
    assert f"line {LINES_PER_PAGE + 4}" in shown and "Иванова" in shown and "2/2" in shown

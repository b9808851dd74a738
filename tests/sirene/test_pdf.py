"""The reply as PDF: its text extractable, the same bytes every time."""

from __future__ import annotations

import re
import zlib

from limes.sirene.pdf import LINES_PER_PAGE, render


def text_of(document: bytes) -> str:
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        for block in re.findall(rb"BT(.*?)ET", zlib.decompress(stream), re.S):
            lines.append(b"".join(re.findall(rb"\(((?:\\.|[^\\)])*)\)", block)).decode("latin-1"))
    return "\n".join(lines)


def test_the_same_text_gives_the_same_bytes_and_no_creation_date() -> None:
    letter = "Sehr geehrte Frau Müller,\n\nÜber Sie sind folgende Daten gespeichert:\n"
    first, second = render(letter, "Reply 1"), render(letter, "Reply 1")
    assert first == second and first.startswith(b"%PDF-")
    assert b"CreationDate" not in first and b"Producer" not in first
    assert render(letter + "x", "Reply 1") != first


def test_the_text_is_in_the_pdf() -> None:
    letter = "Dear Olga Ivanova,\n  2026-06-01 08:30 UTC  FR  border guard  border check\n"
    shown = text_of(render(letter, "Reply"))
    assert "Dear Olga Ivanova," in shown and "border guard  border check" in shown


def test_long_letters_run_over_pages_and_other_scripts_become_question_marks() -> None:
    letter = "\n".join(f"line {n}" for n in range(LINES_PER_PAGE + 5)) + "\nИванова"
    document = render(letter, "Reply")
    assert document.count(b"/Type /Page ") + document.count(b"/Type /Page\n") >= 2
    shown = text_of(document)
    assert f"line {LINES_PER_PAGE + 4}" in shown and "???????" in shown and "2/2" in shown

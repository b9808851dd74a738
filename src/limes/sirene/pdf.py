"""A reply letter as PDF, rendered deterministically with matplotlib's PDF backend.

matplotlib is already a dependency (the statistics charts) and writes PDF; a letter of
plain text lines needs nothing more, so no PDF library is added. The standard 14 PDF
fonts are used (nothing embedded, the text stays extractable) and the creation date is
left out of the document information, so the same text gives the same bytes. Text
outside Latin-1 (the base fonts' encoding) is written as ``?``: the letters name people
in their Latin form, and the text version carries every character.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

A4 = (8.27, 11.69)
LINES_PER_PAGE = 62
WIDTH = 96
_METADATA = {"Creator": None, "Producer": None, "CreationDate": None, "Title": None}


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        safe = line.encode("latin-1", "replace").decode("latin-1")
        indent = len(safe) - len(safe.lstrip(" "))
        wrapped = textwrap.wrap(
            safe, WIDTH, subsequent_indent=" " * (indent + 2), break_long_words=True
        )
        out.extend(wrapped or [""])
    return out


def render(text: str, title: str) -> bytes:
    """``text`` on A4 pages, ``title`` in the document information; byte-deterministic."""
    lines = _lines(text)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    out = io.BytesIO()
    with plt.rc_context(
        {"pdf.use14corefonts": True, "font.family": "monospace", "font.weight": "medium"}
    ):
        with PdfPages(out, metadata={**_METADATA, "Title": title}) as pdf:
            for number, page in enumerate(pages, start=1):
                figure = plt.figure(figsize=A4)
                try:
                    for i, line in enumerate(page):
                        figure.text(0.07, 0.95 - i * 0.0145, line, fontsize=8, family="monospace")
                    figure.text(0.9, 0.03, f"{number}/{len(pages)}", fontsize=7)
                    pdf.savefig(figure)
                finally:
                    plt.close(figure)
    return out.getvalue()

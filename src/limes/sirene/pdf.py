"""A letter as PDF, rendered deterministically with matplotlib's PDF backend.

matplotlib is already a dependency (the statistics charts) and writes PDF; a letter of
plain text lines needs nothing more, so no PDF library is added. The letters name
people as they wrote their names, in any script (Cyrillic, Greek, Polish ł, Romanian
ș …), so the text is set in DejaVu Sans Mono, the Unicode TrueType font matplotlib
ships in ``mpl-data/fonts/ttf``, embedded as a subset (``pdf.fonttype`` 42: TrueType
glyphs with a ToUnicode map, so the text stays extractable and searchable). The
document information holds the title only (no creation date, creator or producer),
and the font subset is named from the glyphs it holds, so the same text gives the same
bytes. A character the font has no glyph for (rare scripts) still shows as the font's
empty box; the text version of the letter carries every character.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.font_manager import FontProperties

A4 = (8.27, 11.69)
LINES_PER_PAGE = 62
WIDTH = 96
FONT_FILE = "DejaVuSansMono.ttf"
_METADATA = {"Creator": None, "Producer": None, "CreationDate": None, "Title": None}


@cache
def font() -> FontProperties:
    """DejaVu Sans Mono from matplotlib's own data (no system font is looked up)."""
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / FONT_FILE
    return FontProperties(fname=path)


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        wrapped = textwrap.wrap(
            line, WIDTH, subsequent_indent=" " * (indent + 2), break_long_words=True
        )
        out.extend(wrapped or [""])
    return out


def render(text: str, title: str) -> bytes:
    """``text`` on A4 pages, ``title`` in the document information; byte-deterministic."""
    lines = _lines(text)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    out = io.BytesIO()
    face = font()
    with plt.rc_context({"pdf.fonttype": 42, "pdf.use14corefonts": False}):
        with PdfPages(out, metadata={**_METADATA, "Title": title}) as pdf:
            for number, page in enumerate(pages, start=1):
                figure = plt.figure(figsize=A4)
                try:
                    for i, line in enumerate(page):
                        figure.text(0.07, 0.95 - i * 0.0145, line, fontsize=8, fontproperties=face)
                    figure.text(
                        0.9, 0.03, f"{number}/{len(pages)}", fontsize=7, fontproperties=face
                    )
                    pdf.savefig(figure)
                finally:
                    plt.close(figure)
    return out.getvalue()

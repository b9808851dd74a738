"""The page generator (docgen.py): ``python -m limes.docgen`` writes every generated page.
That the committed pages are current is tests/test_docs.py's."""

from __future__ import annotations

from pathlib import Path

import pytest

from limes import docgen


def test_main_writes_every_page_as_rendered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    docgen.main(tmp_path)
    for path, render in docgen.PAGES.items():
        assert (tmp_path / path).read_text(encoding="utf-8") == render()
    assert capsys.readouterr().out == "".join(f"wrote {path}\n" for path in docgen.PAGES)

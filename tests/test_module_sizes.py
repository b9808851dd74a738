"""Small rooms (issue 12): no module under src/ over 500 lines.

A module that grows past the limit has taken on a second job; split it along its seam
rather than raising the limit or listing exceptions.
"""

from __future__ import annotations

from pathlib import Path

MAX_LINES = 500
SRC = Path(__file__).resolve().parent.parent / "src"


def oversized(root: Path, limit: int = MAX_LINES) -> list[str]:
    """``path: N lines`` for each Python module under ``root`` longer than ``limit``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_no_module_is_over_500_lines() -> None:
    too_long = oversized(SRC)
    assert not too_long, f"modules over {MAX_LINES} lines: " + "; ".join(too_long)


def test_an_oversized_module_is_named(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "small.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (tmp_path / "pkg" / "big.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    assert oversized(tmp_path) == [f"pkg/big.py: {MAX_LINES + 1} lines"]
